// Package usageplantest holds the behaviour every usageplan.Limiter and
// usageplan.Counter must show, as one suite per interface, so that a shared
// backend (Redis) is held to what the in-memory one does: exact limits
// between racing callers, independent names, and expiry. It uses the real
// clock for expiry, as a server-side store would, and takes well under a
// second.
package usageplantest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/usageplan"
)

// RunLimiter runs the Limiter suite; newLimiter returns an empty limiter.
func RunLimiter(t *testing.T, newLimiter func(t *testing.T) usageplan.Limiter) {
	ctx := context.Background()
	t0 := time.Now()
	t.Run("burst then wait", func(t *testing.T) {
		l := newLimiter(t)
		b := usageplan.Bucket{Rate: 4, Burst: 3}
		for i := range 3 {
			if w, err := l.Take(ctx, "burst", b, t0); err != nil || w != 0 {
				t.Fatalf("take %d of a full bucket: wait %v, %v", i, w, err)
			}
		}
		w, err := l.Take(ctx, "burst", b, t0)
		if err != nil || w <= 0 || w > 250*time.Millisecond {
			t.Fatalf("an empty bucket at 4/s: wait %v, %v; want (0, 250ms]", w, err)
		}
		if w, _ := l.Take(ctx, "burst", b, t0.Add(250*time.Millisecond)); w != 0 {
			t.Errorf("a token accrues in 250ms at 4/s, still waiting %v", w)
		}
		if w, _ := l.Take(ctx, "other", b, t0); w != 0 {
			t.Errorf("another name has its own full bucket, waited %v", w)
		}
	})
	t.Run("exact under contention", func(t *testing.T) {
		l := newLimiter(t)
		b := usageplan.Bucket{Rate: 1e-6, Burst: 40}
		var passed atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					if w, err := l.Take(ctx, "race", b, t0); err == nil && w == 0 {
						passed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if passed.Load() != 40 {
			t.Errorf("%d of 160 racing calls passed a bucket of 40, want exactly 40", passed.Load())
		}
	})
}

// RunCounter runs the Counter suite; newCounter returns an empty counter.
func RunCounter(t *testing.T, newCounter func(t *testing.T) usageplan.Counter) {
	ctx := context.Background()
	t.Run("take up to the limit", func(t *testing.T) {
		c := newCounter(t)
		exp := time.Now().Add(time.Minute)
		for i := int64(1); i <= 3; i++ {
			if n, ok, err := c.Take(ctx, "q", 3, exp); err != nil || !ok || n != i {
				t.Fatalf("take %d: %d %v %v", i, n, ok, err)
			}
		}
		if n, ok, err := c.Take(ctx, "q", 3, exp); err != nil || ok || n != 3 {
			t.Errorf("take past the limit: %d %v %v, want 3 false", n, ok, err)
		}
		if n, err := c.Get(ctx, "q"); err != nil || n != 3 {
			t.Errorf("get after a refusal: %d %v, want 3", n, err)
		}
		if n, err := c.Get(ctx, "absent"); err != nil || n != 0 {
			t.Errorf("get of an absent counter: %d %v", n, err)
		}
		if n, err := c.Add(ctx, "u", 5, exp); err != nil || n != 5 {
			t.Errorf("add: %d %v", n, err)
		}
	})
	t.Run("exact under contention", func(t *testing.T) {
		c := newCounter(t)
		exp := time.Now().Add(time.Minute)
		var taken atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					if _, ok, err := c.Take(ctx, "race", 250, exp); err == nil && ok {
						taken.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if taken.Load() != 250 {
			t.Errorf("%d of 400 racing takes succeeded, want exactly 250", taken.Load())
		}
	})
	t.Run("expiry", func(t *testing.T) {
		c := newCounter(t)
		if _, _, err := c.Take(ctx, "short", 1, time.Now().Add(100*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(250 * time.Millisecond)
		if n, err := c.Get(ctx, "short"); err != nil || n != 0 {
			t.Errorf("an expired counter reads %d %v, want 0", n, err)
		}
		if n, ok, err := c.Take(ctx, "short", 1, time.Now().Add(time.Minute)); err != nil || !ok || n != 1 {
			t.Errorf("an expired counter starts again: %d %v %v", n, ok, err)
		}
	})
}
