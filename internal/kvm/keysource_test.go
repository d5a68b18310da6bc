package kvm

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

var testNow = time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)

func openKeys(t *testing.T, cfg KeyConfig) *MasterKeys {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	m, err := OpenMasterKeys(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestFirstStartCreatesPrivateKeyFile(t *testing.T) {
	dir := t.TempDir()
	m := openKeys(t, KeyConfig{DataDir: dir})
	st, err := os.Stat(filepath.Join(dir, keysFileName))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("master.keys mode %04o, want 0600", st.Mode().Perm())
	}
	keys := m.Keyring().Keys()
	if len(keys) != 1 || !keys[0].Active || !keys[0].Created.Equal(testNow) {
		t.Fatalf("keys = %+v, want one active key created %s", keys, testNow)
	}
	sealed, err := m.Keyring().Seal(Location{"global", "m", "k"}, []byte("v"))
	if err != nil {
		t.Fatal(err)
	}
	// A restart reads the same key back.
	again := openKeys(t, KeyConfig{DataDir: dir})
	if again.Keyring().Active() != m.Keyring().Active() {
		t.Fatalf("restart: active %s, want %s", again.Keyring().Active(), m.Keyring().Active())
	}
	if got, err := again.Keyring().Open(Location{"global", "m", "k"}, sealed); err != nil || string(got) != "v" {
		t.Fatalf("restart: open = %q, %v", got, err)
	}
}

func TestEnvironmentKey(t *testing.T) {
	dir := t.TempDir()
	key := testKey(t, 9)
	m := openKeys(t, KeyConfig{DataDir: dir, EnvKeys: b64(key)})
	if m.Keyring().Active() != deriveKeyID(key) {
		t.Fatalf("active %s, want the env key %s", m.Keyring().Active(), deriveKeyID(key))
	}
	if _, err := os.Stat(filepath.Join(dir, keysFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("master.keys written although the key came from the environment (stat: %v)", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, checkFileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, key) || strings.Contains(string(b), b64(key)) {
		t.Fatal("master.check contains the key")
	}
}

func TestWrongMasterKeyRefusesToStart(t *testing.T) {
	tests := []struct {
		name   string
		first  func(dir string) KeyConfig
		second func(dir string) KeyConfig
	}{
		{
			name:   "other env key",
			first:  func(dir string) KeyConfig { return KeyConfig{DataDir: dir, EnvKeys: b64(testKey(t, 1))} },
			second: func(dir string) KeyConfig { return KeyConfig{DataDir: dir, EnvKeys: b64(testKey(t, 2))} },
		},
		{
			name:   "env key unset",
			first:  func(dir string) KeyConfig { return KeyConfig{DataDir: dir, EnvKeys: b64(testKey(t, 1))} },
			second: func(dir string) KeyConfig { return KeyConfig{DataDir: dir} },
		},
		{
			name:  "master.keys lost",
			first: func(dir string) KeyConfig { return KeyConfig{DataDir: dir} },
			second: func(dir string) KeyConfig {
				os.Remove(filepath.Join(dir, keysFileName))
				return KeyConfig{DataDir: dir}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			first := openKeys(t, tt.first(dir))
			sealedID := first.Keyring().Active()
			_, err := OpenMasterKeys(context.Background(), tt.second(dir))
			if err == nil {
				t.Fatal("started with a key that did not seal the store")
			}
			want := "master key does not match the key that sealed this store (key id " + sealedID.String() + ")"
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q does not say %q", err, want)
			}
		})
	}
}

func TestCheckValueDetectsSwappedKey(t *testing.T) {
	// Rewrite master.keys with another key under the old id: the id check
	// catches it before the check value is even needed.
	dir := t.TempDir()
	openKeys(t, KeyConfig{DataDir: dir})
	path := filepath.Join(dir, keysFileName)
	var f keysFile
	if err := readJSON(path, &f); err != nil {
		t.Fatal(err)
	}
	f.Keys[0].Key = b64(testKey(t, 5))
	if err := writeJSON0600(path, f); err != nil {
		t.Fatal(err)
	}
	_, err := OpenMasterKeys(context.Background(), KeyConfig{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "altered") {
		t.Fatalf("err = %v, want the altered-file error", err)
	}
}

func TestBadKeySources(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) KeyConfig
		want  string
	}{
		{"env not base64", func(t *testing.T, dir string) KeyConfig {
			return KeyConfig{DataDir: dir, EnvKeys: "not base64!"}
		}, "FERRY_MASTER_KEY key #1 is not valid base64"},
		{"env short", func(t *testing.T, dir string) KeyConfig {
			return KeyConfig{DataDir: dir, EnvKeys: b64(testKey(t, 1)) + "," + b64([]byte("short"))}
		}, "FERRY_MASTER_KEY key #2 decodes to 5 bytes, want 32"},
		{"world-readable file", func(t *testing.T, dir string) KeyConfig {
			openKeys(t, KeyConfig{DataDir: dir})
			os.Chmod(filepath.Join(dir, keysFileName), 0o644)
			return KeyConfig{DataDir: dir}
		}, "must be readable by its owner only"},
		{"unknown field", func(t *testing.T, dir string) KeyConfig {
			os.WriteFile(filepath.Join(dir, keysFileName), []byte(`{"format":1,"bogus":true}`), 0o600)
			return KeyConfig{DataDir: dir}
		}, `unknown field "bogus"`},
		{"no data dir", func(t *testing.T, dir string) KeyConfig { return KeyConfig{} }, "data directory is not set"},
		{"kms without client", func(t *testing.T, dir string) KeyConfig {
			return KeyConfig{DataDir: dir, KMSKeyID: "alias/ferry"}
		}, "no KMS client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.setup(t, t.TempDir())
			_, err := OpenMasterKeys(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if cfg.EnvKeys != "" && strings.Contains(err.Error(), cfg.EnvKeys) {
				t.Fatal("error repeats the key")
			}
		})
	}
}

// fakeKMS stands in for AWS KMS: no KMS-compatible server installs from the
// registries this project reaches. It wraps data keys under its own key
// with the same barrier, so a blob it did not make fails to decrypt.
type fakeKMS struct {
	keyID    string
	ring     *Keyring
	generate int
	decrypt  int
}

func newFakeKMS(t *testing.T) *fakeKMS {
	root := make([]byte, MasterKeyLen)
	rand.Read(root)
	return &fakeKMS{keyID: "arn:aws:kms:us-east-1:111122223333:key/test", ring: ringWith(t, root)}
}

func (f *fakeKMS) GenerateDataKey(_ context.Context, in *kms.GenerateDataKeyInput, _ ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	f.generate++
	if aws.ToString(in.KeyId) != f.keyID || in.KeySpec != "AES_256" {
		return nil, errors.New("NotFoundException: key " + aws.ToString(in.KeyId))
	}
	pt := make([]byte, 32)
	rand.Read(pt)
	blob, err := f.ring.Seal(Location{"kms", f.keyID, ""}, pt)
	return &kms.GenerateDataKeyOutput{Plaintext: pt, CiphertextBlob: blob, KeyId: in.KeyId}, err
}

func (f *fakeKMS) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	f.decrypt++
	pt, err := f.ring.Open(Location{"kms", f.keyID, ""}, in.CiphertextBlob)
	if err != nil {
		return nil, errors.New("InvalidCiphertextException")
	}
	return &kms.DecryptOutput{Plaintext: pt, KeyId: aws.String(f.keyID)}, nil
}

