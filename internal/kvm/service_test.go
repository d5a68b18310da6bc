package kvm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ferrygw/ferry/internal/store"
)

func newTestService(t *testing.T, cfg KeyConfig) (*Service, *testStore, *MasterKeys) {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	keys := openKeys(t, cfg)
	st := newTestStore()
	return NewService(st, keys), st, keys
}

func TestServiceEncryptedMap(t *testing.T) {
	ctx := context.Background()
	s, st, keys := newTestService(t, KeyConfig{})
	scope := StageScope("abc123", "prod")
	if _, err := s.CreateMap(ctx, scope, "creds", true); err != nil {
		t.Fatal(err)
	}
	secret := []byte(`{"Version":1,"AccessKeyId":"AKIDPLAINTEXT","SecretAccessKey":"very-secret-value"}`)
	if err := s.Put(ctx, scope, "creds", "aws", secret); err != nil {
		t.Fatal(err)
	}
	for _, raw := range st.raw(t) {
		if bytes.Contains(raw, []byte("very-secret-value")) {
			t.Fatal("plaintext reached the store")
		}
	}
	got, err := s.Get(ctx, scope, "creds", "aws")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), secret) {
		t.Fatalf("Get = %q", got.Bytes())
	}
	info, err := s.Describe(ctx, scope, "creds", "aws")
	if err != nil {
		t.Fatal(err)
	}
	want := EntryInfo{Scope: scope, Map: "creds", Key: "aws", Encrypted: true, KeyID: keys.Keyring().Active().String(), Size: len(secret)}
	if info != want {
		t.Fatalf("Describe = %+v, want %+v", info, want)
	}
	if _, err := s.GetPlain(ctx, scope, "creds", "aws"); !errors.Is(err, ErrEncryptedMap) {
		t.Fatalf("GetPlain on an encrypted map: %v, want ErrEncryptedMap", err)
	}
	list, err := s.List(ctx, scope, "creds")
	if err != nil || len(list) != 1 || list[0] != want {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if err := s.Delete(ctx, scope, "creds", "aws"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, scope, "creds", "aws"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
}

func TestServicePlainMap(t *testing.T) {
	ctx := context.Background()
	s, st, _ := newTestService(t, KeyConfig{})
	if _, err := s.CreateMap(ctx, ScopeGlobal, "settings", false); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, ScopeGlobal, "settings", "region", []byte("eu-west-1")); err != nil {
		t.Fatal(err)
	}
	if v, err := s.GetPlain(ctx, ScopeGlobal, "settings", "region"); err != nil || v != "eu-west-1" {
		t.Fatalf("GetPlain = %q, %v", v, err)
	}
	if raw := st.raw(t); len(raw) != 1 || string(raw[0]) != "eu-west-1" {
		t.Fatalf("plain map stored %q, want the value as is", raw)
	}
	maps, err := s.ListMaps(ctx, ScopeGlobal)
	if err != nil || len(maps) != 1 || maps[0].Name != "settings" || maps[0].Encrypted {
		t.Fatalf("ListMaps = %+v, %v", maps, err)
	}
	if _, err := s.CreateMap(ctx, ScopeGlobal, "settings", true); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate CreateMap: %v, want ErrConflict", err)
	}
	if err := s.DeleteMap(ctx, ScopeGlobal, "settings"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetPlain(ctx, ScopeGlobal, "settings", "region"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after DeleteMap: %v, want ErrNotFound", err)
	}
}

