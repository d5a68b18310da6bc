package usageplan

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// Bucket is a token bucket: Burst tokens at most, refilled at Rate per second.
type Bucket struct {
	// Rate is the steady number of requests per second.
	Rate float64
	// Burst is the bucket's size; a full bucket lets this many requests through at once.
	Burst int
}

// newBucket checks a throttle as a user wrote it. Both zero means no
// throttle (ok false). API Gateway treats a burst of 0 with a rate as a
// bucket that holds one token, so one request passes whenever a token has
// accrued; ferry does the same.
func newBucket(where string, rate float64, burst int) (Bucket, bool, error) {
	switch {
	case math.IsNaN(rate) || math.IsInf(rate, 0) || rate < 0:
		return Bucket{}, false, fmt.Errorf("%s: rateLimit %v must be a non-negative number", where, rate)
	case burst < 0:
		return Bucket{}, false, fmt.Errorf("%s: burstLimit %d must not be negative", where, burst)
	case rate == 0 && burst == 0:
		return Bucket{}, false, nil
	case rate == 0:
		return Bucket{}, false, fmt.Errorf("%s: burstLimit %d needs a rateLimit above 0, or the bucket would never refill", where, burst)
	}
	if burst == 0 {
		burst = 1
	}
	return Bucket{Rate: rate, Burst: burst}, true, nil
}

// Limiter keeps token buckets by name. A shared implementation must take
// the token atomically (one script per call in Redis) and may expire a
// bucket once it would be full again.
type Limiter interface {
	// Take removes one token from the bucket named key, created full when
	// absent. It returns 0 when the token was taken, or how long until one
	// will be there.
	Take(ctx context.Context, key string, b Bucket, now time.Time) (wait time.Duration, err error)
}

// take is the bucket arithmetic, shared by every in-process Limiter and
// tested on its own: refill by elapsed time, cap at Burst, spend one.
func take(tokens float64, last, now time.Time, b Bucket) (newTokens float64, wait time.Duration) {
	if el := now.Sub(last).Seconds(); el > 0 {
		tokens += el * b.Rate
	}
	if max := float64(b.Burst); tokens > max {
		tokens = max
	}
	if tokens >= 1 {
		return tokens - 1, 0
	}
	return tokens, time.Duration((1 - tokens) / b.Rate * float64(time.Second))
}

// MemoryLimiter is a Limiter for one node. Buckets that have refilled are
// dropped now and then, so memory follows the number of active callers.
//
// Unlike quota counts (DurableCounter), buckets are never written to the
// store: a bucket refills at its rate, within seconds for usual plans, so
// a restart that starts every bucket full grants at most one burst, not
// worth a database write per request or per flush of every active caller.
type MemoryLimiter struct {
	mu      sync.Mutex
	buckets map[string]*memBucket
	swept   time.Time
}

type memBucket struct {
	tokens float64
	last   time.Time
	b      Bucket
}

var _ Limiter = (*MemoryLimiter)(nil)

// NewMemoryLimiter returns an empty MemoryLimiter.
func NewMemoryLimiter() *MemoryLimiter {
	return &MemoryLimiter{buckets: make(map[string]*memBucket)}
}

// Take implements Limiter.
func (l *MemoryLimiter) Take(_ context.Context, key string, b Bucket, now time.Time) (time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	mb, ok := l.buckets[key]
	if !ok {
		mb = &memBucket{tokens: float64(b.Burst), last: now}
		l.buckets[key] = mb
	}
	// A changed plan takes effect at once, without a fresh (full) bucket.
	mb.b = b
	var wait time.Duration
	mb.tokens, wait = take(mb.tokens, mb.last, now, b)
	if now.After(mb.last) {
		mb.last = now
	}
	return wait, nil
}

// sweep drops buckets that are full again, at most once a minute: a full
// bucket and a missing one behave the same.
func (l *MemoryLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, mb := range l.buckets {
		if mb.tokens+now.Sub(mb.last).Seconds()*mb.b.Rate >= float64(mb.b.Burst) {
			delete(l.buckets, k)
		}
	}
}
