package store_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/store"
)

func TestKVMScopes(t *testing.T) {
	s, _ := newStore(t)
	cases := []struct {
		scope string
		ok    bool
	}{
		{"global", true},
		{store.ScopeAPI("abc"), true},
		{store.ScopeStage("abc", "prod"), true},
		{"", false},
		{"Global", false},
		{"api:", false},
		{"api:a/b", false},
		{"stage:abc", false},
		{"stage:/prod", false},
		{"stage:abc/", false},
		{"stage:abc/prod/x", false},
		{"tenant:abc", false},
	}
	for _, c := range cases {
		t.Run(c.scope, func(t *testing.T) {
			err := s.CreateKVMap(ctx, &store.KVMap{Scope: c.scope, Name: "m"})
			if c.ok && err != nil {
				t.Fatalf("scope %q rejected: %v", c.scope, err)
			}
			if !c.ok && (err == nil || !strings.Contains(err.Error(), "kvm scope")) {
				t.Fatalf("scope %q: error %v, want a kvm scope error", c.scope, err)
			}
		})
	}
}

func TestKVMMapsAndEntries(t *testing.T) {
	s, _ := newStore(t)
	must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: "global", Name: "creds", Encrypted: true}))
	must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: "global", Name: "config"}))
	must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: store.ScopeAPI("abc"), Name: "creds"}))
	wantErr(t, s.CreateKVMap(ctx, &store.KVMap{Scope: "global", Name: "creds"}), store.ErrConflict,
		`kvm map "global/creds": already exists: conflict`)

	m, err := s.GetKVMap(ctx, "global", "creds")
	must(t, err)
	if !m.Encrypted || m.CreatedDate == "" || m.Scope != "global" || m.Name != "creds" {
		t.Fatalf("GetKVMap = %+v", m)
	}
	ms, err := s.ListKVMaps(ctx, "global")
	must(t, err)
	if len(ms) != 2 || ms[0].Name != "config" || ms[1].Name != "creds" {
		t.Fatalf("ListKVMaps(global) = %+v", ms)
	}

	sealed := []byte{0x01, 0x00, 0xff, 0x80, 'k'}
	must(t, s.PutKVMEntry(ctx, "global", "creds", "aws/prod", sealed))
	must(t, s.PutKVMEntry(ctx, "global", "creds", "a", []byte("x")))
	must(t, s.PutKVMEntry(ctx, store.ScopeAPI("abc"), "creds", "aws/prod", []byte("api scoped")))
	wantErr(t, s.PutKVMEntry(ctx, "global", "nope", "k", []byte("x")), store.ErrNotFound, `kvm map "global/nope": not found`)

	v, err := s.GetKVMEntry(ctx, "global", "creds", "aws/prod")
	must(t, err)
	if !bytes.Equal(v, sealed) {
		t.Fatalf("GetKVMEntry = %x, want %x", v, sealed)
	}
	_, err = s.GetKVMEntry(ctx, "global", "creds", "missing")
	wantErr(t, err, store.ErrNotFound, `kvm map "global/creds": entry "missing": not found`)
	_, err = s.GetKVMEntry(ctx, "global", "nomap", "missing")
	wantErr(t, err, store.ErrNotFound, `kvm map "global/nomap": not found`)

	keys, err := s.ListKVMEntries(ctx, "global", "creds")
	must(t, err)
	if want := []string{"a", "aws/prod"}; !slices.Equal(keys, want) {
		t.Fatalf("ListKVMEntries = %q, want %q", keys, want)
	}

	must(t, s.DeleteKVMEntry(ctx, "global", "creds", "a"))
	wantErr(t, s.DeleteKVMEntry(ctx, "global", "creds", "a"), store.ErrNotFound, `kvm map "global/creds": entry "a": not found`)
	must(t, s.DeleteKVMap(ctx, "global", "creds"))
	_, err = s.ListKVMEntries(ctx, "global", "creds")
	wantErr(t, err, store.ErrNotFound, `kvm map "global/creds": not found`)
	// Recreating the map must not resurrect old entries.
	must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: "global", Name: "creds", Encrypted: true}))
	if keys, _ := s.ListKVMEntries(ctx, "global", "creds"); len(keys) != 0 {
		t.Fatalf("entries survived DeleteKVMap: %q", keys)
	}
	if v, _ := s.GetKVMEntry(ctx, store.ScopeAPI("abc"), "creds", "aws/prod"); string(v) != "api scoped" {
		t.Fatalf("another scope's entry changed: %q", v)
	}
}

