package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ferrygw/ferry/internal/store"
)

// Memory is a store.Backend held in a map. Transactions run one at a time
// and buffer their writes, so an error in fn leaves nothing behind, exactly
// as in a real database. It is meant for tests; nothing is persisted.
type Memory struct {
	// wmu makes transactions run one at a time; mu guards the data, read
	// by transactions and views, written only at commit.
	wmu    sync.Mutex
	mu     sync.RWMutex
	data   map[string][]byte
	rev    int64
	closed bool
}

var (
	_ store.Backend = (*Memory)(nil)
	_ store.Viewer  = (*Memory)(nil)
)

// NewMemory returns an empty in-memory backend.
func NewMemory() *Memory { return &Memory{data: map[string][]byte{}} }

var errClosed = errors.New("memory backend: closed")

// Txn runs fn against a buffer of its writes and applies them on success.
func (m *Memory) Txn(ctx context.Context, fn func(tx store.Tx) error) error {
	return m.txn(ctx, fn, true)
}

// QuietTxn is Txn without advancing the revision.
func (m *Memory) QuietTxn(ctx context.Context, fn func(tx store.Tx) error) error {
	return m.txn(ctx, fn, false)
}

var _ store.QuietTxner = (*Memory)(nil)

func (m *Memory) txn(ctx context.Context, fn func(tx store.Tx) error, bump bool) error {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if err := m.usable(ctx); err != nil {
		return err
	}
	t := &memTx{m: m, writes: map[string][]byte{}}
	err := fn(t)
	t.done = true
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(t.writes) == 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range t.writes {
		if v == nil {
			delete(m.data, k)
		} else {
			m.data[k] = v
		}
	}
	if bump {
		m.rev++
	}
	return nil
}

func (m *Memory) usable(ctx context.Context) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return errClosed
	}
	return ctx.Err()
}

// View runs fn on the committed data, holding commits back until it returns.
func (m *Memory) View(ctx context.Context, fn func(tx store.Tx) error) error {
	if err := m.usable(ctx); err != nil {
		return err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	t := &memTx{m: m, readOnly: true, locked: true}
	err := fn(t)
	t.done = true
	return err
}

// Revision returns the number of committed transactions that wrote something.
func (m *Memory) Revision(ctx context.Context) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return 0, errClosed
	}
	return m.rev, nil
}

// Close makes every later call fail.
func (m *Memory) Close() error {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// memTx records writes in a map where a nil value means "deleted"; values
// are copied in and out so callers cannot alias the stored bytes.
type memTx struct {
	m        *Memory
	writes   map[string][]byte
	done     bool
	readOnly bool
	locked   bool // a View holds m.mu already
}

var (
	errTxDone   = errors.New("memory backend: transaction used after Txn returned")
	errReadOnly = errors.New("memory backend: write in a read-only View")
)

func (t *memTx) rlock() func() {
	if t.locked {
		return func() {}
	}
	t.m.mu.RLock()
	return t.m.mu.RUnlock
}

func (t *memTx) lookup(key string) ([]byte, bool) {
	if v, ok := t.writes[key]; ok {
		return v, v != nil
	}
	defer t.rlock()()
	v, ok := t.m.data[key]
	return v, ok
}

func (t *memTx) Get(key string) ([]byte, error) {
	if t.done {
		return nil, errTxDone
	}
	v, ok := t.lookup(key)
	if !ok {
		return nil, fmt.Errorf("key %q: %w", key, store.ErrNotFound)
	}
	return append([]byte{}, v...), nil
}

func (t *memTx) Put(key string, value []byte) error {
	if t.done {
		return errTxDone
	}
	if t.readOnly {
		return errReadOnly
	}
	if key == "" {
		return errors.New("memory backend: put: empty key")
	}
	t.writes[key] = append([]byte{}, value...)
	return nil
}

func (t *memTx) Delete(key string) error {
	if t.done {
		return errTxDone
	}
	if t.readOnly {
		return errReadOnly
	}
	if _, ok := t.lookup(key); ok {
		t.writes[key] = nil
	}
	return nil
}

// Scan implements store.Scanner over List and Get.
func (t *memTx) Scan(prefix string, fn func(key string, value []byte) error) error {
	keys, err := t.List(prefix)
	if err != nil {
		return err
	}
	for _, k := range keys {
		v, err := t.Get(k)
		if err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

var _ store.Scanner = (*memTx)(nil)

func (t *memTx) List(prefix string) ([]string, error) {
	if t.done {
		return nil, errTxDone
	}
	var keys []string
	unlock := t.rlock()
	for k := range t.m.data {
		if _, overwritten := t.writes[k]; !overwritten && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	unlock()
	for k, v := range t.writes {
		if v != nil && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}
