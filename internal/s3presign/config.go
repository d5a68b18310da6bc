package s3presign

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Extension is the operation-level extension this package reads.
const Extension = "x-ferry-s3-presign"

// DefaultExpires is the URL lifetime when expiresSeconds is unset: the
// AWS SDKs' own default for presigned URLs.
const DefaultExpires = 900

// maxExpires is S3's limit for SigV4 presigned URLs: seven days.
const maxExpires = 7 * 24 * 3600

// Config is the x-ferry-s3-presign extension of one operation.
type Config struct {
	// ThresholdBytes redirects a call whose request Content-Length is
	// above it; calls of unknown length (chunked) are not redirected.
	// Required unless Always is set.
	ThresholdBytes int64 `json:"thresholdBytes,omitempty"`
	// ExpiresSeconds is how long the presigned URL stays valid; 0 means
	// DefaultExpires, at most 604800 (S3's limit).
	ExpiresSeconds int `json:"expiresSeconds,omitempty"`
	// Always redirects every call, whatever its size: for downloads, whose
	// size ferry cannot know before calling S3.
	Always bool `json:"always,omitempty"`
}

// ParseConfig decodes and checks the extension's value, rejecting unknown
// fields so that a misspelt setting is not silently ignored.
func ParseConfig(raw []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("%s: %w", Extension, err)
	}
	switch {
	case c.ThresholdBytes < 0:
		return Config{}, fmt.Errorf("%s.thresholdBytes: %d is negative", Extension, c.ThresholdBytes)
	case c.ThresholdBytes == 0 && !c.Always:
		return Config{}, fmt.Errorf("%s: set thresholdBytes, or always: true", Extension)
	case c.ExpiresSeconds < 0 || c.ExpiresSeconds > maxExpires:
		return Config{}, fmt.Errorf("%s.expiresSeconds: %d is not between 1 and %d", Extension, c.ExpiresSeconds, maxExpires)
	}
	if c.ExpiresSeconds == 0 {
		c.ExpiresSeconds = DefaultExpires
	}
	return c, nil
}

var errNotObject = errors.New("the integration is not an S3 object call (type AWS, uri arn:aws:apigateway:REGION:s3:path/...)")
