package binarymedia

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// Types is an API's compiled binaryMediaTypes list.
type Types struct {
	patterns []string // lowercased "type/subtype", "type/*" or "*/*"
}

// Compile checks an API's binaryMediaTypes. API Gateway stores them as
// "type/subtype" with optional wildcards; anything else could never match
// and is reported instead of being silently ignored.
func Compile(list []string) (Types, error) {
	var t Types
	for i, p := range list {
		p = strings.ToLower(strings.TrimSpace(p))
		// OpenAPI exports escape the slash as "~1"; a hand-written API may too.
		p = strings.ReplaceAll(p, "~1", "/")
		typ, sub, ok := strings.Cut(p, "/")
		if !ok || typ == "" || sub == "" || strings.ContainsAny(p, " ,;") {
			return Types{}, fmt.Errorf("binaryMediaTypes[%d] %q is not a media type (want type/subtype, type/* or */*)", i, list[i])
		}
		if typ == "*" && sub != "*" {
			return Types{}, fmt.Errorf("binaryMediaTypes[%d] %q: only */* may have a wildcard type", i, list[i])
		}
		t.patterns = append(t.patterns, p)
	}
	return t, nil
}

// Empty reports whether the API declares no binary media types, in which
// case every payload is text.
func (t Types) Empty() bool { return len(t.patterns) == 0 }

// Match reports whether a single media type value (a Content-Type, or one
// entry of Accept, parameters allowed) is one of the binary media types.
func (t Types) Match(value string) bool {
	if len(t.patterns) == 0 {
		return false
	}
	mt := mediaType(value)
	if mt == "" {
		return false
	}
	for _, p := range t.patterns {
		if p == mt || p == "*/*" || strings.HasSuffix(p, "/*") && strings.HasPrefix(mt, p[:len(p)-1]) {
			return true
		}
	}
	return false
}

// FirstAccept returns the first media type of an Accept header: API
// Gateway decides a response's encoding by that one alone, whatever the
// q-values say.
func FirstAccept(accept string) string {
	first, _, _ := strings.Cut(accept, ",")
	return strings.TrimSpace(first)
}

func mediaType(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		// A value with broken parameters still names its type.
		mt, _, _ = strings.Cut(v, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt
}

// ErrBadHandling marks a contentHandling value that is neither
// CONVERT_TO_BINARY, CONVERT_TO_TEXT nor empty.
var ErrBadHandling = errors.New("contentHandling is not CONVERT_TO_BINARY or CONVERT_TO_TEXT")

// CheckHandling validates a contentHandling value.
func CheckHandling(h string) error {
	switch h {
	case "", model.ContentHandlingConvertToBinary, model.ContentHandlingConvertToText:
		return nil
	}
	return fmt.Errorf("%q: %w", h, ErrBadHandling)
}

// Action is what a conversion does to a payload.
type Action int

// The three things a conversion can do.
const (
	Keep   Action = iota // pass the bytes unchanged
	Encode               // binary to a base64 string
	Decode               // a base64 string to binary
)

func (a Action) String() string {
	switch a {
	case Encode:
		return "base64-encode"
	case Decode:
		return "base64-decode"
	}
	return "keep"
}

// RequestAction is API Gateway's request table: a method request payload
// is binary when its Content-Type is one of the binary media types.
// CONVERT_TO_BINARY decodes a text payload, CONVERT_TO_TEXT encodes a
// binary one, and with no contentHandling the payload goes through as it came.
func RequestAction(binary bool, handling string) Action {
	switch {
	case handling == model.ContentHandlingConvertToBinary && !binary:
		return Decode
	case handling == model.ContentHandlingConvertToText && binary:
		return Encode
	}
	return Keep
}

// ResponseAction is API Gateway's response table. payloadBinary is whether
// the integration response's Content-Type is a binary media type,
// acceptBinary whether the request's first Accept is. With no
// contentHandling a payload is converted only when the two disagree: text
// toward a binary Accept is decoded, binary toward a text Accept encoded.
func ResponseAction(payloadBinary, acceptBinary bool, handling string) Action {
	switch handling {
	case model.ContentHandlingConvertToBinary:
		if payloadBinary {
			return Keep
		}
		return Decode
	case model.ContentHandlingConvertToText:
		if payloadBinary {
			return Encode
		}
		return Keep
	}
	switch {
	case payloadBinary && !acceptBinary:
		return Encode
	case !payloadBinary && acceptBinary:
		return Decode
	}
	return Keep
}

// ErrNotBase64 is returned when a payload to decode is not base64; API
// Gateway answers such a request with a 500.
var ErrNotBase64 = errors.New("payload is not valid base64")

// Apply performs an action on a payload.
func Apply(a Action, body []byte) ([]byte, error) {
	switch a {
	case Encode:
		out := make([]byte, base64.StdEncoding.EncodedLen(len(body)))
		base64.StdEncoding.Encode(out, body)
		return out, nil
	case Decode:
		trimmed := bytes.TrimSpace(body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(trimmed)))
		n, err := base64.StdEncoding.Decode(out, trimmed)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotBase64, err)
		}
		return out[:n], nil
	}
	return body, nil
}
