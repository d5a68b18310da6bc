package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/store"
)

func TestCountersWriteListDelete(t *testing.T) {
	s, b := newStore(t)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	live := now.Add(time.Hour)
	must(t, s.WriteCounters(ctx, []store.Counter{
		{Name: "q|p1|k1|1772323200", N: 7, ExpireAt: live},
		{Name: "u|p1|k1|2026-03-10", N: 7, ExpireAt: live},
		{Name: "u|p1|k1|2026-03-09", N: 3, ExpireAt: now},                       // expires exactly now
		{Name: "u|p1|k1|2026-03-08", N: 2, ExpireAt: now.Add(-time.Nanosecond)}, // already expired
	}, nil))
	if keys := keysWithPrefix(allKeys(t, b), "usage/"); len(keys) != 4 {
		t.Fatalf("keys under usage/: %v, want 4", keys)
	}

	// A later write replaces the value and a removal in the same batch
	// applies before the puts.
	must(t, s.WriteCounters(ctx, []store.Counter{{Name: "q|p1|k1|1772323200", N: 9, ExpireAt: live}},
		[]string{"q|p1|k1|1772323200", "u|p1|k1|2026-03-10", "never-stored"}))
	got, err := s.ListCounters(ctx)
	must(t, err)
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s=%d@%s", c.Name, c.N, c.ExpireAt.Format(time.RFC3339Nano)))
	}
	want := []string{
		"q|p1|k1|1772323200=9@2026-03-10T13:00:00Z",
		"u|p1|k1|2026-03-08=2@2026-03-10T11:59:59.999999999Z",
		"u|p1|k1|2026-03-09=3@2026-03-10T12:00:00Z",
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("ListCounters:\n got %q\nwant %q", lines, want)
	}

	n, err := s.DeleteExpiredCounters(ctx, now)
	must(t, err)
	if n != 2 {
		t.Errorf("DeleteExpiredCounters deleted %d, want the 2 whose expiry is not after now", n)
	}
	got, err = s.ListCounters(ctx)
	must(t, err)
	if len(got) != 1 || got[0].Name != "q|p1|k1|1772323200" || got[0].N != 9 {
		t.Fatalf("after deleting expired: %+v", got)
	}
	// Nothing else in the store is touched by counter writes.
	seedAPI(t, s, "api1")
	before := len(allKeys(t, b))
	_, err = s.DeleteExpiredCounters(ctx, now.Add(48*time.Hour))
	must(t, err)
	if after := len(allKeys(t, b)); after != before-1 {
		t.Errorf("%d keys after deleting the last counter, want %d", after, before-1)
	}
}

func TestCountersRefuseBadInput(t *testing.T) {
	s, _ := newStore(t)
	exp := time.Now().Add(time.Hour)
	cases := []struct {
		name string
		c    store.Counter
		msg  string
	}{
		{"empty name", store.Counter{N: 1, ExpireAt: exp}, "counter: empty name"},
		{"negative count", store.Counter{Name: "q", N: -1, ExpireAt: exp}, `counter "q": negative count -1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.WriteCounters(ctx, []store.Counter{{Name: "ok", N: 1, ExpireAt: exp}, tc.c}, nil)
			if err == nil || err.Error() != tc.msg {
				t.Fatalf("error %v, want %q", err, tc.msg)
			}
			if got, _ := s.ListCounters(ctx); len(got) != 0 {
				t.Fatalf("a refused batch wrote %+v", got)
			}
		})
	}
}

// A failure part-way through a batch leaves none of it behind.
func TestCountersBatchIsAtomic(t *testing.T) {
	_, b := newStore(t)
	s := store.New(failingBackend{Backend: b, failPrefix: "usage/b"})
	exp := time.Now().Add(time.Hour)
	err := s.WriteCounters(ctx, []store.Counter{{Name: "a", N: 1, ExpireAt: exp}, {Name: "b", N: 2, ExpireAt: exp}}, nil)
	if err == nil || !strings.Contains(err.Error(), `counter "b"`) {
		t.Fatalf("error %v, want one naming counter b", err)
	}
	if keys := keysWithPrefix(allKeys(t, b), "usage/"); len(keys) != 0 {
		t.Fatalf("a failed batch left %v", keys)
	}
}

// A record that cannot be read fails the listing with its name, and is
// removed by DeleteExpiredCounters so the next start reads the rest.
func TestCountersCorruptRecord(t *testing.T) {
	s, b := newStore(t)
	must(t, s.WriteCounters(ctx, []store.Counter{{Name: "good", N: 4, ExpireAt: time.Now().Add(time.Hour)}}, nil))
	must(t, b.Txn(ctx, func(tx store.Tx) error { return tx.Put("usage/bad", []byte("four")) }))
	_, err := s.ListCounters(ctx)
	if err == nil || err.Error() != `counter "bad": stored record is corrupt: "four" is not "COUNT EXPIRY"` {
		t.Fatalf("ListCounters error %v", err)
	}
	n, err := s.DeleteExpiredCounters(ctx, time.Now())
	must(t, err)
	got, err := s.ListCounters(ctx)
	must(t, err)
	if n != 1 || len(got) != 1 || got[0].Name != "good" || got[0].N != 4 {
		t.Fatalf("after cleaning: deleted %d, left %+v", n, got)
	}
}

// quietBackend records whether writes went through QuietTxn.
type quietBackend struct {
	store.Backend
	quiet int
}

func (q *quietBackend) QuietTxn(ctx context.Context, fn func(tx store.Tx) error) error {
	q.quiet++
	return q.Backend.Txn(ctx, fn)
}

func TestCountersUseQuietTxn(t *testing.T) {
	_, b := newStore(t)
	q := &quietBackend{Backend: b}
	s := store.New(q)
	must(t, s.WriteCounters(ctx, []store.Counter{{Name: "a", N: 1, ExpireAt: time.Now().Add(time.Hour)}}, nil))
	_, err := s.DeleteExpiredCounters(ctx, time.Now())
	must(t, err)
	if q.quiet != 2 {
		t.Errorf("%d writes went through QuietTxn, want 2", q.quiet)
	}
}

// BenchmarkWriteCounters1000 is one flush of 1000 changed counters.
func BenchmarkWriteCounters1000(b *testing.B) {
	s, _ := newStore(b)
	exp := time.Now().Add(time.Hour)
	batch := make([]store.Counter, 1000)
	for i := range batch {
		batch[i] = store.Counter{Name: fmt.Sprintf("u|plan|key%04d|2026-03-10", i), ExpireAt: exp}
	}
	for b.Loop() {
		for i := range batch {
			batch[i].N++
		}
		if err := s.WriteCounters(ctx, batch, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListCounters10000 is what a start reads for 10000 counters,
// e.g. 100 keys with 90 days of usage and a quota each.
func BenchmarkListCounters10000(b *testing.B) {
	s, _ := newStore(b)
	exp := time.Now().Add(time.Hour)
	batch := make([]store.Counter, 10000)
	for i := range batch {
		batch[i] = store.Counter{Name: fmt.Sprintf("u|plan|key%05d|2026-03-10", i), N: int64(i), ExpireAt: exp}
	}
	must(b, s.WriteCounters(ctx, batch, nil))
	for b.Loop() {
		if got, err := s.ListCounters(ctx); err != nil || len(got) != len(batch) {
			b.Fatal(len(got), err)
		}
	}
}