func TestKMSEnvelope(t *testing.T) {
	dir := t.TempDir()
	k := newFakeKMS(t)
	m := openKeys(t, KeyConfig{DataDir: dir, KMSKeyID: k.keyID, KMS: k})
	if k.generate != 1 {
		t.Fatalf("GenerateDataKey called %d times, want 1", k.generate)
	}
	var f keysFile
	if err := readJSON(filepath.Join(dir, keysFileName), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Keys) != 1 || f.Keys[0].Key != "" || f.Keys[0].KMSCiphertext == "" || f.Keys[0].KMSKeyID != k.keyID {
		t.Fatalf("master.keys = %+v, want one KMS-wrapped key and no clear key", f)
	}
	loc := Location{"global", "m", "k"}
	sealed, _ := m.Keyring().Seal(loc, []byte("v"))

	again := openKeys(t, KeyConfig{DataDir: dir, KMS: k})
	if k.decrypt != 1 {
		t.Fatalf("Decrypt called %d times, want 1", k.decrypt)
	}
	if got, err := again.Keyring().Open(loc, sealed); err != nil || string(got) != "v" {
		t.Fatalf("after restart: %q, %v", got, err)
	}

	// Another KMS cannot unwrap the data key: refuse to start.
	_, err := OpenMasterKeys(context.Background(), KeyConfig{DataDir: dir, KMS: newFakeKMS(t)})
	if err == nil || !strings.Contains(err.Error(), "KMS Decrypt") {
		t.Fatalf("err = %v, want a KMS Decrypt error", err)
	}
}
