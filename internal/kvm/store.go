package kvm

import (
	"context"

	"github.com/ferrygw/ferry/internal/store"
)

// Store is the storage Service needs; *store.Store satisfies it. Values it
// receives for encrypted maps are already sealed. Missing maps and entries
// are errors wrapping store.ErrNotFound, duplicates store.ErrConflict.
type Store interface {
	CreateKVMap(ctx context.Context, m *store.KVMap) error
	GetKVMap(ctx context.Context, scope, name string) (*store.KVMap, error)
	ListKVMaps(ctx context.Context, scope string) ([]*store.KVMap, error)
	DeleteKVMap(ctx context.Context, scope, name string) error
	PutKVMEntry(ctx context.Context, scope, mapName, key string, value []byte) error
	GetKVMEntry(ctx context.Context, scope, mapName, key string) ([]byte, error)
	ListKVMEntries(ctx context.Context, scope, mapName string) ([]string, error)
	DeleteKVMEntry(ctx context.Context, scope, mapName, key string) error
	// ReplaceKVMEntries calls fn for every entry of every encrypted map in
	// one transaction and stores what fn returns; an error aborts it all.
	ReplaceKVMEntries(ctx context.Context, fn func(scope, mapName, key string, value []byte) ([]byte, error)) error
}

var _ Store = (*store.Store)(nil)
