package kvm

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

func testKey(t testing.TB, fill byte) []byte {
	t.Helper()
	return bytes.Repeat([]byte{fill}, MasterKeyLen)
}

func ringWith(t testing.TB, secrets ...[]byte) *Keyring {
	t.Helper()
	r := NewKeyring()
	for _, s := range secrets {
		if _, err := r.Add(s, testNow); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestSealOpenRoundTrip(t *testing.T) {
	r := ringWith(t, testKey(t, 1))
	loc := Location{"global", "creds", "prod"}
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"empty", []byte{}},
		{"short", []byte("s3cr3t")},
		{"json", []byte(`{"Version":1,"AccessKeyId":"AKIDEXAMPLE","SecretAccessKey":"wJalrXUtnFEMI"}`)},
		{"binary", bytes.Repeat([]byte{0, 0xff}, 4096)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := r.Seal(loc, tt.plaintext)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.plaintext) > 0 && bytes.Contains(sealed, tt.plaintext) {
				t.Fatal("sealed value contains the plaintext")
			}
			if want := headerLen + nonceLen + len(tt.plaintext) + tagLen; len(sealed) != want {
				t.Fatalf("sealed length %d, want %d", len(sealed), want)
			}
			id, err := SealedWith(sealed)
			if err != nil || id != r.Active() {
				t.Fatalf("SealedWith = %s, %v; want %s", id, err, r.Active())
			}
			got, err := r.Open(loc, sealed)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Fatalf("opened %q, want %q", got, tt.plaintext)
			}
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	r := ringWith(t, testKey(t, 1))
	loc := Location{"global", "m", "k"}
	a, _ := r.Seal(loc, []byte("same"))
	b, _ := r.Seal(loc, []byte("same"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical: nonce reused")
	}
}

func TestOpenRejectsEveryFlippedByte(t *testing.T) {
	r := ringWith(t, testKey(t, 1))
	loc := Location{"api:abc123", "creds", "prod"}
	sealed, err := r.Seal(loc, []byte("a secret worth keeping"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		for _, bit := range []byte{0x01, 0x80} {
			tampered := append([]byte(nil), sealed...)
			tampered[i] ^= bit
			if pt, err := r.Open(loc, tampered); err == nil {
				t.Fatalf("byte %d bit %#x flipped: opened %q", i, bit, pt)
			}
		}
	}
	if _, err := r.Open(loc, sealed[:len(sealed)-1]); err == nil {
		t.Fatal("truncated value opened")
	}
	if _, err := r.Open(loc, append(append([]byte(nil), sealed...), 0)); err == nil {
		t.Fatal("extended value opened")
	}
}

func TestOpenRejectsMovedValue(t *testing.T) {
	r := ringWith(t, testKey(t, 1))
	from := Location{"stage:abc/prod", "creds", "key"}
	sealed, err := r.Seal(from, []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		to   Location
	}{
		{"other key", Location{"stage:abc/prod", "creds", "key2"}},
		{"other map", Location{"stage:abc/prod", "creds2", "key"}},
		{"other scope", Location{"stage:abc/dev", "creds", "key"}},
		{"global", Location{"global", "creds", "key"}},
		// Joined with "/", these two locations read the same string.
		{"same joined path", Location{"stage:abc", "prod/creds", "key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Open(tt.to, sealed)
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("Open at %s = %v, want ErrOpen", tt.to, err)
			}
		})
	}
}

func TestOpenWithWrongKeyFails(t *testing.T) {
	loc := Location{"global", "m", "k"}
	sealed, err := ringWith(t, testKey(t, 1)).Seal(loc, []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	other := ringWith(t, testKey(t, 2))
	if _, err := other.Open(loc, sealed); err == nil {
		t.Fatal("opened with another key")
	}
	// A key forged to carry the sealing key's id must still fail: the id is
	// a label, the GCM tag is the proof.
	forged := &masterKey{id: deriveKeyID(testKey(t, 1)), secret: testKey(t, 2)}
	if _, err := open(forged, loc, sealed); !errors.Is(err, ErrOpen) {
		t.Fatalf("forged key: %v, want ErrOpen", err)
	}
}

func TestOpenAfterKeyAddedKeepsOldValues(t *testing.T) {
	r := ringWith(t, testKey(t, 1))
	loc := Location{"global", "m", "k"}
	old, _ := r.Seal(loc, []byte("old"))
	id2, err := r.Add(testKey(t, 2), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetActive(id2); err != nil {
		t.Fatal(err)
	}
	fresh, _ := r.Seal(loc, []byte("new"))
	if id, _ := SealedWith(fresh); id != id2 {
		t.Fatalf("new value sealed with %s, want %s", id, id2)
	}
	if got, err := r.Open(loc, old); err != nil || string(got) != "old" {
		t.Fatalf("old value: %q, %v", got, err)
	}
	if err := r.Remove(id2); err == nil {
		t.Fatal("removed the active key")
	}
}

func TestKeyringRejectsBadKeys(t *testing.T) {
	r := NewKeyring()
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := r.Add(make([]byte, n), testNow); err == nil {
			t.Errorf("%d-byte key accepted", n)
		}
	}
	if _, err := r.Seal(Location{}, []byte("x")); err == nil {
		t.Error("empty keyring sealed")
	}
}

func FuzzOpen(f *testing.F) {
	r := ringWith(f, testKey(f, 7))
	loc := Location{"global", "m", "k"}
	good, _ := r.Seal(loc, []byte("seed"))
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{sealVersion, 0, 0, 0, 0})
	// Fuzz workers run this function again, each sealing its own seed with
	// the same fixed key, so "seed" is the only plaintext that may open.
	f.Fuzz(func(t *testing.T, sealed []byte) {
		pt, err := r.Open(loc, sealed)
		if err == nil && string(pt) != "seed" {
			t.Fatalf("forged value opened to %q", pt)
		}
	})
}

func BenchmarkSeal1K(b *testing.B) {
	r := ringWith(b, testKey(b, 1))
	pt := make([]byte, 1024)
	_, _ = rand.Read(pt)
	loc := Location{"global", "m", "k"}
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := r.Seal(loc, pt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen1K(b *testing.B) {
	r := ringWith(b, testKey(b, 1))
	pt := make([]byte, 1024)
	loc := Location{"global", "m", "k"}
	sealed, _ := r.Seal(loc, pt)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := r.Open(loc, sealed); err != nil {
			b.Fatal(err)
		}
	}
}
