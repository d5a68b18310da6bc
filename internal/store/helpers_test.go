package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
)

var ctx = context.Background()

// newStore returns a Store on a fresh SQLite file, the backend users run.
func newStore(t testing.TB) (*store.Store, store.Backend) {
	t.Helper()
	b, err := sqlite.Open(filepath.Join(t.TempDir(), "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return store.New(b), b
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr checks err wraps target and reads exactly msg.
func wantErr(t testing.TB, err, target error, msg string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want one wrapping %v", err, target)
	}
	if msg != "" && err.Error() != msg {
		t.Fatalf("error text %q, want %q", err.Error(), msg)
	}
}

func newAPI(id, name string) *model.API {
	return &model.API{
		RestAPI:   model.RestAPI{ID: id, Name: name, RootResourceID: "root00"},
		Resources: []*model.Resource{{ID: "root00", Path: "/"}},
	}
}

// seedAPI creates an API with one deployment "d1" served by stage "prod".
func seedAPI(t testing.TB, s *store.Store, id string) {
	t.Helper()
	must(t, s.CreateAPI(ctx, newAPI(id, "api "+id)))
	_, err := s.DeployToStage(ctx, id, &model.Deployment{ID: "d1", Snapshot: newAPI(id, "api "+id)}, "prod", nil, "")
	must(t, err)
}

// allKeys lists every key in the backend.
func allKeys(t testing.TB, b store.Backend) []string {
	t.Helper()
	var keys []string
	must(t, b.Txn(ctx, func(tx store.Tx) error {
		var err error
		keys, err = tx.List("")
		return err
	}))
	return keys
}

func keysWithPrefix(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// failingBackend wraps a Backend and fails any Put whose key starts with
// failPrefix, to prove multi-record writes are all-or-nothing.
type failingBackend struct {
	store.Backend
	failPrefix string
}

var errInjected = errors.New("injected write failure")

func (f failingBackend) Txn(ctx context.Context, fn func(tx store.Tx) error) error {
	return f.Backend.Txn(ctx, func(tx store.Tx) error { return fn(failingTx{tx, f.failPrefix}) })
}

type failingTx struct {
	store.Tx
	failPrefix string
}

func (f failingTx) Put(key string, value []byte) error {
	if strings.HasPrefix(key, f.failPrefix) {
		return errInjected
	}
	return f.Tx.Put(key, value)
}
