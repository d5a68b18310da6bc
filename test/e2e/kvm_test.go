package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// processCredentials is an AWS credential_process answer, the format a
// kvm:MAP/ENTRY credentials entry holds.
func processCredentials(key, secret string) string {
	return fmt.Sprintf(`{"Version": 1, "AccessKeyId": %q, "SecretAccessKey": %q}`, key, secret)
}

// putSecret stores value in an entry through a file, never the command line.
func (f *ferry) putSecret(mapName, key, value string) {
	f.t.Helper()
	p := filepath.Join(f.t.TempDir(), "value")
	if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
		f.t.Fatal(err)
	}
	f.cli("kvm", "put", mapName, key, "--from-file", p)
}

// dataDirHolds reports whether any file of the data directory contains s.
func dataDirHolds(t *testing.T, dir, s string) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) {
			hits = append(hits, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// S3 calls signed with keys from an encrypted key-value map: MinIO verifies
// the signature, so the right secret stores and reads the object and a wrong
// one gets S3's own refusal back through ferry. The secret never reaches
// the data directory or the log in plaintext, and survives a key rotation.
func TestS3WithCredentialsFromEncryptedKVM(t *testing.T) {
	w := newAWSWorld(t, nil)
	w.createBucket(t, "vault")
	f := startFerry(t, "", w.env...)

	f.cli("kvm", "create", "aws", "--encrypted")
	f.putSecret("aws", "s3", processCredentials(w.minio.AccessKey, w.minio.SecretKey))
	const wrongSecret = "0123456789abcdefWRONGsecretWRONGsecret00"
	f.putSecret("aws", "s3-wrong", processCredentials(w.minio.AccessKey, wrongSecret))

	good := strings.TrimSpace(f.cli("import", s3API(t, "kvm:aws/s3")))
	f.cli("deploy", good, "--stage", "v1")
	resp, out := f.call("PUT", good, "v1", "/files/vault/ledger.csv", strings.NewReader("a,b\n1,2\n"), map[string]string{"Content-Type": "text/csv"})
	if resp.StatusCode != 200 {
		t.Fatalf("PUT with the KVM credentials: %d %s", resp.StatusCode, out)
	}
	if got := w.object(t, "vault", "ledger.csv"); got != "a,b\n1,2\n" {
		t.Fatalf("MinIO holds %q", got)
	}

	bad := strings.TrimSpace(f.cli("import", s3API(t, "kvm:aws/s3-wrong")))
	f.cli("deploy", bad, "--stage", "v1")
	resp, out = f.call("GET", bad, "v1", "/files/vault/ledger.csv", nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(out, "SignatureDoesNotMatch") {
		t.Fatalf("GET with a wrong secret: %d %s; want S3's 403 SignatureDoesNotMatch through the 403 integration response", resp.StatusCode, out)
	}

	rotated := strings.TrimSpace(f.cli("kvm", "rotate-key"))
	if rotated == "" {
		t.Fatal("rotate-key printed no key id")
	}
	resp, out = f.call("GET", good, "v1", "/files/vault/ledger.csv", nil, nil)
	if resp.StatusCode != 200 || out != "a,b\n1,2\n" {
		t.Fatalf("GET after rotating the master key: %d %q", resp.StatusCode, out)
	}

	// Killed, not stopped: what a crash leaves behind (the SQLite WAL
	// included) must not hold a secret either.
	_ = f.stop(syscall.SIGKILL)
	for _, secret := range []string{w.minio.SecretKey, wrongSecret} {
		if hits := dataDirHolds(t, f.DataDir, secret); len(hits) > 0 {
			t.Errorf("a secret is in plaintext in %v", hits)
		}
		if strings.Contains(f.logs.String(), secret) {
			t.Error("a secret is in ferry's log")
		}
	}
}

// A master key that is not the one that sealed the data directory stops
// ferry at start, with a message that says so.
func TestWrongMasterKeyRefusesToStart(t *testing.T) {
	key := func() string {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	right, wrong := key(), key()
	f := startFerry(t, "", "FERRY_MASTER_KEY="+right)
	f.cli("kvm", "create", "secrets", "--encrypted")
	f.putSecret("secrets", "db", "hunter2-but-longer")
	if err := f.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ferryBin, "serve", "--data-dir", f.DataDir, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "FERRY_ADMIN_TOKEN=x", "FERRY_MASTER_KEY="+wrong)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("ferry serve started with the wrong master key:\n%s", out)
	}
	if !strings.Contains(string(out), "master key does not match") {
		t.Errorf("the refusal should say the master key does not match:\n%s", out)
	}
	if strings.Contains(string(out), wrong) || strings.Contains(string(out), right) {
		t.Error("the refusal prints a master key")
	}

	g := startFerry(t, f.DataDir, "FERRY_MASTER_KEY="+right)
	if got := g.cli("kvm", "get", "secrets", "db"); got != "hunter2-but-longer" {
		t.Errorf("with the right key the secret reads %q", got)
	}
}
