package kvm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/store"
)

// ErrEncryptedMap is returned by GetPlain for a map whose values are
// secrets: templates and admin answers never see them.
var ErrEncryptedMap = errors.New("kvm: map is encrypted")

// MapInfo describes a map.
type MapInfo struct {
	Scope       string `json:"scope"`
	Name        string `json:"name"`
	Encrypted   bool   `json:"encrypted"`
	CreatedDate string `json:"createdDate,omitempty"`
}

// EntryInfo describes an entry without its value: what the admin API shows
// for encrypted maps.
type EntryInfo struct {
	Scope     string `json:"scope"`
	Map       string `json:"map"`
	Key       string `json:"key"`
	Encrypted bool   `json:"encrypted"`
	// KeyID is the master key that sealed the value (encrypted maps only).
	KeyID string `json:"keyId,omitempty"`
	// Size is the plaintext's length in bytes.
	Size int `json:"size"`
}

// Service reads and writes key-value maps, sealing the values of encrypted
// maps before they reach the store.
type Service struct {
	store Store
	keys  *MasterKeys
	now   func() time.Time

	// rotating is held for writing while a rotation runs, so that no Put
	// seals, and no Get opens, with a key the rotation is about to retire.
	rotating sync.RWMutex
}

// NewService returns a service over st that seals with keys.
func NewService(st Store, keys *MasterKeys) *Service {
	return &Service{store: st, keys: keys, now: time.Now}
}

// CreateMap creates an empty map.
func (s *Service) CreateMap(ctx context.Context, scope, name string, encrypted bool) (MapInfo, error) {
	if err := validateMap(scope, name); err != nil {
		return MapInfo{}, err
	}
	rec := &store.KVMap{Scope: scope, Name: name, Encrypted: encrypted, CreatedDate: s.now().UTC().Format(time.RFC3339)}
	if err := s.store.CreateKVMap(ctx, rec); err != nil {
		return MapInfo{}, fmt.Errorf("kvm: create map %s in %s: %w", name, scope, err)
	}
	return mapInfo(rec), nil
}

// DescribeMap returns a map's metadata.
func (s *Service) DescribeMap(ctx context.Context, scope, name string) (MapInfo, error) {
	rec, err := s.getMap(ctx, scope, name)
	if err != nil {
		return MapInfo{}, err
	}
	return mapInfo(rec), nil
}

// ListMaps lists the maps of a scope.
func (s *Service) ListMaps(ctx context.Context, scope string) ([]MapInfo, error) {
	if err := ValidateScope(scope); err != nil {
		return nil, err
	}
	recs, err := s.store.ListKVMaps(ctx, scope)
	if err != nil {
		return nil, fmt.Errorf("kvm: list maps in %s: %w", scope, err)
	}
	out := make([]MapInfo, len(recs))
	for i, r := range recs {
		out[i] = mapInfo(r)
	}
	return out, nil
}

// DeleteMap deletes a map and its entries.
func (s *Service) DeleteMap(ctx context.Context, scope, name string) error {
	if err := validateMap(scope, name); err != nil {
		return err
	}
	if err := s.store.DeleteKVMap(ctx, scope, name); err != nil {
		return fmt.Errorf("kvm: delete map %s in %s: %w", name, scope, err)
	}
	return nil
}

// Put stores value under key, sealed when the map is encrypted.
func (s *Service) Put(ctx context.Context, scope, mapName, key string, value []byte) error {
	if err := ValidateEntryKey(key); err != nil {
		return err
	}
	s.rotating.RLock()
	defer s.rotating.RUnlock()
	m, err := s.getMap(ctx, scope, mapName)
	if err != nil {
		return err
	}
	stored := value
	if m.Encrypted {
		if stored, err = s.keys.ring.Seal(Location{scope, mapName, key}, value); err != nil {
			return err
		}
	}
	if err := s.store.PutKVMEntry(ctx, scope, mapName, key, stored); err != nil {
		return fmt.Errorf("kvm: put %s/%s/%s: %w", scope, mapName, key, err)
	}
	return nil
}

// Get returns an entry's plaintext, opening it when the map is encrypted.
// It is for ferry's own use (credentials); never hand the result to a
// client or a template.
func (s *Service) Get(ctx context.Context, scope, mapName, key string) (Secret, error) {
	// A value read just before a rotation commits is sealed with the key the
	// rotation then retires: hold rotation off until it is opened.
	s.rotating.RLock()
	defer s.rotating.RUnlock()
	m, raw, err := s.getEntry(ctx, scope, mapName, key)
	if err != nil {
		return Secret{}, err
	}
	if !m.Encrypted {
		return NewSecret(raw), nil
	}
	pt, err := s.keys.ring.Open(Location{scope, mapName, key}, raw)
	if err != nil {
		return Secret{}, err
	}
	return NewSecret(pt), nil
}

