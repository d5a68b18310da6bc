package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
	"github.com/ferrygw/ferry/internal/store/storetest"
)

func open(t *testing.T) *sqlite.Backend { return openB(t) }

func openB(t testing.TB) *sqlite.Backend {
	t.Helper()
	b, err := sqlite.Open(filepath.Join(t.TempDir(), "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend { return open(t) })
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "ferry.db")
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	put := func(tx store.Tx) error { return tx.Put("k", []byte("v")) }
	if err := b.Txn(context.Background(), put); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want os.FileMode
	}{
		{dir, 0o700 | os.ModeDir},
		{path, 0o600},
		{path + "-wal", 0o600},
	} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != c.want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(c.path), fi.Mode(), c.want)
		}
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ferry.db")
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := b.Txn(ctx, func(tx store.Tx) error { return tx.Put("k", []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	rev, _ := b.Revision(ctx)
	b.Close()

	b, err = sqlite.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer b.Close()
	if v, err := b.SchemaVersion(ctx); err != nil || v != 1 {
		t.Fatalf("schema version = %d, %v; want 1", v, err)
	}
	if r, _ := b.Revision(ctx); r != rev || r == 0 {
		t.Fatalf("revision after reopen = %d, want %d (non-zero)", r, rev)
	}
	var got []byte
	err = b.Txn(ctx, func(tx store.Tx) error {
		var err error
		got, err = tx.Get("k")
		return err
	})
	if err != nil || string(got) != "v" {
		t.Fatalf("Get after reopen = %q, %v", got, err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notADir := filepath.Join(dir, "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, want string
	}{
		{"empty", "", "empty database path"},
		{"query char", filepath.Join(dir, "a?b.db"), "must not contain"},
		{"parent is a file", filepath.Join(notADir, "ferry.db"), "create directory"},
		{"not a database", garbage, garbage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := sqlite.Open(c.path)
			if err == nil {
				b.Close()
				t.Fatalf("Open(%q) succeeded, want an error", c.path)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Open(%q) = %v, want it to mention %q", c.path, err, c.want)
			}
		})
	}
}

// Two Backends on one file stand for two ferry processes (a restart that
// overlaps a shutdown): SQLite's lock and the busy timeout must keep their
// read-modify-write transactions from losing updates.
func TestTwoHandlesOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ferry.db")
	a := openPath(t, path)
	b := openPath(t, path)
	ctx := context.Background()
	if err := a.Txn(ctx, func(tx store.Tx) error { return tx.Put("n", []byte("0")) }); err != nil {
		t.Fatal(err)
	}
	const perHandle = 50
	errs := make(chan error, 2)
	for _, h := range []*sqlite.Backend{a, b} {
		go func() {
			for range perHandle {
				err := h.Txn(ctx, func(tx store.Tx) error {
					v, err := tx.Get("n")
					if err != nil {
						return err
					}
					n, err := strconv.Atoi(string(v))
					if err != nil {
						return err
					}
					return tx.Put("n", []byte(strconv.Itoa(n+1)))
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var got []byte
	if err := b.Txn(ctx, func(tx store.Tx) error { var err error; got, err = tx.Get("n"); return err }); err != nil {
		t.Fatal(err)
	}
	if string(got) != strconv.Itoa(2*perHandle) {
		t.Fatalf("counter = %s, want %d: an update was lost between handles", got, 2*perHandle)
	}
	ra, _ := a.Revision(ctx)
	rb, _ := b.Revision(ctx)
	if ra != rb || ra < 2*perHandle {
		t.Fatalf("revisions seen by the two handles: %d and %d, want equal and at least %d", ra, rb, 2*perHandle)
	}
}

func openPath(t *testing.T, path string) *sqlite.Backend {
	t.Helper()
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}
