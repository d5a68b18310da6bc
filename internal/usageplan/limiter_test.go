package usageplan

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestTake(t *testing.T) {
	b := Bucket{Rate: 10, Burst: 5}
	tests := []struct {
		name       string
		tokens     float64
		elapsed    time.Duration
		wantTokens float64
		wantWait   time.Duration
	}{
		{"full bucket spends one", 5, 0, 4, 0},
		{"refill is capped at burst", 0, time.Hour, 4, 0},
		{"empty bucket waits a tenth of a second", 0, 0, 0, 100 * time.Millisecond},
		{"half a token waits half as long", 0.5, 0, 0.5, 50 * time.Millisecond},
		{"50ms refill gives half a token", 0, 50 * time.Millisecond, 0.5, 50 * time.Millisecond},
		{"100ms refill gives a whole token", 0, 100 * time.Millisecond, 0, 0},
		{"a clock that goes back refills nothing", 0, -time.Second, 0, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, wait := take(tc.tokens, t0, t0.Add(tc.elapsed), b)
			if d := tok - tc.wantTokens; d > 1e-9 || d < -1e-9 || (wait-tc.wantWait).Abs() > time.Microsecond {
				t.Errorf("take = %v tokens, wait %v; want %v, %v", tok, wait, tc.wantTokens, tc.wantWait)
			}
		})
	}
}

func TestNewBucket(t *testing.T) {
	tests := []struct {
		name        string
		rate        float64
		burst       int
		want        Bucket
		on          bool
		errContains string
	}{
		{"unset", 0, 0, Bucket{}, false, ""},
		{"rate and burst", 5, 10, Bucket{5, 10}, true, ""},
		{"burst 0 holds one token", 5, 0, Bucket{5, 1}, true, ""},
		{"burst without rate", 0, 3, Bucket{}, false, "needs a rateLimit above 0"},
		{"negative rate", -1, 3, Bucket{}, false, "rateLimit -1 must be a non-negative number"},
		{"negative burst", 1, -3, Bucket{}, false, "burstLimit -3 must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, on, err := newBucket("here", tc.rate, tc.burst)
			if tc.errContains != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errContains) || !strings.HasPrefix(err.Error(), "here: ") {
					t.Fatalf("err = %v, want one containing %q", err, tc.errContains)
				}
				return
			}
			if err != nil || b != tc.want || on != tc.on {
				t.Errorf("newBucket = %+v %v %v, want %+v %v", b, on, err, tc.want, tc.on)
			}
		})
	}
}

// TestMemoryLimiterRate runs a simulated second at 1 ms steps: a bucket of
// rate 50 and burst 10 lets exactly burst + rate·t requests through.
func TestMemoryLimiterRate(t *testing.T) {
	l := NewMemoryLimiter()
	b := Bucket{Rate: 50, Burst: 10}
	passed := 0
	for ms := 0; ms < 1000; ms++ {
		for range 3 {
			if w, _ := l.Take(context.Background(), "k", b, t0.Add(time.Duration(ms)*time.Millisecond)); w == 0 {
				passed++
			}
		}
	}
	// 10 at once, then one per 20 ms over 999 ms: 49 more.
	if passed != 59 {
		t.Errorf("%d requests passed in one second, want 59", passed)
	}
	if w, _ := l.Take(context.Background(), "other", b, t0); w != 0 {
		t.Errorf("a second bucket should start full, waited %v", w)
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		wait time.Duration
		want int64
	}{
		{0, 1}, {time.Millisecond, 1}, {time.Second, 1}, {time.Second + 1, 2}, {90 * time.Minute, 5400},
	}
	for _, tc := range tests {
		if got := retryAfter(tc.wait); got != tc.want {
			t.Errorf("retryAfter(%v) = %d, want %d", tc.wait, got, tc.want)
		}
	}
}

func TestMemoryCounter(t *testing.T) {
	now := t0
	c := NewMemoryCounter()
	c.Now = func() time.Time { return now }
	ctx := context.Background()
	exp := t0.Add(time.Hour)
	for i := 1; i <= 3; i++ {
		if n, ok, _ := c.Take(ctx, "q", 3, exp); !ok || n != int64(i) {
			t.Fatalf("take %d = %d %v", i, n, ok)
		}
	}
	if n, ok, _ := c.Take(ctx, "q", 3, exp); ok || n != 3 {
		t.Errorf("take past the limit = %d %v, want 3 false", n, ok)
	}
	if n, _ := c.Add(ctx, "u", 5, exp); n != 5 {
		t.Errorf("add = %d", n)
	}
	now = exp
	if n, _ := c.Get(ctx, "q"); n != 0 {
		t.Errorf("an expired counter reads %d, want 0", n)
	}
	if n, ok, _ := c.Take(ctx, "q", 3, exp.Add(time.Hour)); !ok || n != 1 {
		t.Errorf("an expired counter starts again: %d %v", n, ok)
	}
}

// TestMemoryCounterConcurrent: goroutines racing for a quota get exactly
// its number between them.
func TestMemoryCounterConcurrent(t *testing.T) {
	c := NewMemoryCounter()
	var wg sync.WaitGroup
	var taken atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 250 {
				if _, ok, _ := c.Take(context.Background(), "q", 1000, time.Now().Add(time.Hour)); ok {
					taken.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if taken.Load() != 1000 {
		t.Errorf("%d taken, want exactly 1000", taken.Load())
	}
	l := NewMemoryLimiter()
	var passed atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if w, _ := l.Take(context.Background(), "b", Bucket{Rate: 1e-9, Burst: 50}, t0); w == 0 {
					passed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if passed.Load() != 50 {
		t.Errorf("%d passed a bucket of 50 that does not refill, want 50", passed.Load())
	}
}
