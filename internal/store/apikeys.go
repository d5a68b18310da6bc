package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

func apiKeyKey(id string) string { return "apikey/" + id }

// apiKeyValueKey indexes a key by a hash of its value, so a lookup is one Get
// and the secret never becomes part of a key that a listing would print.
func apiKeyValueKey(value string) string {
	sum := sha256.Sum256([]byte(value))
	return "apikeyvalue/" + hex.EncodeToString(sum[:])
}

// errKeyValueTaken never names the value: it is the secret.
func errKeyValueTaken(id string) error {
	return conflict("api key", id, "another api key has the same value")
}

// CreateAPIKey stores a new API key. A key with the same id, or any key with
// the same value, is a conflict.
func (s *Store) CreateAPIKey(ctx context.Context, k *model.APIKey) error {
	if k == nil {
		return fmt.Errorf("api key: nil")
	}
	if err := segment("api key", k.ID); err != nil {
		return err
	}
	if k.Value == "" {
		return fmt.Errorf("api key %q: empty value", k.ID)
	}
	if k.CreatedDate == "" {
		k.CreatedDate = s.timestamp()
	}
	return s.update(ctx, func(tx Tx) error {
		if ok, err := exists(tx, apiKeyKey(k.ID)); err != nil {
			return fmt.Errorf("api key %q: %w", k.ID, err)
		} else if ok {
			return conflict("api key", k.ID, "already exists")
		}
		if ok, err := exists(tx, apiKeyValueKey(k.Value)); err != nil {
			return fmt.Errorf("api key %q: %w", k.ID, err)
		} else if ok {
			return errKeyValueTaken(k.ID)
		}
		if err := tx.Put(apiKeyValueKey(k.Value), []byte(k.ID)); err != nil {
			return fmt.Errorf("api key %q: %w", k.ID, err)
		}
		return putJSON(tx, apiKeyKey(k.ID), "api key", k.ID, k)
	})
}

// GetAPIKey returns the key with the given id, value included: callers that
// answer over the admin API decide whether to show it.
func (s *Store) GetAPIKey(ctx context.Context, id string) (*model.APIKey, error) {
	var k model.APIKey
	err := s.view(ctx, func(tx Tx) error { return getJSON(tx, apiKeyKey(id), "api key", id, &k) })
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// FindAPIKeyByValue returns the key whose value is value, as a client
// presents it in x-api-key.
func (s *Store) FindAPIKeyByValue(ctx context.Context, value string) (*model.APIKey, error) {
	var k model.APIKey
	err := s.view(ctx, func(tx Tx) error {
		id, err := tx.Get(apiKeyValueKey(value))
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("api key with the given value: %w", ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("api key lookup: %w", err)
		}
		return getJSON(tx, apiKeyKey(string(id)), "api key", string(id), &k)
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// ListAPIKeys returns every API key sorted by id.
func (s *Store) ListAPIKeys(ctx context.Context) ([]*model.APIKey, error) {
	var out []*model.APIKey
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[model.APIKey](tx, "apikey/", "api key")
		return err
	})
	return out, err
}

// UpdateAPIKey reads the key, lets fn change it and writes it back in one
// transaction, moving the value index when the value changes. fn must not
// change the id.
func (s *Store) UpdateAPIKey(ctx context.Context, id string, fn func(*model.APIKey) error) (*model.APIKey, error) {
	var k *model.APIKey
	err := s.update(ctx, func(tx Tx) error {
		k = new(model.APIKey)
		if err := getJSON(tx, apiKeyKey(id), "api key", id, k); err != nil {
			return err
		}
		oldValue := k.Value
		if err := fn(k); err != nil {
			return err
		}
		if k.ID != id {
			return fmt.Errorf("api key %q: an update may not change the id (to %q)", id, k.ID)
		}
		if k.Value == "" {
			return fmt.Errorf("api key %q: empty value", id)
		}
		if k.Value != oldValue {
			if ok, err := exists(tx, apiKeyValueKey(k.Value)); err != nil {
				return fmt.Errorf("api key %q: %w", id, err)
			} else if ok {
				return errKeyValueTaken(id)
			}
			if err := tx.Delete(apiKeyValueKey(oldValue)); err != nil {
				return fmt.Errorf("api key %q: %w", id, err)
			}
			if err := tx.Put(apiKeyValueKey(k.Value), []byte(id)); err != nil {
				return fmt.Errorf("api key %q: %w", id, err)
			}
		}
		return putJSON(tx, apiKeyKey(id), "api key", id, k)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// DeleteAPIKey removes a key, its value index and its usage-plan bindings.
func (s *Store) DeleteAPIKey(ctx context.Context, id string) error {
	if err := segment("api key", id); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		var k model.APIKey
		if err := getJSON(tx, apiKeyKey(id), "api key", id, &k); err != nil {
			return err
		}
		if err := tx.Delete(apiKeyValueKey(k.Value)); err != nil {
			return fmt.Errorf("api key %q: %w", id, err)
		}
		bindings, err := tx.List("usageplankey/")
		if err != nil {
			return fmt.Errorf("api key %q: %w", id, err)
		}
		for _, b := range bindings {
			if strings.HasSuffix(b, "/"+id) {
				if err := tx.Delete(b); err != nil {
					return fmt.Errorf("api key %q: %w", id, err)
				}
			}
		}
		return tx.Delete(apiKeyKey(id))
	})
}
