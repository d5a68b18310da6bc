package authorizer

import (
	"sync"
	"time"
)

// cache holds authorizer results until they expire. It is bounded: when
// full, expired entries go first, then arbitrary ones, so a flood of
// distinct identities costs extra authorizer calls, never unbounded memory.
type cache[V any] struct {
	mu  sync.RWMutex
	m   map[string]cached[V]
	max int
}

type cached[V any] struct {
	v       V
	expires time.Time
}

func newCache[V any](max int) *cache[V] {
	return &cache[V]{m: map[string]cached[V]{}, max: max}
}

func (c *cache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *cache[V]) put(key string, v V, expires time.Time, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[key] = cached[V]{v: v, expires: expires}
}

func (c *cache[V]) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
