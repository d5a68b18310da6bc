package kvm

import (
	"fmt"
	"log/slog"
)

// Secret is a value read from a map. Formatting it with fmt or log/slog
// prints a placeholder, so a secret passed to a log call by mistake stays
// secret; call Bytes to use it.
type Secret struct {
	b []byte
}

// NewSecret wraps b; the caller must not modify b afterwards.
func NewSecret(b []byte) Secret { return Secret{b: b} }

// Bytes returns the plaintext. Do not log it.
func (s Secret) Bytes() []byte { return s.b }

// Len is the plaintext's length in bytes.
func (s Secret) Len() int { return len(s.b) }

// String redacts.
func (s Secret) String() string { return "[redacted]" }

// GoString redacts %#v too.
func (s Secret) GoString() string { return "kvm.Secret([redacted])" }

// Format redacts every verb, including %x and %q, which would otherwise
// reach the bytes through reflection.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[redacted]")) }

// LogValue redacts for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalJSON refuses to leak: an admin answer that embeds a Secret by
// mistake shows the placeholder.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }
