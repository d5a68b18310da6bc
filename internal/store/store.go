package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Store is ferry's typed control-plane state over any Backend. It decides
// the key layout and the invariants between records (a stage needs its
// deployment, deleting an API removes what hangs off it); the Backend only
// keeps bytes.
//
// Keys, one record each, values JSON of the model types unless noted:
//
//	api/{id}                          model.API
//	deployment/{apiId}/{id}           model.Deployment, snapshot included
//	stage/{apiId}/{name}              model.Stage
//	domain/{name}                     model.DomainName
//	basepath/{domain}/{basePath}      model.BasePathMapping
//	apikey/{id}                       model.APIKey
//	apikeyvalue/{sha256hex of value}  the key's id (an index, so the value is never a key)
//	usageplan/{id}                    model.UsagePlan
//	usageplankey/{planId}/{keyId}     model.UsagePlanKey
//	kvm/{scope}/{map}                 KVMap
//	kvmentry/{scope}/{map}/{key}      opaque bytes, sealed by package kvm
//	usage/{name}                      a usage-plan counter, "N EXPIRY_UNIXNANO" (written without a revision bump)
type Store struct {
	b Backend
	// now is swapped by tests that need distinct, ordered timestamps.
	now func() time.Time
}

// New returns the typed store over b. The Store does not own b: closing b
// stays the caller's job.
func New(b Backend) *Store {
	return &Store{b: b, now: time.Now}
}

// Backend returns the backend the store writes to.
func (s *Store) Backend() Backend { return s.b }

// Revision returns the backend's revision, which grows with every committed write.
func (s *Store) Revision(ctx context.Context) (int64, error) { return s.b.Revision(ctx) }

func (s *Store) timestamp() string { return s.now().UTC().Format(time.RFC3339) }

// notFound and conflict build the errors every method returns, worded as
// `api "abc": not found` so the admin API can pass them on as they are.
func notFound(kind, name string) error { return fmt.Errorf("%s %q: %w", kind, name, ErrNotFound) }

func conflict(kind, name, why string) error {
	return fmt.Errorf("%s %q: %s: %w", kind, name, why, ErrConflict)
}

// segment checks a name that becomes one segment of a key: a '/' in it would
// make one record's key a prefix of another's and corrupt listings.
func segment(kind, name string) error {
	if name == "" {
		return fmt.Errorf("%s: empty name", kind)
	}
	if strings.Contains(name, "/") {
		return fmt.Errorf("%s %q: must not contain '/'", kind, name)
	}
	return nil
}

// getJSON reads key into v, turning a missing key into notFound(kind, name).
func getJSON(tx Tx, key, kind, name string, v any) error {
	b, err := tx.Get(key)
	if errors.Is(err, ErrNotFound) {
		return notFound(kind, name)
	}
	if err != nil {
		return fmt.Errorf("%s %q: %w", kind, name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s %q: stored record is corrupt: %w", kind, name, err)
	}
	return nil
}

func putJSON(tx Tx, key, kind, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s %q: encode: %w", kind, name, err)
	}
	if err := tx.Put(key, b); err != nil {
		return fmt.Errorf("%s %q: %w", kind, name, err)
	}
	return nil
}

func exists(tx Tx, key string) (bool, error) {
	_, err := tx.Get(key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// scan calls fn with every key under prefix and its value, in key order:
// in one pass when the backend's Tx is a Scanner, else by List and Get.
func scan(tx Tx, prefix string, fn func(key string, value []byte) error) error {
	if sc, ok := tx.(Scanner); ok {
		return sc.Scan(prefix, fn)
	}
	keys, err := tx.List(prefix)
	if err != nil {
		return err
	}
	for _, k := range keys {
		v, err := tx.Get(k)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// listJSON decodes every record under prefix, in key order.
func listJSON[T any](tx Tx, prefix, kind string) ([]*T, error) {
	out := []*T{} // an empty list, not nil: callers answer it as JSON
	err := scan(tx, prefix, func(k string, b []byte) error {
		v := new(T)
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("%s %q: stored record is corrupt: %w", kind, strings.TrimPrefix(k, prefix), err)
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", kind, err)
	}
	return out, nil
}

// deletePrefix removes every key under prefix.
func deletePrefix(tx Tx, prefix string) error {
	keys, err := tx.List(prefix)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Viewer is an optional Backend capability: read-only transactions that see
// one consistent snapshot and run beside each other and beside a writer.
// Store uses it for every read when the backend has it; without it, reads
// go through Txn, which is correct but queues them behind writers. ferry's
// backends all implement it, and storetest.Run requires it.
type Viewer interface {
	// View runs fn on a snapshot; Put and Delete inside it fail.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// view runs a function that only reads.
func (s *Store) view(ctx context.Context, fn func(tx Tx) error) error {
	if v, ok := s.b.(Viewer); ok {
		return v.View(ctx, fn)
	}
	return s.b.Txn(ctx, fn)
}

func (s *Store) update(ctx context.Context, fn func(tx Tx) error) error { return s.b.Txn(ctx, fn) }

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