func TestServiceRejectsBadNames(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newTestService(t, KeyConfig{})
	tests := []struct {
		name, scope, mapName, key, want string
	}{
		{"unknown scope", "tenant:x", "m", "k", `scope "tenant:x"`},
		{"stage scope without stage", "stage:abc", "m", "k", "want stage:{apiId}/{stage}"},
		{"empty api id", "api:", "m", "k", "API id is empty"},
		{"slash in map", "global", "a/b", "k", `map name "a/b" has '/' at byte 1`},
		{"empty key", "global", "m", "", "entry key is empty"},
		{"control char in key", "global", "m", "a\nb", "control character at byte 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Put(ctx, tt.scope, tt.mapName, tt.key, []byte("v"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// seedMaps writes n entries into an encrypted map of every scope kind and
// one plain map, and returns the expected plaintext per location.
func seedMaps(t *testing.T, s *Service, n int) map[Location]string {
	t.Helper()
	ctx := context.Background()
	want := map[Location]string{}
	for _, scope := range []string{ScopeGlobal, APIScope("a1"), StageScope("a1", "prod")} {
		for _, enc := range []bool{true, false} {
			name := fmt.Sprintf("m-%v", enc)
			if _, err := s.CreateMap(ctx, scope, name, enc); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				loc := Location{scope, name, fmt.Sprintf("k%d", i)}
				v := fmt.Sprintf("value %d of %s", i, loc)
				if err := s.Put(ctx, scope, name, loc.Key, []byte(v)); err != nil {
					t.Fatal(err)
				}
				want[loc] = v
			}
		}
	}
	return want
}

func checkAll(t *testing.T, s *Service, want map[Location]string) {
	t.Helper()
	for loc, v := range want {
		got, err := s.Get(context.Background(), loc.Scope, loc.Map, loc.Key)
		if err != nil || string(got.Bytes()) != v {
			t.Fatalf("%s = %q, %v; want %q", loc, got.Bytes(), err, v)
		}
	}
}

func TestRotateKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, st, keys := newTestService(t, KeyConfig{DataDir: dir})
	want := seedMaps(t, s, 5)
	old := keys.Keyring().Active()

	active, err := s.RotateKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if active == old {
		t.Fatal("rotation kept the old key active")
	}
	checkAll(t, s, want)
	sealedCount := 0
	for _, raw := range st.raw(t) {
		if id, err := SealedWith(raw); err == nil && raw[0] == sealVersion {
			if id == old {
				t.Fatalf("a value is still sealed with the old key %s", old)
			}
			if id == active {
				sealedCount++
			}
		}
	}
	if sealedCount != 15 {
		t.Fatalf("%d values sealed with the new key, want 15", sealedCount)
	}
	if keys.Keyring().Has(old) {
		t.Fatal("old key still in the keyring")
	}
	b, _ := os.ReadFile(filepath.Join(dir, keysFileName))
	if strings.Contains(string(b), old.String()) {
		t.Fatal("old key still in master.keys")
	}
	// A restart opens with the rotated file.
	restarted := NewService(st, openKeys(t, KeyConfig{DataDir: dir}))
	checkAll(t, restarted, want)
}

func TestRotateKeyFailureKeepsEverythingReadable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, st, keys := newTestService(t, KeyConfig{DataDir: dir})
	want := seedMaps(t, s, 4)
	old := keys.Keyring().Active()
	st.failAfter = 7
	if _, err := s.RotateKey(ctx); err == nil {
		t.Fatal("rotation succeeded despite the store failing")
	}
	if !keys.Keyring().Has(old) {
		t.Fatal("old key dropped although the store still holds values sealed with it")
	}
	checkAll(t, s, want)
	// A restart after the failed rotation still opens everything, and a
	// second rotation completes.
	st.failAfter = 0
	s2 := NewService(st, openKeys(t, KeyConfig{DataDir: dir}))
	checkAll(t, s2, want)
	if _, err := s2.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	checkAll(t, s2, want)
}

func TestRotateToEnvironmentKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	oldKey, newKey := testKey(t, 1), testKey(t, 2)
	s, st, _ := newTestService(t, KeyConfig{DataDir: dir, EnvKeys: b64(oldKey)})
	want := seedMaps(t, s, 3)

	// The operator lists the new key first, the old one after it.
	keys := openKeys(t, KeyConfig{DataDir: dir, EnvKeys: b64(newKey) + "," + b64(oldKey)})
	s = NewService(st, keys)
	checkAll(t, s, want)
	active, err := s.RotateKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if active != deriveKeyID(newKey) {
		t.Fatalf("rotated to %s, want the new env key %s", active, deriveKeyID(newKey))
	}
	// Now the new key alone starts, and the old one alone refuses.
	checkAll(t, NewService(st, openKeys(t, KeyConfig{DataDir: dir, EnvKeys: b64(newKey)})), want)
	if _, err := OpenMasterKeys(ctx, KeyConfig{DataDir: dir, EnvKeys: b64(oldKey)}); err == nil {
		t.Fatal("the retired key still starts ferry")
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	ctx := context.Background()
	envKey := b64(testKey(t, 3))
	s, _, keys := newTestService(t, KeyConfig{EnvKeys: envKey})
	s.CreateMap(ctx, ScopeGlobal, "c", true)
	s.Put(ctx, ScopeGlobal, "c", "k", []byte("hunter2-plaintext"))
	sec, err := s.Get(ctx, ScopeGlobal, "c", "k")
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logBuf, nil))
	logger.Info("values", "secret", sec, "ring", keys.Keyring(), "cfg", keys.cfg.String())
	js, _ := json.Marshal(struct{ S Secret }{sec})
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", sec),
		"%s":   fmt.Sprintf("%s", sec),
		"%x":   fmt.Sprintf("%x", sec),
		"%q":   fmt.Sprintf("%q", sec),
		"%#v":  fmt.Sprintf("%#v", sec),
		"%+v":  fmt.Sprintf("%+v", struct{ S Secret }{sec}),
		"json": string(js),
		"slog": logBuf.String(),
		"key":  fmt.Sprintf("%v %+v", keys.Keyring(), keys.cfg),
	}
	for name, out := range outputs {
		for _, leak := range []string{"hunter2", fmt.Sprintf("%x", "hunter2"), envKey} {
			if strings.Contains(out, leak) {
				t.Errorf("%s output %q leaks a secret", name, out)
			}
		}
	}
	if !strings.Contains(outputs["%v"], "redacted") {
		t.Errorf("%%v = %q, want a placeholder", outputs["%v"])
	}
}

// TestRotateKeyWhileServing reads and writes from several goroutines while
// keys rotate: no read may fail and every value must end sealed with the
// last key.
func TestRotateKeyWhileServing(t *testing.T) {
	ctx := context.Background()
	s, st, keys := newTestService(t, KeyConfig{})
	want := seedMaps(t, s, 3)
	stop := make(chan struct{})
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				for loc, v := range want {
					got, err := s.Get(ctx, loc.Scope, loc.Map, loc.Key)
					if err != nil || string(got.Bytes()) != v {
						errs <- fmt.Errorf("reader %d: %s: %v", i, loc, err)
						return
					}
				}
				if err := s.Put(ctx, ScopeGlobal, "m-true", "k0", []byte(want[Location{ScopeGlobal, "m-true", "k0"}])); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 5 {
		if _, err := s.RotateKey(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	active := keys.Keyring().Active()
	sealed := 0
	for _, raw := range st.raw(t) {
		if raw[0] != sealVersion { // a plain map's text
			continue
		}
		sealed++
		if id, err := SealedWith(raw); err != nil || id != active {
			t.Fatalf("a value is sealed with %s, not the active key %s (%v)", id, active, err)
		}
	}
	if sealed != 9 {
		t.Fatalf("%d sealed values, want 9", sealed)
	}
	if n := len(keys.Keyring().Keys()); n != 1 {
		t.Fatalf("%d keys left after rotations, want 1", n)
	}
}

func TestRotateKeyWithKMS(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	k := newFakeKMS(t)
	s, _, keys := newTestService(t, KeyConfig{DataDir: dir, KMSKeyID: k.keyID, KMS: k})
	want := seedMaps(t, s, 2)
	old := keys.Keyring().Active()
	if _, err := s.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	checkAll(t, s, want)
	if k.generate != 2 {
		t.Fatalf("GenerateDataKey called %d times, want 2 (start and rotation)", k.generate)
	}
	var f keysFile
	if err := readJSON(filepath.Join(dir, keysFileName), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Keys) != 1 || f.Keys[0].ID == old.String() || f.Keys[0].KMSCiphertext == "" || f.Keys[0].Key != "" {
		t.Fatalf("master.keys after rotation = %+v, want only the new KMS-wrapped key", f)
	}
}
