package kvm

import (
	"context"
	"time"
)

// MapRecord is a map's metadata as the store keeps it.
type MapRecord struct {
	// Scope is "global", "api:{id}" or "stage:{id}/{name}".
	Scope string
	// Name is the map's name, unique within its scope.
	Name string
	// Encrypted maps hold sealed values only.
	Encrypted bool
	// CreatedDate is when the map was created.
	CreatedDate time.Time
}

// EntryRecord is one stored entry: for an encrypted map, Value is sealed.
type EntryRecord struct {
	Key   string
	Value []byte
}

// Store is the storage Service needs. Values it receives for encrypted maps
// are already sealed. Missing maps and entries are reported with errors
// that wrap store.ErrNotFound, duplicates with store.ErrConflict.
type Store interface {
	CreateKVMap(ctx context.Context, m MapRecord) error
	GetKVMap(ctx context.Context, scope, name string) (MapRecord, error)
	ListKVMaps(ctx context.Context, scope string) ([]MapRecord, error)
	// DeleteKVMap removes a map and every entry in it.
	DeleteKVMap(ctx context.Context, scope, name string) error
	PutKVMEntry(ctx context.Context, scope, mapName, key string, value []byte) error
	GetKVMEntry(ctx context.Context, scope, mapName, key string) ([]byte, error)
	// ListKVMEntries returns a map's entries ordered by key.
	ListKVMEntries(ctx context.Context, scope, mapName string) ([]EntryRecord, error)
	DeleteKVMEntry(ctx context.Context, scope, mapName, key string) error
	// ReplaceKVMEntries calls fn for every entry of every map, in every
	// scope, inside one transaction, and stores what fn returns. An error
	// from fn aborts the transaction and nothing changes.
	ReplaceKVMEntries(ctx context.Context, fn func(m MapRecord, key string, value []byte) ([]byte, error)) error
}
