package store

import (
	"context"
	"fmt"
	"strings"
)

// KVMap is a key-value map's metadata. Its entries are stored apart, as
// opaque bytes the store never decodes.
type KVMap struct {
	// Scope is "global", "api:{apiId}" or "stage:{apiId}/{stageName}".
	Scope string `json:"scope"`
	// Name is unique within the scope.
	Name string `json:"name"`
	// Encrypted maps hold values sealed by package kvm.
	Encrypted bool `json:"encrypted"`
	// CreatedDate is the creation time in RFC 3339.
	CreatedDate string `json:"createdDate,omitempty"`
}

// ScopeGlobal is the scope of maps every API can read.
const ScopeGlobal = "global"

// ScopeAPI returns the scope of maps that belong to one API.
func ScopeAPI(apiID string) string { return "api:" + apiID }

// ScopeStage returns the scope of maps that belong to one stage.
func ScopeStage(apiID, stage string) string { return "stage:" + apiID + "/" + stage }

// checkScope accepts exactly the three scope shapes. The shape matters for
// the keys: "stage:{api}/{stage}" holds one '/', and nothing else may, or
// the prefix of one map could cover another's entries.
func checkScope(scope string) error {
	bad := func() error {
		return fmt.Errorf("kvm scope %q: want %q, \"api:{apiId}\" or \"stage:{apiId}/{stageName}\"", scope, ScopeGlobal)
	}
	switch {
	case scope == ScopeGlobal:
		return nil
	case strings.HasPrefix(scope, "api:"):
		if id := scope[len("api:"):]; id == "" || strings.Contains(id, "/") {
			return bad()
		}
		return nil
	case strings.HasPrefix(scope, "stage:"):
		api, stage, ok := strings.Cut(scope[len("stage:"):], "/")
		if !ok || api == "" || stage == "" || strings.Contains(stage, "/") {
			return bad()
		}
		return nil
	}
	return bad()
}

func checkMap(scope, name string) error {
	if err := checkScope(scope); err != nil {
		return err
	}
	return segment("kvm "+scope+" map", name)
}

func kvmKey(scope, name string) string { return "kvm/" + scope + "/" + name }

func kvmEntryPrefix(scope, name string) string { return "kvmentry/" + scope + "/" + name + "/" }

func mapLabel(scope, name string) string { return scope + "/" + name }

// CreateKVMap stores a new map's metadata; the same scope and name is a conflict.
func (s *Store) CreateKVMap(ctx context.Context, m *KVMap) error {
	if m == nil {
		return fmt.Errorf("kvm: nil map")
	}
	if err := checkMap(m.Scope, m.Name); err != nil {
		return err
	}
	if m.CreatedDate == "" {
		m.CreatedDate = s.timestamp()
	}
	return s.update(ctx, func(tx Tx) error {
		if ok, err := exists(tx, kvmKey(m.Scope, m.Name)); err != nil {
			return fmt.Errorf("kvm map %q: %w", mapLabel(m.Scope, m.Name), err)
		} else if ok {
			return conflict("kvm map", mapLabel(m.Scope, m.Name), "already exists")
		}
		return putJSON(tx, kvmKey(m.Scope, m.Name), "kvm map", mapLabel(m.Scope, m.Name), m)
	})
}

// GetKVMap returns one map's metadata.
func (s *Store) GetKVMap(ctx context.Context, scope, name string) (*KVMap, error) {
	if err := checkMap(scope, name); err != nil {
		return nil, err
	}
	var m KVMap
	err := s.view(ctx, func(tx Tx) error {
		return getJSON(tx, kvmKey(scope, name), "kvm map", mapLabel(scope, name), &m)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ListKVMaps returns the maps of one scope sorted by name.
func (s *Store) ListKVMaps(ctx context.Context, scope string) ([]*KVMap, error) {
	if err := checkScope(scope); err != nil {
		return nil, err
	}
	var out []*KVMap
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[KVMap](tx, "kvm/"+scope+"/", "kvm map")
		return err
	})
	return out, err
}

// DeleteKVMap removes a map and every entry in it.
func (s *Store) DeleteKVMap(ctx context.Context, scope, name string) error {
	if err := checkMap(scope, name); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if ok, err := exists(tx, kvmKey(scope, name)); err != nil {
			return fmt.Errorf("kvm map %q: %w", mapLabel(scope, name), err)
		} else if !ok {
			return notFound("kvm map", mapLabel(scope, name))
		}
		if err := deletePrefix(tx, kvmEntryPrefix(scope, name)); err != nil {
			return fmt.Errorf("kvm map %q: %w", mapLabel(scope, name), err)
		}
		return tx.Delete(kvmKey(scope, name))
	})
}

