package kvm

import (
	"context"
	"errors"
	"testing"

	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
)

// testStore is the real typed store over the in-memory backend, with a
// switch that makes rotation fail part-way, after its transaction began.
type testStore struct {
	*store.Store
	failAfter int
}

func newTestStore() *testStore { return &testStore{Store: store.New(storetest.NewMemory())} }

func (s *testStore) ReplaceKVMEntries(ctx context.Context, fn func(scope, mapName, key string, value []byte) ([]byte, error)) error {
	calls := 0
	return s.Store.ReplaceKVMEntries(ctx, func(scope, mapName, key string, value []byte) ([]byte, error) {
		if calls++; s.failAfter > 0 && calls > s.failAfter {
			return nil, errors.New("injected failure")
		}
		return fn(scope, mapName, key, value)
	})
}

// testScopes are the scopes the tests write to.
var testScopes = []string{ScopeGlobal, APIScope("a1"), StageScope("a1", "prod"), StageScope("abc123", "prod")}

// raw returns every stored value of every map in testScopes, as the store
// holds it.
func (s *testStore) raw(t *testing.T) [][]byte {
	t.Helper()
	ctx := context.Background()
	var out [][]byte
	for _, scope := range testScopes {
		maps, err := s.ListKVMaps(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range maps {
			keys, err := s.ListKVMEntries(ctx, scope, m.Name)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				v, err := s.GetKVMEntry(ctx, scope, m.Name, k)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, v)
			}
		}
	}
	return out
}
