package kvm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
)

// TestSQLiteFileHoldsNoPlaintext writes secrets through the real SQLite
// store and searches every byte of the database, its WAL and the data
// directory for them. A value of a plain map is written beside them as a
// control: the search must find that one, or it proves nothing.
func TestSQLiteFileHoldsNoPlaintext(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	backend, err := sqlite.Open(filepath.Join(dir, "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	keys := openKeys(t, KeyConfig{DataDir: dir})
	s := NewService(store.New(backend), keys)

	secrets := map[string]string{
		"aws":    `{"Version":1,"AccessKeyId":"AKIAFERRYTESTKEY0001","SecretAccessKey":"Zm9vYmFyc2VjcmV0LXNob3VsZC1uZXZlci1sZWFr"}`,
		"dbpass": "correct-horse-battery-staple-7f3a",
	}
	const control = "plain-control-value-4b1d"
	scope := StageScope("api1", "prod")
	if _, err := s.CreateMap(ctx, scope, "creds", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateMap(ctx, ScopeGlobal, "settings", false); err != nil {
		t.Fatal(err)
	}
	for k, v := range secrets {
		if err := s.Put(ctx, scope, "creds", k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, ScopeGlobal, "settings", "c", []byte(control)); err != nil {
		t.Fatal(err)
	}
	// Rotate once so old and new ciphertexts both pass through the file.
	if _, err := s.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	for k, v := range secrets {
		got, err := s.Get(ctx, scope, "creds", k)
		if err != nil || string(got.Bytes()) != v {
			t.Fatalf("%s after rotation: %v", k, err)
		}
	}
	if err := backend.Close(); err != nil {
		t.Fatal(err)
	}

	var all []byte
	files := 0
	err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for name, v := range secrets {
			for _, needle := range []string{v, "Zm9vYmFyc2VjcmV0", "correct-horse"} {
				if needle == v || strings.Contains(v, needle) {
					if bytes.Contains(b, []byte(needle)) {
						t.Errorf("%s holds plaintext of secret %q", filepath.Base(path), name)
					}
				}
			}
		}
		all = append(all, b...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(all, []byte(control)) {
		t.Fatalf("the plain control value is in none of the %d files: the search cannot see stored values", files)
	}
}