// requireMap reports a missing map as not found, naming the map.
func requireMap(tx Tx, scope, name string) error {
	ok, err := exists(tx, kvmKey(scope, name))
	if err != nil {
		return fmt.Errorf("kvm map %q: %w", mapLabel(scope, name), err)
	}
	if !ok {
		return notFound("kvm map", mapLabel(scope, name))
	}
	return nil
}

func checkEntry(scope, mapName, key string) error {
	if err := checkMap(scope, mapName); err != nil {
		return err
	}
	if key == "" {
		return fmt.Errorf("kvm map %q: empty entry key", mapLabel(scope, mapName))
	}
	return nil
}

// PutKVMEntry stores value under key in an existing map. The value is
// stored as given; for an encrypted map it must already be sealed.
func (s *Store) PutKVMEntry(ctx context.Context, scope, mapName, key string, value []byte) error {
	if err := checkEntry(scope, mapName, key); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if err := requireMap(tx, scope, mapName); err != nil {
			return err
		}
		if err := tx.Put(kvmEntryPrefix(scope, mapName)+key, value); err != nil {
			return fmt.Errorf("kvm map %q: entry %q: %w", mapLabel(scope, mapName), key, err)
		}
		return nil
	})
}

// GetKVMEntry returns the stored bytes of one entry.
func (s *Store) GetKVMEntry(ctx context.Context, scope, mapName, key string) ([]byte, error) {
	if err := checkEntry(scope, mapName, key); err != nil {
		return nil, err
	}
	var v []byte
	err := s.view(ctx, func(tx Tx) error {
		var err error
		v, err = tx.Get(kvmEntryPrefix(scope, mapName) + key)
		if isNotFound(err) {
			if err := requireMap(tx, scope, mapName); err != nil {
				return err
			}
			return fmt.Errorf("kvm map %q: entry %q: %w", mapLabel(scope, mapName), key, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// ListKVMEntries returns the entry keys of a map in ascending order. Values
// are not returned: listings must not carry secrets, sealed or not.
func (s *Store) ListKVMEntries(ctx context.Context, scope, mapName string) ([]string, error) {
	if err := checkMap(scope, mapName); err != nil {
		return nil, err
	}
	var out []string
	err := s.view(ctx, func(tx Tx) error {
		if err := requireMap(tx, scope, mapName); err != nil {
			return err
		}
		prefix := kvmEntryPrefix(scope, mapName)
		keys, err := tx.List(prefix)
		if err != nil {
			return fmt.Errorf("kvm map %q: %w", mapLabel(scope, mapName), err)
		}
		out = make([]string, len(keys))
		for i, k := range keys {
			out[i] = k[len(prefix):]
		}
		return nil
	})
	return out, err
}

// DeleteKVMEntry removes one entry.
func (s *Store) DeleteKVMEntry(ctx context.Context, scope, mapName, key string) error {
	if err := checkEntry(scope, mapName, key); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		full := kvmEntryPrefix(scope, mapName) + key
		ok, err := exists(tx, full)
		if err != nil {
			return fmt.Errorf("kvm map %q: entry %q: %w", mapLabel(scope, mapName), key, err)
		}
		if !ok {
			if err := requireMap(tx, scope, mapName); err != nil {
				return err
			}
			return fmt.Errorf("kvm map %q: entry %q: %w", mapLabel(scope, mapName), key, ErrNotFound)
		}
		return tx.Delete(full)
	})
}

// ReplaceKVMEntries calls fn for every entry of every encrypted map and
// stores what it returns, all in one transaction: master-key rotation either
// re-seals everything or nothing. An error from fn aborts and is returned
// wrapped with the map and entry it failed on (never the value).
func (s *Store) ReplaceKVMEntries(ctx context.Context, fn func(scope, mapName, key string, value []byte) ([]byte, error)) error {
	return s.update(ctx, func(tx Tx) error {
		maps, err := listJSON[KVMap](tx, "kvm/", "kvm map")
		if err != nil {
			return err
		}
		for _, m := range maps {
			if !m.Encrypted {
				continue
			}
			prefix := kvmEntryPrefix(m.Scope, m.Name)
			keys, err := tx.List(prefix)
			if err != nil {
				return fmt.Errorf("kvm map %q: %w", mapLabel(m.Scope, m.Name), err)
			}
			for _, k := range keys {
				old, err := tx.Get(k)
				if err != nil {
					return fmt.Errorf("kvm map %q: entry %q: %w", mapLabel(m.Scope, m.Name), k[len(prefix):], err)
				}
				nv, err := fn(m.Scope, m.Name, k[len(prefix):], old)
				if err != nil {
					return fmt.Errorf("kvm map %q: entry %q: %w", mapLabel(m.Scope, m.Name), k[len(prefix):], err)
				}
				if err := tx.Put(k, nv); err != nil {
					return fmt.Errorf("kvm map %q: entry %q: %w", mapLabel(m.Scope, m.Name), k[len(prefix):], err)
				}
			}
		}
		return nil
	})
}
