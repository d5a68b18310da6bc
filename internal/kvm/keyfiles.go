package kvm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

const fileFormat = 1

// keysFile is master.keys: every key ferry generated, oldest first.
type keysFile struct {
	Format int        `json:"format"`
	Active string     `json:"active"`
	Keys   []keyEntry `json:"keys"`
}

// keyEntry holds a key in clear (Key) or wrapped by KMS (KMSCiphertext).
type keyEntry struct {
	ID            string `json:"id"`
	Created       string `json:"created"`
	Key           string `json:"key,omitempty"`
	KMSKeyID      string `json:"kmsKeyId,omitempty"`
	KMSCiphertext string `json:"kmsCiphertext,omitempty"`
}

// checkFile is master.check: for every key that sealed data, a known value
// sealed with it. Opening it proves the configured key is the one that
// sealed, before any secret is read.
type checkFile struct {
	Format int          `json:"format"`
	Checks []checkEntry `json:"checks"`
}

type checkEntry struct {
	ID    string `json:"id"`
	Check string `json:"check"`
}

var checkPlaintext = []byte("ferry master key check")

func checkLocation(id KeyID) Location {
	return Location{Scope: "ferry", Map: "master-key-check", Key: id.String()}
}

func parseKeyID(s string) (KeyID, error) {
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil || len(s) != 8 {
		return 0, fmt.Errorf("key id %q is not 8 hex digits", s)
	}
	return KeyID(v), nil
}

// readJSON decodes path strictly into v. A missing file is reported as
// fs.ErrNotExist; a file that others can read is refused, since it may hold
// keys.
func readJSON(path string, v any) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("kvm: %s has mode %04o: it holds key material and must be readable by its owner only (chmod 600)", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("kvm: %s: %w", path, err)
	}
	return nil
}

// writeJSON0600 replaces path atomically, so a crash leaves either the old
// or the new file and never half of one.
func writeJSON0600(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("kvm: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("kvm: write %s: %w", path, err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("kvm: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("kvm: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("kvm: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("kvm: write %s: %w", path, err)
	}
	return nil
}

// loadFile reads master.keys, unwrapping KMS entries, and checks that each
// key matches the id recorded beside it.
func (m *MasterKeys) loadFile(ctx context.Context) error {
	err := readJSON(m.keysPath(), &m.file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if m.file.Format != fileFormat {
		return fmt.Errorf("kvm: %s: format %d is not supported (want %d)", m.keysPath(), m.file.Format, fileFormat)
	}
	for i, e := range m.file.Keys {
		where := fmt.Sprintf("%s: key #%d (id %s)", m.keysPath(), i+1, e.ID)
		secret, err := m.unwrap(ctx, e, where)
		if err != nil {
			return err
		}
		var created time.Time
		if e.Created != "" {
			if created, err = time.Parse(time.RFC3339, e.Created); err != nil {
				return fmt.Errorf("kvm: %s: created: %w", where, err)
			}
		}
		id, err := m.ring.Add(secret, created)
		if err != nil {
			return fmt.Errorf("kvm: %s: %w", where, err)
		}
		if id.String() != e.ID {
			return fmt.Errorf("kvm: %s: the key's id is %s: the file was altered or KMS returned another key", where, id)
		}
	}
	return nil
}

func (m *MasterKeys) unwrap(ctx context.Context, e keyEntry, where string) ([]byte, error) {
	switch {
	case e.Key != "" && e.KMSCiphertext != "":
		return nil, fmt.Errorf("kvm: %s: has both key and kmsCiphertext", where)
	case e.Key != "":
		secret, err := base64.StdEncoding.DecodeString(e.Key)
		if err != nil {
			return nil, fmt.Errorf("kvm: %s: key is not valid base64", where)
		}
		return secret, nil
	case e.KMSCiphertext != "":
		blob, err := base64.StdEncoding.DecodeString(e.KMSCiphertext)
		if err != nil {
			return nil, fmt.Errorf("kvm: %s: kmsCiphertext is not valid base64", where)
		}
		if m.cfg.KMS == nil {
			return nil, fmt.Errorf("kvm: %s: is wrapped by KMS key %s but no KMS client is configured", where, e.KMSKeyID)
		}
		in := &kms.DecryptInput{CiphertextBlob: blob}
		if e.KMSKeyID != "" {
			in.KeyId = aws.String(e.KMSKeyID)
		}
		out, err := m.cfg.KMS.Decrypt(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("kvm: %s: KMS Decrypt: %w", where, err)
		}
		return out.Plaintext, nil
	default:
		return nil, fmt.Errorf("kvm: %s: has neither key nor kmsCiphertext", where)
	}
}

// verify opens every recorded check value and records one for keys that
// have none yet. A check value whose key is missing or different means the
// configured key is not the one that sealed the store: refuse, rather than
// fail later on every secret or, worse, seal new data under a stray key.
func (m *MasterKeys) verify() error {
	err := readJSON(m.checkPath(), &m.checks)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	seen := map[KeyID]bool{}
	for _, c := range m.checks.Checks {
		id, err := parseKeyID(c.ID)
		if err != nil {
			return fmt.Errorf("kvm: %s: %w", m.checkPath(), err)
		}
		seen[id] = true
		sealed, err := base64.StdEncoding.DecodeString(c.Check)
		if err != nil {
			return fmt.Errorf("kvm: %s: check of key %s is not valid base64", m.checkPath(), id)
		}
		if !m.ring.Has(id) {
			return m.mismatch(id)
		}
		pt, err := m.ring.Open(checkLocation(id), sealed)
		if err != nil || !bytes.Equal(pt, checkPlaintext) {
			return m.mismatch(id)
		}
	}
	return m.recordChecks(seen)
}

func (m *MasterKeys) mismatch(id KeyID) error {
	hint := "restore " + keysFileName + " or the FERRY_MASTER_KEY that was used"
	if m.cfg.EnvKeys != "" {
		hint = "FERRY_MASTER_KEY holds a different key; to rotate, list the new key first and the old one after a comma"
	}
	return fmt.Errorf("kvm: master key does not match the key that sealed this store (key id %s): %s", id, hint)
}

func (m *MasterKeys) recordChecks(seen map[KeyID]bool) error {
	next := checkFile{Format: fileFormat, Checks: append([]checkEntry(nil), m.checks.Checks...)}
	changed := false
	for _, k := range m.ring.Keys() {
		if seen[k.ID] {
			continue
		}
		sealed, err := m.ring.sealWith(k.ID, checkLocation(k.ID), checkPlaintext)
		if err != nil {
			return err
		}
		next.Checks = append(next.Checks, checkEntry{ID: k.ID.String(), Check: base64.StdEncoding.EncodeToString(sealed)})
		changed = true
	}
	if !changed {
		return nil
	}
	if err := writeJSON0600(m.checkPath(), next); err != nil {
		return err
	}
	m.checks = next
	return nil
}
