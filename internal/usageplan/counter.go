package usageplan

import (
	"context"
	"sync"
	"time"
)

// Counter keeps integer counters that expire: quota counters per period and
// usage counters per day. A shared implementation maps Take to a script
// (GET, compare, INCR, EXPIREAT) and Add to INCRBY with EXPIREAT.
type Counter interface {
	// Take adds one to key unless it has reached limit. It returns the
	// count after the call and whether one was added. expireAt is when the
	// counter may be forgotten.
	Take(ctx context.Context, key string, limit int64, expireAt time.Time) (n int64, ok bool, err error)
	// Add adds n to key and returns the new count.
	Add(ctx context.Context, key string, n int64, expireAt time.Time) (int64, error)
	// Get returns the count of key, 0 when absent or expired.
	Get(ctx context.Context, key string) (int64, error)
}

// MemoryCounter is a Counter for one node.
type MemoryCounter struct {
	// Now is the clock that expires counters; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	counts map[string]*memCount
	swept  time.Time

	// track makes the counter remember what changed for DurableCounter:
	// changed holds each counter whose count moved since the last flush
	// (once, by its dirty flag), gone the names swept as expired. Off,
	// neither grows.
	track   bool
	changed []*memCount
	gone    []string
}

type memCount struct {
	name     string
	n        int64
	expireAt time.Time
	dirty    bool
}

var _ Counter = (*MemoryCounter)(nil)

// NewMemoryCounter returns an empty MemoryCounter.
func NewMemoryCounter() *MemoryCounter {
	return &MemoryCounter{counts: make(map[string]*memCount)}
}

func (c *MemoryCounter) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// entry returns the live counter of key, creating it; callers hold mu.
func (c *MemoryCounter) entry(key string, expireAt time.Time) *memCount {
	now := c.now()
	if now.Sub(c.swept) > time.Minute {
		c.sweep(now)
	}
	e, ok := c.counts[key]
	if !ok || !now.Before(e.expireAt) {
		e = &memCount{name: key}
		c.counts[key] = e
	}
	e.expireAt = expireAt
	return e
}

// sweep forgets expired counters; callers hold mu.
func (c *MemoryCounter) sweep(now time.Time) {
	c.swept = now
	for k, e := range c.counts {
		if !now.Before(e.expireAt) {
			delete(c.counts, k)
			if c.track {
				c.gone = append(c.gone, k)
			}
		}
	}
}

// mark notes that e changed; callers hold mu. It costs one branch when
// tracking is off and one append per counter and flush when it is on.
func (c *MemoryCounter) mark(e *memCount) {
	if c.track && !e.dirty {
		e.dirty = true
		c.changed = append(c.changed, e)
	}
}

// Take implements Counter.
func (c *MemoryCounter) Take(_ context.Context, key string, limit int64, expireAt time.Time) (int64, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(key, expireAt)
	if e.n >= limit {
		return e.n, false, nil
	}
	e.n++
	c.mark(e)
	return e.n, true, nil
}

// Add implements Counter.
func (c *MemoryCounter) Add(_ context.Context, key string, n int64, expireAt time.Time) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(key, expireAt)
	e.n += n
	if n != 0 {
		c.mark(e)
	}
	return e.n, nil
}

// Get implements Counter.
func (c *MemoryCounter) Get(_ context.Context, key string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.counts[key]
	if !ok || !c.now().Before(e.expireAt) {
		return 0, nil
	}
	return e.n, nil
}
