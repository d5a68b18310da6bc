package lambda

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/binarymedia"
)

// ErrMalformed is the reason behind API Gateway's 502 for a proxy answer
// that is not the proxy response format.
var ErrMalformed = errors.New("malformed Lambda proxy response")

// ProxyResponse is a function's answer in the proxy response format.
type ProxyResponse struct {
	Status int
	// Header merges headers and multiValueHeaders.
	Header http.Header
	// Body is the body as the function gave it: base64 text when Base64.
	Body []byte
	// Base64 is isBase64Encoded.
	Base64 bool
}

// proxyKeys are the keys the proxy response format allows; API Gateway
// refuses an answer with any other.
var proxyKeys = map[string]bool{
	"statusCode": true, "headers": true, "multiValueHeaders": true, "body": true, "isBase64Encoded": true,
}

// ParseProxyResponse reads a function's answer. statusCode is required, a
// number or a string of digits, 100 to 599. Header values may be strings,
// numbers or booleans. body must be a string (or null). Any other shape
// wraps ErrMalformed and says what is wrong.
//
// A header named in both headers and multiValueHeaders gets the values of
// multiValueHeaders, then the value of headers if it is not already among
// them: AWS documents the merge into one list and that a pair given in
// both appears once.
func ParseProxyResponse(payload []byte) (*ProxyResponse, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(payload, &obj); err != nil || obj == nil {
		return nil, malformed("the answer is not one JSON object")
	}
	for k := range obj {
		if !proxyKeys[k] {
			return nil, malformed("unexpected key %q (allowed: statusCode, headers, multiValueHeaders, body, isBase64Encoded)", k)
		}
	}
	out := &ProxyResponse{Header: http.Header{}}
	var err error
	if out.Status, err = parseStatus(obj["statusCode"]); err != nil {
		return nil, err
	}
	if err := parseHeaders(obj["headers"], obj["multiValueHeaders"], out.Header); err != nil {
		return nil, err
	}
	if raw, ok := obj["body"]; ok && !isNull(raw) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, malformed("body is not a string (serialize it, e.g. JSON.stringify)")
		}
		out.Body = []byte(s)
	}
	if raw, ok := obj["isBase64Encoded"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &out.Base64); err != nil {
			return nil, malformed("isBase64Encoded is not a boolean")
		}
	}
	return out, nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

func parseStatus(raw json.RawMessage) (int, error) {
	if raw == nil || isNull(raw) {
		return 0, malformed("no statusCode")
	}
	text := string(raw)
	if text[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, malformed("statusCode %s is not a number", raw)
		}
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 100 || n > 599 {
		return 0, malformed("statusCode %s is not an HTTP status (100-599)", raw)
	}
	return n, nil
}

// scalar is a header value: a string, or a number or boolean taken as its text.
func scalar(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case '{', '[', 'n':
		return "", false
	}
	return string(raw), true
}

func parseHeaders(single, multi json.RawMessage, h http.Header) error {
	if multi != nil && !isNull(multi) {
		var m map[string][]json.RawMessage
		if err := json.Unmarshal(multi, &m); err != nil {
			return malformed("multiValueHeaders is not an object of arrays")
		}
		for k, vs := range m {
			for _, raw := range vs {
				v, ok := scalar(raw)
				if !ok {
					return malformed("multiValueHeaders[%q] holds %s, not a string", k, raw)
				}
				h.Add(k, v)
			}
		}
	}
	if single != nil && !isNull(single) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(single, &m); err != nil {
			return malformed("headers is not an object")
		}
		for k, raw := range m {
			v, ok := scalar(raw)
			if !ok {
				return malformed("headers[%q] is %s, not a string", k, raw)
			}
			if !contains(h.Values(k), v) {
				h.Add(k, v)
			}
		}
	}
	return nil
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// decodeBody is the body the client gets: a base64 body is decoded when the
// first type the client accepts, or the type the function answers, is one
// of the binary media types; otherwise the base64 text passes through.
func (r *ProxyResponse) decodeBody(binary binarymedia.Types, accept string) ([]byte, error) {
	if !r.Base64 || !(binary.Match(binarymedia.FirstAccept(accept)) || binary.Match(r.Header.Get("Content-Type"))) {
		return r.Body, nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(r.Body)))
	if err != nil {
		return nil, malformed("isBase64Encoded is true but body is not base64: %v", err)
	}
	return b, nil
}