func TestReplaceKVMEntries(t *testing.T) {
	s, b := newStore(t)
	type entry struct{ scope, m, k, v string }
	seed := []entry{
		{"global", "sealed", "one", "v1:one"},
		{"global", "sealed", "two", "v1:two"},
		{store.ScopeStage("abc", "prod"), "sealed", "three", "v1:three"},
		{"global", "plain", "four", "plain"},
	}
	must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: "global", Name: "sealed", Encrypted: true}))
	must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: store.ScopeStage("abc", "prod"), Name: "sealed", Encrypted: true}))
	must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: "global", Name: "plain"}))
	for _, e := range seed {
		must(t, s.PutKVMEntry(ctx, e.scope, e.m, e.k, []byte(e.v)))
	}

	// A failure half-way leaves every entry as it was.
	rev, _ := b.Revision(ctx)
	calls := 0
	err := s.ReplaceKVMEntries(ctx, func(scope, m, k string, v []byte) ([]byte, error) {
		calls++
		if calls == 2 {
			return nil, errors.New("key v1 unavailable")
		}
		return []byte("v2"), nil
	})
	if err == nil || !strings.Contains(err.Error(), "key v1 unavailable") || !strings.HasPrefix(err.Error(), `kvm map "`) {
		t.Fatalf("ReplaceKVMEntries error %v", err)
	}
	if r, _ := b.Revision(ctx); r != rev {
		t.Fatalf("failed rotation moved the revision %d -> %d", rev, r)
	}
	for _, e := range seed {
		if v, _ := s.GetKVMEntry(ctx, e.scope, e.m, e.k); string(v) != e.v {
			t.Fatalf("failed rotation changed %s/%s/%s to %q", e.scope, e.m, e.k, v)
		}
	}

	var seen []string
	must(t, s.ReplaceKVMEntries(ctx, func(scope, m, k string, v []byte) ([]byte, error) {
		seen = append(seen, scope+"/"+m+"/"+k)
		return []byte(strings.Replace(string(v), "v1:", "v2:", 1)), nil
	}))
	slices.Sort(seen)
	if want := []string{"global/sealed/one", "global/sealed/two", "stage:abc/prod/sealed/three"}; !slices.Equal(seen, want) {
		t.Fatalf("rotation visited %q, want only the encrypted maps' entries %q", seen, want)
	}
	for _, e := range seed {
		want := strings.Replace(e.v, "v1:", "v2:", 1)
		if v, _ := s.GetKVMEntry(ctx, e.scope, e.m, e.k); string(v) != want {
			t.Fatalf("%s/%s/%s = %q, want %q", e.scope, e.m, e.k, v, want)
		}
	}
}

func TestRevisionGrowsWithStoreWrites(t *testing.T) {
	s, _ := newStore(t)
	r0, err := s.Revision(ctx)
	must(t, err)
	must(t, s.CreateAPI(ctx, newAPI("aaaaaaaaaa", "x")))
	r1, _ := s.Revision(ctx)
	if _, err := s.GetAPI(ctx, "aaaaaaaaaa"); err != nil {
		t.Fatal(err)
	}
	r2, _ := s.Revision(ctx)
	if r1 <= r0 || r2 != r1 {
		t.Fatalf("revisions %d, %d, %d: want a write to grow it and a read to leave it", r0, r1, r2)
	}
}