// GetPlain returns the value of an entry of a map that is not encrypted, for
// $kvm.get in templates and for the admin API. Encrypted maps answer
// ErrEncryptedMap.
func (s *Service) GetPlain(ctx context.Context, scope, mapName, key string) (string, error) {
	m, raw, err := s.getEntry(ctx, scope, mapName, key)
	if err != nil {
		return "", err
	}
	if m.Encrypted {
		return "", fmt.Errorf("%w: %s/%s holds secrets that are not readable here", ErrEncryptedMap, scope, mapName)
	}
	return string(raw), nil
}

// Describe returns an entry's metadata without its value.
func (s *Service) Describe(ctx context.Context, scope, mapName, key string) (EntryInfo, error) {
	m, raw, err := s.getEntry(ctx, scope, mapName, key)
	if err != nil {
		return EntryInfo{}, err
	}
	return entryInfo(m, key, raw), nil
}

// List describes a map's entries, ordered by key, without their values.
func (s *Service) List(ctx context.Context, scope, mapName string) ([]EntryInfo, error) {
	m, err := s.getMap(ctx, scope, mapName)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListKVMEntries(ctx, scope, mapName)
	if err != nil {
		return nil, fmt.Errorf("kvm: list %s/%s: %w", scope, mapName, err)
	}
	out := make([]EntryInfo, 0, len(keys))
	for _, k := range keys {
		raw, err := s.store.GetKVMEntry(ctx, scope, mapName, k)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return nil, fmt.Errorf("kvm: entry %s/%s/%s: %w", scope, mapName, k, err)
		}
		out = append(out, entryInfo(m, k, raw))
	}
	return out, nil
}

// Delete removes an entry.
func (s *Service) Delete(ctx context.Context, scope, mapName, key string) error {
	if err := validateMap(scope, mapName); err != nil {
		return err
	}
	if err := ValidateEntryKey(key); err != nil {
		return err
	}
	if err := s.store.DeleteKVMEntry(ctx, scope, mapName, key); err != nil {
		return fmt.Errorf("kvm: delete %s/%s/%s: %w", scope, mapName, key, err)
	}
	return nil
}

// RotateKey makes a new master key active (or, when keys come from
// FERRY_MASTER_KEY, the first key listed there), re-seals every value of
// every encrypted map with it in one store transaction, and only then
// forgets the old keys. Until the transaction commits the old keys stay on
// disk, so every value remains readable whatever happens.
func (s *Service) RotateKey(ctx context.Context) (KeyID, error) {
	s.rotating.Lock()
	defer s.rotating.Unlock()
	active, err := s.keys.beginRotation(ctx)
	if err != nil {
		return 0, err
	}
	ring := s.keys.ring
	err = s.store.ReplaceKVMEntries(ctx, func(scope, mapName, key string, value []byte) ([]byte, error) {
		if id, err := sealedKeyID(value); err == nil && id == active {
			return value, nil
		}
		loc := Location{scope, mapName, key}
		pt, err := ring.Open(loc, value)
		if err != nil {
			return nil, err
		}
		return ring.Seal(loc, pt)
	})
	if err != nil {
		return 0, fmt.Errorf("kvm: rotate to master key %s: %w", active, err)
	}
	if err := s.keys.retireAllBut(active); err != nil {
		return 0, err
	}
	return active, nil
}

func (s *Service) getMap(ctx context.Context, scope, name string) (*store.KVMap, error) {
	if err := validateMap(scope, name); err != nil {
		return nil, err
	}
	m, err := s.store.GetKVMap(ctx, scope, name)
	if err != nil {
		return nil, fmt.Errorf("kvm: map %s in %s: %w", name, scope, err)
	}
	return m, nil
}

func (s *Service) getEntry(ctx context.Context, scope, mapName, key string) (*store.KVMap, []byte, error) {
	if err := ValidateEntryKey(key); err != nil {
		return nil, nil, err
	}
	m, err := s.getMap(ctx, scope, mapName)
	if err != nil {
		return nil, nil, err
	}
	raw, err := s.store.GetKVMEntry(ctx, scope, mapName, key)
	if err != nil {
		return nil, nil, fmt.Errorf("kvm: entry %s/%s/%s: %w", scope, mapName, key, err)
	}
	return m, raw, nil
}

func validateMap(scope, name string) error {
	if err := ValidateScope(scope); err != nil {
		return err
	}
	return ValidateMapName(name)
}

func mapInfo(r *store.KVMap) MapInfo {
	return MapInfo{Scope: r.Scope, Name: r.Name, Encrypted: r.Encrypted, CreatedDate: r.CreatedDate}
}

func entryInfo(m *store.KVMap, key string, raw []byte) EntryInfo {
	e := EntryInfo{Scope: m.Scope, Map: m.Name, Key: key, Encrypted: m.Encrypted, Size: len(raw)}
	if m.Encrypted {
		if id, err := sealedKeyID(raw); err == nil {
			e.KeyID = id.String()
			e.Size = len(raw) - headerLen - nonceLen - tagLen
		}
	}
	return e
}
