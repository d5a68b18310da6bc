package kvm

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/ferrygw/ferry/internal/store"
)

// memStore is a map-backed Store for the service's unit tests; the SQLite
// test below runs the same service over the real store.
type memStore struct {
	mu      sync.Mutex
	maps    map[string]MapRecord
	entries map[string]map[string][]byte // map id -> key -> value
	// failAfter makes ReplaceKVMEntries fail after that many calls (0: never).
	failAfter int
}

func newMemStore() *memStore {
	return &memStore{maps: map[string]MapRecord{}, entries: map[string]map[string][]byte{}}
}

func mapID(scope, name string) string { return scope + "\x00" + name }

func (m *memStore) CreateKVMap(_ context.Context, r MapRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := mapID(r.Scope, r.Name)
	if _, ok := m.maps[id]; ok {
		return fmt.Errorf("map %s: %w", r.Name, store.ErrConflict)
	}
	m.maps[id] = r
	m.entries[id] = map[string][]byte{}
	return nil
}

func (m *memStore) GetKVMap(_ context.Context, scope, name string) (MapRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.maps[mapID(scope, name)]
	if !ok {
		return MapRecord{}, store.ErrNotFound
	}
	return r, nil
}

func (m *memStore) ListKVMaps(_ context.Context, scope string) ([]MapRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []MapRecord
	for _, r := range m.maps {
		if r.Scope == scope {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (m *memStore) DeleteKVMap(_ context.Context, scope, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := mapID(scope, name)
	if _, ok := m.maps[id]; !ok {
		return store.ErrNotFound
	}
	delete(m.maps, id)
	delete(m.entries, id)
	return nil
}

func (m *memStore) PutKVMEntry(_ context.Context, scope, name, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[mapID(scope, name)]
	if !ok {
		return store.ErrNotFound
	}
	e[key] = append([]byte(nil), value...)
	return nil
}

func (m *memStore) GetKVMEntry(_ context.Context, scope, name, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.entries[mapID(scope, name)][key]
	if !ok {
		return nil, store.ErrNotFound
	}
	return append([]byte(nil), v...), nil
}

func (m *memStore) ListKVMEntries(_ context.Context, scope, name string) ([]EntryRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []EntryRecord
	for k, v := range m.entries[mapID(scope, name)] {
		out = append(out, EntryRecord{Key: k, Value: append([]byte(nil), v...)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (m *memStore) DeleteKVMEntry(_ context.Context, scope, name, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries[mapID(scope, name)], key)
	return nil
}

// ReplaceKVMEntries applies fn to a copy and swaps it in only when every
// call succeeded, which is what a transaction gives the real store.
func (m *memStore) ReplaceKVMEntries(_ context.Context, fn func(MapRecord, string, []byte) ([]byte, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	next := map[string]map[string][]byte{}
	calls := 0
	for id, entries := range m.entries {
		next[id] = map[string][]byte{}
		for k, v := range entries {
			calls++
			if m.failAfter > 0 && calls > m.failAfter {
				return fmt.Errorf("injected failure after %d entries", m.failAfter)
			}
			nv, err := fn(m.maps[id], k, append([]byte(nil), v...))
			if err != nil {
				return err
			}
			next[id][k] = nv
		}
	}
	m.entries = next
	return nil
}

// raw returns every stored value, for tests that look for leaked plaintext.
func (m *memStore) raw() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out [][]byte
	for _, e := range m.entries {
		for _, v := range e {
			out = append(out, v)
		}
	}
	return out
}
