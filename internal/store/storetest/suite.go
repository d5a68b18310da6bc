package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/store"
)

// Run runs the shared suite. open must return a fresh, empty backend each
// time it is called; Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Backend) {
	t.Helper()
	cases := []struct {
		name string
		fn   func(t *testing.T, b store.Backend)
	}{
		{"GetMissing", testGetMissing},
		{"PutGetOverwrite", testPutGetOverwrite},
		{"Delete", testDelete},
		{"ListOrderAndPrefix", testListOrderAndPrefix},
		{"SeesOwnWrites", testSeesOwnWrites},
		{"RollbackOnError", testRollbackOnError},
		{"Revision", testRevision},
		{"QuietTxn", testQuietTxn},
		{"Scan", testScan},
		{"ConcurrentWriters", testConcurrentWriters},
		{"BinaryValues", testBinaryValues},
		{"LargeValue", testLargeValue},
		{"TxUnusableAfterReturn", testTxUnusableAfterReturn},
		{"ViewReadsAndRejectsWrites", testViewReadsAndRejectsWrites},
		{"ViewDoesNotWaitForWriter", testViewDoesNotWaitForWriter},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := open(t)
			t.Cleanup(func() { b.Close() })
			c.fn(t, b)
		})
	}
}

func put(t *testing.T, b store.Backend, kv ...string) {
	t.Helper()
	err := b.Txn(context.Background(), func(tx store.Tx) error {
		for i := 0; i+1 < len(kv); i += 2 {
			if err := tx.Put(kv[i], []byte(kv[i+1])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("put: %v", err)
	}
}

func get(t *testing.T, b store.Backend, key string) ([]byte, error) {
	t.Helper()
	var v []byte
	err := b.Txn(context.Background(), func(tx store.Tx) error {
		var err error
		v, err = tx.Get(key)
		return err
	})
	return v, err
}

func list(t *testing.T, b store.Backend, prefix string) []string {
	t.Helper()
	var keys []string
	err := b.Txn(context.Background(), func(tx store.Tx) error {
		var err error
		keys, err = tx.List(prefix)
		return err
	})
	if err != nil {
		t.Fatalf("list %q: %v", prefix, err)
	}
	return keys
}

func revision(t *testing.T, b store.Backend) int64 {
	t.Helper()
	r, err := b.Revision(context.Background())
	if err != nil {
		t.Fatalf("revision: %v", err)
	}
	return r
}

func testGetMissing(t *testing.T, b store.Backend) {
	if _, err := get(t, b, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a missing key: got %v, want ErrNotFound", err)
	}
}

func testPutGetOverwrite(t *testing.T, b store.Backend) {
	put(t, b, "a", "one")
	if v, err := get(t, b, "a"); err != nil || string(v) != "one" {
		t.Fatalf("Get a = %q, %v; want one", v, err)
	}
	put(t, b, "a", "two")
	if v, err := get(t, b, "a"); err != nil || string(v) != "two" {
		t.Fatalf("Get a after overwrite = %q, %v; want two", v, err)
	}
}

func testDelete(t *testing.T, b store.Backend) {
	put(t, b, "a", "1", "b", "2")
	err := b.Txn(context.Background(), func(tx store.Tx) error {
		if err := tx.Delete("a"); err != nil {
			return err
		}
		return tx.Delete("never-existed")
	})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := get(t, b, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get a after delete: %v, want ErrNotFound", err)
	}
	if v, err := get(t, b, "b"); err != nil || string(v) != "2" {
		t.Fatalf("Get b = %q, %v; want 2 (untouched)", v, err)
	}
}

func testListOrderAndPrefix(t *testing.T, b store.Backend) {
	// Inserted out of order, with neighbours that a sloppy prefix match
	// (LIKE wildcards, case folding, off-by-one range end) would catch.
	put(t, b,
		"api/b", "", "api/a", "", "api/a/x", "", "apikey/1", "", "api0", "",
		"API/c", "", "ap%/d", "", "ap_/e", "", "z", "", "api/\xff", "", "\xff\xff", "")
	cases := []struct {
		prefix string
		want   []string
	}{
		{"api/", []string{"api/a", "api/a/x", "api/b", "api/\xff"}},
		{"api", []string{"api/a", "api/a/x", "api/b", "api/\xff", "api0", "apikey/1"}},
		{"ap%", []string{"ap%/d"}},
		{"ap_", []string{"ap_/e"}},
		{"API", []string{"API/c"}},
		{"api/a/", []string{"api/a/x"}},
		{"\xff", []string{"\xff\xff"}},
		{"missing/", nil},
		{"", []string{"API/c", "ap%/d", "ap_/e", "api/a", "api/a/x", "api/b", "api/\xff", "api0", "apikey/1", "z", "\xff\xff"}},
	}
	for _, c := range cases {
		got := list(t, b, c.prefix)
		if !slices.Equal(got, c.want) {
			t.Errorf("List(%q) = %q, want %q", c.prefix, got, c.want)
		}
	}
}

func testSeesOwnWrites(t *testing.T, b store.Backend) {
	put(t, b, "k/1", "old", "k/2", "x")
	err := b.Txn(context.Background(), func(tx store.Tx) error {
		if err := tx.Put("k/1", []byte("new")); err != nil {
			return err
		}
		if err := tx.Put("k/3", []byte("y")); err != nil {
			return err
		}
		if err := tx.Delete("k/2"); err != nil {
			return err
		}
		v, err := tx.Get("k/1")
		if err != nil || string(v) != "new" {
			return fmt.Errorf("Get k/1 inside txn = %q, %v; want new", v, err)
		}
		if _, err := tx.Get("k/2"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Get k/2 after Delete inside txn: %v, want ErrNotFound", err)
		}
		keys, err := tx.List("k/")
		if err != nil {
			return err
		}
		if want := []string{"k/1", "k/3"}; !slices.Equal(keys, want) {
			return fmt.Errorf("List inside txn = %q, want %q", keys, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testRollbackOnError(t *testing.T, b store.Backend) {
	put(t, b, "keep", "original")
	rev := revision(t, b)
	boom := errors.New("boom")
	err := b.Txn(context.Background(), func(tx store.Tx) error {
		if err := tx.Put("keep", []byte("changed")); err != nil {
			return err
		}
		if err := tx.Put("new", []byte("x")); err != nil {
			return err
		}
		if err := tx.Delete("keep"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Txn returned %v, want the error fn returned", err)
	}
	if v, err := get(t, b, "keep"); err != nil || string(v) != "original" {
		t.Fatalf("after rollback keep = %q, %v; want original", v, err)
	}
	if _, err := get(t, b, "new"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after rollback new: %v, want ErrNotFound", err)
	}
	if got := revision(t, b); got != rev {
		t.Fatalf("revision after rollback = %d, want unchanged %d", got, rev)
	}
}

func testRevision(t *testing.T, b store.Backend) {
	r0 := revision(t, b)
	put(t, b, "a", "1")
	r1 := revision(t, b)
	if r1 <= r0 {
		t.Fatalf("revision after a write = %d, want > %d", r1, r0)
	}
	if _, err := get(t, b, "a"); err != nil {
		t.Fatal(err)
	}
	if r := revision(t, b); r != r1 {
		t.Fatalf("revision after a read-only txn = %d, want unchanged %d", r, r1)
	}
	put(t, b, "a", "2")
	if r2 := revision(t, b); r2 <= r1 {
		t.Fatalf("revision after a second write = %d, want > %d", r2, r1)
	}
}

// testQuietTxn checks the optional QuietTxner capability: its writes are
// committed and seen like any other, and leave Revision alone (counters
// must not make the gateway reload). A backend without it skips nothing:
// store.Store then falls back to Txn.
func testQuietTxn(t *testing.T, b store.Backend) {
	q, ok := b.(store.QuietTxner)
	if !ok {
		return
	}
	put(t, b, "config", "1")
	r0 := revision(t, b)
	if err := q.QuietTxn(context.Background(), func(tx store.Tx) error { return tx.Put("usage/k", []byte("7")) }); err != nil {
		t.Fatal(err)
	}
	if v, err := get(t, b, "usage/k"); err != nil || string(v) != "7" {
		t.Fatalf("after QuietTxn: %q, %v; want 7", v, err)
	}
	if r := revision(t, b); r != r0 {
		t.Fatalf("revision after QuietTxn = %d, want unchanged %d", r, r0)
	}
	boom := errors.New("boom")
	err := q.QuietTxn(context.Background(), func(tx store.Tx) error {
		if err := tx.Put("usage/k", []byte("8")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("QuietTxn error %v, want fn's", err)
	}
	if v, _ := get(t, b, "usage/k"); string(v) != "7" {
		t.Fatalf("a failed QuietTxn wrote %q", v)
	}
	put(t, b, "config", "2")
	if r := revision(t, b); r <= r0 {
		t.Fatalf("revision after a Txn following QuietTxn = %d, want > %d", r, r0)
	}
}

// testScan checks the optional Scanner capability against List and Get:
// the same keys in the same order with their values, the transaction's own
// writes and deletes included, and fn's error returned as is.
func testScan(t *testing.T, b store.Backend) {
	put(t, b, "p/b", "2", "p/a", "1", "p/c", "3", "q/x", "9", "p", "0")
	err := b.Txn(context.Background(), func(tx store.Tx) error {
		sc, ok := tx.(store.Scanner)
		if !ok {
			return nil
		}
		if err := tx.Put("p/d", []byte("4")); err != nil {
			return err
		}
		if err := tx.Delete("p/b"); err != nil {
			return err
		}
		var got []string
		err := sc.Scan("p/", func(k string, v []byte) error {
			got = append(got, k+"="+string(v))
			return nil
		})
		if err != nil {
			return err
		}
		if want := []string{"p/a=1", "p/c=3", "p/d=4"}; !slices.Equal(got, want) {
			t.Errorf("Scan(p/) = %q, want %q", got, want)
		}
		stop := errors.New("stop")
		n := 0
		err = sc.Scan("p/", func(string, []byte) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("Scan with a failing fn: %v after %d calls, want stop after 1", err, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testConcurrentWriters(t *testing.T, b store.Backend) {
	const writers, increments = 8, 25
	put(t, b, "counter", "0")
	r0 := revision(t, b)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range increments {
				err := b.Txn(context.Background(), func(tx store.Tx) error {
					v, err := tx.Get("counter")
					if err != nil {
						return err
					}
					n, err := strconv.Atoi(string(v))
					if err != nil {
						return err
					}
					if err := tx.Put("w/"+strconv.Itoa(w), []byte("seen")); err != nil {
						return err
					}
					return tx.Put("counter", []byte(strconv.Itoa(n+1)))
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent writer: %v", err)
	}
	v, err := get(t, b, "counter")
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(writers * increments); string(v) != want {
		t.Fatalf("counter = %s, want %s: updates were lost", v, want)
	}
	if got := len(list(t, b, "w/")); got != writers {
		t.Fatalf("List w/ has %d keys, want %d", got, writers)
	}
	if r := revision(t, b); r < r0+writers*increments {
		t.Fatalf("revision = %d after %d writes from %d, want at least %d", r, writers*increments, r0, r0+writers*increments)
	}
}

func testBinaryValues(t *testing.T, b store.Backend) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	cases := []struct {
		name  string
		value []byte
	}{
		{"empty", []byte{}},
		{"nul bytes", []byte{0, 0, 0}},
		{"every byte", all},
		{"invalid utf-8", []byte{0xc3, 0x28, 0xff, 0xfe}},
		{"json-looking", []byte(`{"a":1}`)},
	}
	for i, c := range cases {
		key := "bin/" + strconv.Itoa(i)
		err := b.Txn(context.Background(), func(tx store.Tx) error { return tx.Put(key, c.value) })
		if err != nil {
			t.Fatalf("%s: put: %v", c.name, err)
		}
		got, err := get(t, b, key)
		if err != nil {
			t.Fatalf("%s: get: %v", c.name, err)
		}
		if !bytes.Equal(got, c.value) || got == nil {
			t.Errorf("%s: got %x (nil=%v), want %x", c.name, got, got == nil, c.value)
		}
	}
}

func testLargeValue(t *testing.T, b store.Backend) {
	big := make([]byte, 4<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(r.UintN(256))
	}
	err := b.Txn(context.Background(), func(tx store.Tx) error { return tx.Put("big", big) })
	if err != nil {
		t.Fatalf("put 4 MiB: %v", err)
	}
	got, err := get(t, b, "big")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, big) {
		t.Fatalf("4 MiB value came back different (len %d, want %d)", len(got), len(big))
	}
}

func testTxUnusableAfterReturn(t *testing.T, b store.Backend) {
	var leaked store.Tx
	if err := b.Txn(context.Background(), func(tx store.Tx) error { leaked = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := leaked.Put("late", []byte("x")); err == nil {
		t.Fatal("Put on a transaction after Txn returned succeeded, want an error")
	}
	if _, err := get(t, b, "late"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a late Put reached the store: %v", err)
	}
}

func viewer(t *testing.T, b store.Backend) store.Viewer {
	t.Helper()
	v, ok := b.(store.Viewer)
	if !ok {
		t.Fatalf("%T does not implement store.Viewer: reads would queue behind writers", b)
	}
	return v
}

func testViewReadsAndRejectsWrites(t *testing.T, b store.Backend) {
	put(t, b, "v/1", "one", "v/2", "two")
	r0 := revision(t, b)
	err := viewer(t, b).View(context.Background(), func(tx store.Tx) error {
		v, err := tx.Get("v/1")
		if err != nil || string(v) != "one" {
			return fmt.Errorf("Get in View = %q, %v", v, err)
		}
		if _, err := tx.Get("v/3"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("Get of a missing key in View: %v, want ErrNotFound", err)
		}
		keys, err := tx.List("v/")
		if err != nil || !slices.Equal(keys, []string{"v/1", "v/2"}) {
			return fmt.Errorf("List in View = %q, %v", keys, err)
		}
		if err := tx.Put("v/1", []byte("changed")); err == nil {
			return errors.New("Put in a View succeeded")
		}
		if err := tx.Delete("v/2"); err == nil {
			return errors.New("Delete in a View succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := get(t, b, "v/1"); string(v) != "one" {
		t.Fatalf("v/1 = %q after a View tried to write", v)
	}
	if r := revision(t, b); r != r0 {
		t.Fatalf("revision moved %d -> %d in a View", r0, r)
	}
}

// A View started while a writer is inside its transaction must finish
// without waiting for it and see the data as last committed.
func testViewDoesNotWaitForWriter(t *testing.T, b store.Backend) {
	put(t, b, "k", "old")
	v := viewer(t, b)
	inside, release := make(chan struct{}), make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		writerDone <- b.Txn(context.Background(), func(tx store.Tx) error {
			if err := tx.Put("k", []byte("new")); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	viewDone := make(chan error, 1)
	go func() {
		viewDone <- v.View(context.Background(), func(tx store.Tx) error {
			v, err := tx.Get("k")
			if err != nil {
				return err
			}
			if string(v) != "old" {
				return fmt.Errorf("View saw %q, an uncommitted write", v)
			}
			return nil
		})
	}()
	select {
	case err := <-viewDone:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(10 * time.Second):
		t.Error("View waited for the writer's transaction to end")
	}
	close(release)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	if v, _ := get(t, b, "k"); string(v) != "new" {
		t.Fatalf("after commit k = %q, want new", v)
	}
}
