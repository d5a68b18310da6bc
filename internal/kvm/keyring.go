package kvm

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// MasterKeyLen is the length of a master key: AES-256.
const MasterKeyLen = 32

// KeyID identifies a master key. It is derived from the key itself, so the
// same key always has the same id whichever source supplies it, and a wrong
// key announces itself by its id before any value is opened.
type KeyID uint32

func (id KeyID) String() string { return fmt.Sprintf("%08x", uint32(id)) }

// deriveKeyID is a truncated HMAC of a fixed label under the key: it names
// the key without revealing anything useful about it.
func deriveKeyID(secret []byte) KeyID {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ferry kvm master key id v1"))
	return KeyID(binary.BigEndian.Uint32(m.Sum(nil)))
}

// masterKey is one AES-256 key. The cipher is built once: AES key expansion
// is not free and every Get of a secret would pay it again.
type masterKey struct {
	id      KeyID
	created time.Time
	secret  []byte
	once    sync.Once
	gcm     cipher.AEAD
	err     error
}

func (k *masterKey) aead() (cipher.AEAD, error) {
	k.once.Do(func() { k.gcm, k.err = newGCM(k.secret) })
	return k.gcm, k.err
}

// String redacts: a master key must never reach a log line.
func (k *masterKey) String() string { return "masterKey(" + k.id.String() + ", redacted)" }

// LogValue redacts the key for log/slog.
func (k *masterKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", k.id.String()), slog.String("secret", "[redacted]"))
}

// KeyInfo describes a master key without its secret.
type KeyInfo struct {
	// ID identifies the key inside sealed values.
	ID KeyID
	// Created is when the key was generated (zero when its source does not say).
	Created time.Time
	// Active is true for the key that seals new values.
	Active bool
}

// Keyring holds the master keys: exactly one active key that seals, and any
// number of older keys that still open values they sealed. It is safe for
// concurrent use.
type Keyring struct {
	mu     sync.RWMutex
	keys   map[KeyID]*masterKey
	active KeyID
}

// NewKeyring returns an empty keyring; add keys with Add.
func NewKeyring() *Keyring { return &Keyring{keys: map[KeyID]*masterKey{}} }

// Add puts a 32-byte key in the ring and returns its id. The first key added
// becomes active. Adding a key that is already present is harmless.
func (r *Keyring) Add(secret []byte, created time.Time) (KeyID, error) {
	if len(secret) != MasterKeyLen {
		return 0, fmt.Errorf("kvm: master key is %d bytes, want %d", len(secret), MasterKeyLen)
	}
	id := deriveKeyID(secret)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[id]; ok {
		return id, nil
	}
	r.keys[id] = &masterKey{id: id, created: created, secret: append([]byte(nil), secret...)}
	if len(r.keys) == 1 {
		r.active = id
	}
	return id, nil
}

// SetActive makes id the key that seals new values.
func (r *Keyring) SetActive(id KeyID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[id]; !ok {
		return fmt.Errorf("kvm: no master key %s in the keyring", id)
	}
	r.active = id
	return nil
}

// Remove drops a key that no longer seals anything. The active key cannot
// be removed.
func (r *Keyring) Remove(id KeyID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id == r.active {
		return fmt.Errorf("kvm: master key %s is active and cannot be removed", id)
	}
	delete(r.keys, id)
	return nil
}

// Active returns the id of the sealing key (0 when the ring is empty).
func (r *Keyring) Active() KeyID {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.active
}

// Has reports whether the ring holds key id.
func (r *Keyring) Has(id KeyID) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.keys[id]
	return ok
}

// Keys lists the keys, oldest first, without their secrets.
func (r *Keyring) Keys() []KeyInfo {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]KeyInfo, 0, len(r.keys))
	for id, k := range r.keys {
		out = append(out, KeyInfo{ID: id, Created: k.created, Active: id == r.active})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Seal encrypts plaintext for loc with the active key.
func (r *Keyring) Seal(loc Location, plaintext []byte) ([]byte, error) {
	r.mu.RLock()
	k := r.keys[r.active]
	r.mu.RUnlock()
	if k == nil {
		return nil, fmt.Errorf("kvm: keyring has no active master key")
	}
	return seal(k, loc, plaintext)
}

// Open authenticates and decrypts a sealed value of loc with whichever key
// sealed it. The error never contains the value.
func (r *Keyring) Open(loc Location, sealed []byte) ([]byte, error) {
	id, err := sealedKeyID(sealed)
	if err != nil {
		return nil, err
	}
	r.mu.RLock()
	k := r.keys[id]
	r.mu.RUnlock()
	if k == nil {
		return nil, fmt.Errorf("kvm: %s was sealed with master key %s, which is not in the keyring", loc, id)
	}
	pt, err := open(k, loc, sealed)
	if err != nil {
		return nil, fmt.Errorf("kvm: open %s: %w", loc, err)
	}
	return pt, nil
}

// SealedWith returns the id of the key that sealed a value.
func SealedWith(sealed []byte) (KeyID, error) { return sealedKeyID(sealed) }

// String describes the ring without secrets.
func (r *Keyring) String() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return fmt.Sprintf("Keyring(%d keys, active %s)", len(r.keys), r.active)
}

// LogValue describes the ring for log/slog without secrets.
func (r *Keyring) LogValue() slog.Value { return slog.StringValue(r.String()) }

// sealWith seals with a particular key rather than the active one; the
// check values need it.
func (r *Keyring) sealWith(id KeyID, loc Location, plaintext []byte) ([]byte, error) {
	r.mu.RLock()
	k := r.keys[id]
	r.mu.RUnlock()
	if k == nil {
		return nil, fmt.Errorf("kvm: no master key %s in the keyring", id)
	}
	return seal(k, loc, plaintext)
}
