package config

import "log/slog"

// Secret is a string that prints as "[redacted]" through fmt, slog, JSON and
// YAML, so logging a Config never leaks a token or key. Reveal is the one
// way to read it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) mask() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String implements fmt.Stringer.
func (s Secret) String() string { return s.mask() }

// GoString implements fmt.GoStringer, for %#v.
func (s Secret) GoString() string { return `"` + s.mask() + `"` }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.mask()) }

// MarshalText implements encoding.TextMarshaler, used by JSON and YAML encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.mask()), nil }
