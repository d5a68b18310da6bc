package usageplan

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
)

// KeyStore is what the guard reads of the store; *store.Store implements it.
type KeyStore interface {
	FindAPIKeyByValue(ctx context.Context, value string) (*model.APIKey, error)
	UsagePlansForKey(ctx context.Context, keyID string) ([]*model.UsagePlan, error)
}

var _ KeyStore = (*store.Store)(nil)

// DefaultCacheTTL is how long a key and its plans are reused before the
// store is read again: long enough to spare SQLite on every call, short
// enough that a disabled or deleted key stops working within seconds.
const DefaultCacheTTL = 2 * time.Second

// maxCachedKeys bounds the cache, which also remembers unknown values: a
// client that tries many wrong keys must not grow it without limit.
const maxCachedKeys = 1 << 16

// Keys reads API keys by value, with their usage plans, through a short
// cache. Unknown values are cached too, so a flood of wrong keys costs one
// read per value and TTL.
type Keys struct {
	store KeyStore
	ttl   time.Duration

	mu sync.RWMutex
	m  map[string]*keyEntry
}

// keyEntry is one cached answer; key is nil for a value no key has.
type keyEntry struct {
	key     *model.APIKey
	plans   []*model.UsagePlan
	expires time.Time
}

// NewKeys returns a cache over st; ttl 0 means DefaultCacheTTL.
func NewKeys(st KeyStore, ttl time.Duration) *Keys {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &Keys{store: st, ttl: ttl, m: make(map[string]*keyEntry)}
}

// Lookup returns the key whose value is value and the plans it is bound
// to; a nil key means no key has that value. Errors are the store's,
// other than not-found, and are not cached.
func (k *Keys) Lookup(ctx context.Context, value string, now time.Time) (*model.APIKey, []*model.UsagePlan, error) {
	k.mu.RLock()
	e, ok := k.m[value]
	k.mu.RUnlock()
	if ok && now.Before(e.expires) {
		return e.key, e.plans, nil
	}
	e = &keyEntry{expires: now.Add(k.ttl)}
	key, err := k.store.FindAPIKeyByValue(ctx, value)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, nil, err
	default:
		plans, err := k.store.UsagePlansForKey(ctx, key.ID)
		if err != nil {
			return nil, nil, err
		}
		e.key, e.plans = key, plans
	}
	k.mu.Lock()
	if len(k.m) >= maxCachedKeys {
		clear(k.m)
	}
	k.m[value] = e
	k.mu.Unlock()
	return e.key, e.plans, nil
}
