package usageplan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/store"
)

// DefaultFlushInterval is how often a DurableCounter writes its changed
// counts when its configuration names no interval.
const DefaultFlushInterval = 5 * time.Second

// CounterStore is where a DurableCounter keeps its counts; *store.Store
// implements it.
type CounterStore interface {
	// WriteCounters stores put and deletes remove in one transaction.
	WriteCounters(ctx context.Context, put []store.Counter, remove []string) error
	// ListCounters returns every stored counter.
	ListCounters(ctx context.Context) ([]store.Counter, error)
	// DeleteExpiredCounters deletes the counters that expired by now, and
	// those that cannot be read.
	DeleteExpiredCounters(ctx context.Context, now time.Time) (int, error)
}

var _ CounterStore = (*store.Store)(nil)

// DurableConfig configures a DurableCounter.
type DurableConfig struct {
	// Store keeps the counts; required.
	Store CounterStore
	// FlushInterval is how often changed counts are written; 0 means
	// DefaultFlushInterval.
	FlushInterval time.Duration
	// Logger reports flushes that failed; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DurableCounter is a Counter for one node whose quota and usage counts
// outlive a restart. It counts in a MemoryCounter, so a request costs what
// it costs there and never waits for the database, and writes the counts
// that changed to the store every FlushInterval (Run) and once more when
// ferry shuts down (Close). Counts are written as they stand, not as
// increments, which is right because one process owns them: SQLite is
// embedded, so no other node counts into the same store.
//
// A crash (SIGKILL, power loss) loses the counts of at most one interval:
// those taken since the last flush.
//
// Token buckets are not made durable on purpose: a bucket refills at its
// rate, within seconds for usual plans, so a restart that forgets one
// grants at most one burst, while a quota period lasts up to a month.
type DurableCounter struct {
	mem      *MemoryCounter
	st       CounterStore
	interval time.Duration
	log      *slog.Logger
	now      func() time.Time

	// flushMu keeps flushes in order: the periodic one and the final one
	// could otherwise write an older snapshot after a newer one.
	flushMu sync.Mutex
}

var _ Counter = (*DurableCounter)(nil)

// OpenDurableCounter loads the stored counts whose period has not ended
// and returns a counter that goes on from them.
func OpenDurableCounter(ctx context.Context, cfg DurableConfig) (*DurableCounter, error) {
	if cfg.Store == nil {
		return nil, errors.New("usageplan: DurableConfig.Store is nil")
	}
	if cfg.FlushInterval < 0 {
		return nil, fmt.Errorf("usageplan: flush interval %s is negative", cfg.FlushInterval)
	}
	d := &DurableCounter{mem: NewMemoryCounter(), st: cfg.Store, interval: cfg.FlushInterval, log: cfg.Logger, now: cfg.Now}
	if d.interval == 0 {
		d.interval = DefaultFlushInterval
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	d.mem.Now = d.now
	d.mem.track = true
	now := d.now()
	stored, err := d.st.ListCounters(ctx)
	if err != nil {
		// A record that cannot be read would stop every start; losing
		// one key's count is the lesser harm, and the log says so.
		n, derr := d.st.DeleteExpiredCounters(ctx, now)
		if derr != nil {
			return nil, fmt.Errorf("usageplan: loading quota and usage counts: %w", errors.Join(err, derr))
		}
		d.log.Warn("usage plans: stored counts that could not be read were deleted", "err", err, "deleted", n)
		if stored, err = d.st.ListCounters(ctx); err != nil {
			return nil, fmt.Errorf("usageplan: loading quota and usage counts: %w", err)
		}
	}
	live := 0
	for _, c := range stored {
		if now.Before(c.ExpireAt) {
			d.mem.counts[c.Name] = &memCount{name: c.Name, n: c.N, expireAt: c.ExpireAt}
			live++
		} else {
			// Left by an earlier run; the first flush deletes it, in the
			// same short transaction as its writes.
			d.mem.gone = append(d.mem.gone, c.Name)
		}
	}
	d.log.Info("usage plans: quota and usage counts loaded", "counts", live, "expired", len(stored)-live)
	return d, nil
}

// Take implements Counter.
func (d *DurableCounter) Take(ctx context.Context, key string, limit int64, expireAt time.Time) (int64, bool, error) {
	return d.mem.Take(ctx, key, limit, expireAt)
}

// Add implements Counter.
func (d *DurableCounter) Add(ctx context.Context, key string, n int64, expireAt time.Time) (int64, error) {
	return d.mem.Add(ctx, key, n, expireAt)
}

// Get implements Counter.
func (d *DurableCounter) Get(ctx context.Context, key string) (int64, error) {
	return d.mem.Get(ctx, key)
}

// FlushInterval is the interval Run flushes at.
func (d *DurableCounter) FlushInterval() time.Duration { return d.interval }

// Run flushes every FlushInterval until ctx ends; a failed flush is
// logged and its counts are written with the next one. Run does not flush
// when ctx ends: Close does, after the last request has been counted.
func (d *DurableCounter) Run(ctx context.Context) {
	t := time.NewTicker(d.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.Flush(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("usage plans: writing quota counts failed; retrying with the next flush", "err", err)
			}
		}
	}
}

// Close writes what changed since the last flush. Call it once the data
// plane has drained; counts taken after it are not written.
func (d *DurableCounter) Close(ctx context.Context) error {
	if err := d.Flush(ctx); err != nil {
		return fmt.Errorf("usageplan: final write of quota counts: %w", err)
	}
	return nil
}

// Flush writes the counts that changed since the last flush and deletes
// the stored counts that have expired, in one transaction. When the write
// fails, what it carried is kept for the next flush.
func (d *DurableCounter) Flush(ctx context.Context) error {
	d.flushMu.Lock()
	defer d.flushMu.Unlock()
	put, gone := d.mem.takeChanges(d.now())
	if len(put) == 0 && len(gone) == 0 {
		return nil
	}
	if err := d.st.WriteCounters(ctx, put, gone); err != nil {
		d.mem.requeue(put, gone)
		return fmt.Errorf("usageplan: writing %d counts: %w", len(put), err)
	}
	return nil
}

// takeChanges returns the live counters that changed since the last call,
// as they stand now, and the names of those that expired.
func (c *MemoryCounter) takeChanges(now time.Time) (put []store.Counter, gone []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// As often as a request would sweep: the sweep walks every counter
	// under the lock, which requests wait for.
	if now.Sub(c.swept) > time.Minute {
		c.sweep(now)
	}
	put = make([]store.Counter, 0, len(c.changed))
	for _, e := range c.changed {
		e.dirty = false
		if now.Before(e.expireAt) {
			put = append(put, store.Counter{Name: e.name, N: e.n, ExpireAt: e.expireAt})
		}
	}
	clear(c.changed)
	c.changed = c.changed[:0]
	gone, c.gone = c.gone, nil
	return put, gone
}

// requeue marks again what a failed flush carried, so the next one
// writes it. A counter that changed meanwhile is already marked.
func (c *MemoryCounter) requeue(put []store.Counter, gone []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range put {
		if e, ok := c.counts[p.Name]; ok {
			c.mark(e)
		}
	}
	c.gone = append(c.gone, gone...)
}
