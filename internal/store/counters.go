package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Counter is one usage-plan counter as the store keeps it: a quota count
// of one key and period, or the usage of one key and day. The store does
// not interpret Name; package usageplan chooses it.
//
// Counters live under usage/{name}. Their value is "N EXPIRY" in decimal
// (EXPIRY in Unix nanoseconds) rather than JSON: a flush writes many of
// them at once and a start reads them all.
type Counter struct {
	// Name identifies the counter.
	Name string
	// N is the count.
	N int64
	// ExpireAt is when the count stops mattering and may be deleted.
	ExpireAt time.Time
}

const counterPrefix = "usage/"

// QuietTxner is an optional Backend capability: a transaction whose writes
// do not advance Revision. Counters change with traffic, not with
// configuration, and a revision bump makes every node reload its routing
// table; a backend that offers this keeps counter flushes from doing so.
// Without it, counter writes go through Txn and bump the revision like
// any other write.
type QuietTxner interface {
	// QuietTxn is Txn without the revision bump.
	QuietTxn(ctx context.Context, fn func(tx Tx) error) error
}

func (s *Store) quietUpdate(ctx context.Context, fn func(tx Tx) error) error {
	if q, ok := s.b.(QuietTxner); ok {
		return q.QuietTxn(ctx, fn)
	}
	return s.b.Txn(ctx, fn)
}

func checkCounterName(name string) error {
	if name == "" {
		return fmt.Errorf("counter: empty name")
	}
	return nil
}

func encodeCounter(c Counter) []byte {
	b := strconv.AppendInt(make([]byte, 0, 40), c.N, 10)
	b = append(b, ' ')
	return strconv.AppendInt(b, c.ExpireAt.UnixNano(), 10)
}

func decodeCounter(name string, v []byte) (Counter, error) {
	ns, exp, ok := strings.Cut(string(v), " ")
	n, err1 := strconv.ParseInt(ns, 10, 64)
	e, err2 := strconv.ParseInt(exp, 10, 64)
	if !ok || err1 != nil || err2 != nil || n < 0 {
		return Counter{}, fmt.Errorf("counter %q: stored record is corrupt: %q is not \"COUNT EXPIRY\"", name, v)
	}
	return Counter{Name: name, N: n, ExpireAt: time.Unix(0, e).UTC()}, nil
}

// WriteCounters stores put (replacing earlier values of the same names)
// and deletes the counters named in remove, all in one transaction, so a
// flush is kept whole or not at all. Removals are applied first: a name
// in both ends up with its value in put.
func (s *Store) WriteCounters(ctx context.Context, put []Counter, remove []string) error {
	if len(put) == 0 && len(remove) == 0 {
		return nil
	}
	for _, c := range put {
		if err := checkCounterName(c.Name); err != nil {
			return err
		}
		if c.N < 0 {
			return fmt.Errorf("counter %q: negative count %d", c.Name, c.N)
		}
	}
	return s.quietUpdate(ctx, func(tx Tx) error {
		for _, name := range remove {
			if err := tx.Delete(counterPrefix + name); err != nil {
				return fmt.Errorf("counter %q: %w", name, err)
			}
		}
		for _, c := range put {
			if err := tx.Put(counterPrefix+c.Name, encodeCounter(c)); err != nil {
				return fmt.Errorf("counter %q: %w", c.Name, err)
			}
		}
		return nil
	})
}

// ListCounters returns every stored counter, expired ones included, in
// name order.
func (s *Store) ListCounters(ctx context.Context) ([]Counter, error) {
	var out []Counter
	err := s.view(ctx, func(tx Tx) error {
		out = []Counter{}
		return scan(tx, counterPrefix, func(k string, v []byte) error {
			c, err := decodeCounter(strings.TrimPrefix(k, counterPrefix), v)
			if err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// DeleteExpiredCounters deletes, in one transaction, every counter whose
// ExpireAt is not after now, and returns how many it deleted. A record
// that cannot be read is deleted too: it would otherwise stop every start
// of ferry at ListCounters, and a lost count is the lesser harm.
func (s *Store) DeleteExpiredCounters(ctx context.Context, now time.Time) (int, error) {
	deleted := 0
	err := s.quietUpdate(ctx, func(tx Tx) error {
		deleted = 0
		keys, err := tx.List(counterPrefix)
		if err != nil {
			return fmt.Errorf("list counters: %w", err)
		}
		for _, k := range keys {
			v, err := tx.Get(k)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("counter %q: %w", strings.TrimPrefix(k, counterPrefix), err)
			}
			if c, err := decodeCounter(k, v); err == nil && now.Before(c.ExpireAt) {
				continue
			}
			if err := tx.Delete(k); err != nil {
				return fmt.Errorf("counter %q: %w", strings.TrimPrefix(k, counterPrefix), err)
			}
			deleted++
		}
		return nil
	})
	return deleted, err
}
