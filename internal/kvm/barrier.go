package kvm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
)

// sealVersion is the first byte of every sealed value. A new layout gets a
// new version so old values stay readable while they are re-sealed.
const sealVersion byte = 1

const (
	headerLen = 1 + 4 // version byte, key id
	nonceLen  = 12
	tagLen    = 16
)

// ErrOpen is returned when a sealed value fails authentication: it was
// tampered with, moved to another entry, or sealed with another key.
var ErrOpen = errors.New("sealed value failed authentication (altered, moved from another entry, or sealed with another key)")

// Location names the entry a sealed value belongs to. It is the additional
// authenticated data, so the store cannot swap values between entries.
type Location struct {
	Scope, Map, Key string
}

func (l Location) String() string { return l.Scope + "/" + l.Map + "/" + l.Key }

// aad binds the header and the location. Each part is length-prefixed so
// that scopes containing "/" ("stage:id/name") cannot be confused with a
// different split of the same string.
func (l Location) aad(header []byte) []byte {
	b := make([]byte, 0, len(header)+16+len(l.Scope)+len(l.Map)+len(l.Key))
	b = append(b, header...)
	b = append(b, "ferry-kvm"...)
	for _, part := range []string{l.Scope, l.Map, l.Key} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// seal encrypts plaintext under key k for location loc. Layout:
// version(1) | key id(4, big endian) | nonce(12) | ciphertext | tag(16).
func seal(k *masterKey, loc Location, plaintext []byte) ([]byte, error) {
	gcm, err := k.aead()
	if err != nil {
		return nil, err
	}
	out := make([]byte, headerLen+nonceLen, headerLen+nonceLen+len(plaintext)+tagLen)
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:headerLen], uint32(k.id))
	nonce := out[headerLen : headerLen+nonceLen]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("kvm: nonce: %w", err)
	}
	return gcm.Seal(out, nonce, plaintext, loc.aad(out[:headerLen])), nil
}

// sealedKeyID reads the key id of a sealed value without opening it.
func sealedKeyID(sealed []byte) (KeyID, error) {
	if len(sealed) < headerLen+nonceLen+tagLen {
		return 0, fmt.Errorf("kvm: sealed value is %d bytes, shorter than the %d-byte minimum", len(sealed), headerLen+nonceLen+tagLen)
	}
	if sealed[0] != sealVersion {
		return 0, fmt.Errorf("kvm: sealed value has unknown version %d (want %d)", sealed[0], sealVersion)
	}
	return KeyID(binary.BigEndian.Uint32(sealed[1:headerLen])), nil
}

// open authenticates and decrypts a value sealed by seal with key k.
func open(k *masterKey, loc Location, sealed []byte) ([]byte, error) {
	id, err := sealedKeyID(sealed)
	if err != nil {
		return nil, err
	}
	if id != k.id {
		return nil, fmt.Errorf("kvm: value sealed with key %s, not %s", id, k.id)
	}
	gcm, err := k.aead()
	if err != nil {
		return nil, err
	}
	nonce := sealed[headerLen : headerLen+nonceLen]
	pt, err := gcm.Open(nil, nonce, sealed[headerLen+nonceLen:], loc.aad(sealed[:headerLen]))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

func newGCM(secret []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(secret)
	if err != nil {
		return nil, fmt.Errorf("kvm: master key: %w", err)
	}
	return cipher.NewGCM(block)
}
