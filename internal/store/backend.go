package store

import (
	"context"
	"errors"
)

// ErrNotFound is returned when a key or record does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write would break an invariant (a duplicate
// name, deleting a deployment a stage still serves, a failed compare-and-set).
var ErrConflict = errors.New("conflict")

// Backend is the untrusted storage under ferry: ordered keys and opaque
// values. Everything ferry stores goes through it; secrets arrive already
// sealed by package kvm. SQLite and PostgreSQL implement it, and both must
// pass the shared suite in package storetest.
type Backend interface {
	// Txn runs fn atomically: either every write fn made is committed or none is.
	// fn may be retried on a serialization failure and must not have side effects
	// outside tx.
	Txn(ctx context.Context, fn func(tx Tx) error) error
	// Revision returns a number that grows with every committed write, so a node
	// can poll cheaply for changes made by another node.
	Revision(ctx context.Context) (int64, error)
	// Close releases the backend.
	Close() error
}

// Scanner is an optional Tx capability: the keys under a prefix with their
// values, in ascending key order, in one pass. Listing many records (every
// usage counter at start, every stage) otherwise costs one Get per key.
type Scanner interface {
	// Scan calls fn with each key that starts with prefix and its value, in
	// ascending byte order, and stops at fn's first error, returning it.
	// value is only valid during the call.
	Scan(prefix string, fn func(key string, value []byte) error) error
}

// Tx is one transaction's view of the keys.
type Tx interface {
	// Get returns the value under key, or ErrNotFound.
	Get(key string) ([]byte, error)
	// Put stores value under key, replacing any previous value.
	Put(key string, value []byte) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(key string) error
	// List returns the keys that start with prefix, in ascending byte order.
	List(prefix string) ([]string, error)
}
