package awsauth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// UnsignedPayload is the payload hash for bodies that are streamed rather
// than hashed first; S3 accepts it, most other services do not.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// EmptyPayloadHash is the SHA-256 of an empty body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// signers holds one SDK signer per credential set and service kind. The
// SDK's signer caches derived signing keys by access key id alone, so a
// signer shared across credentials would, after a kvm entry's secret is
// corrected under the same access key id, go on signing with the old secret
// until midnight UTC. Keying signers by a hash of the whole credential set
// keeps the SDK's cache and makes that staleness impossible.
var signers = struct {
	sync.Mutex
	m map[[sha256.Size]byte]*v4.Signer
}{m: map[[sha256.Size]byte]*v4.Signer{}}

// maxSigners bounds the map: assumed-role credentials change every hour,
// so old entries are dropped wholesale now and then.
const maxSigners = 256

func signerFor(creds aws.Credentials, service string) *v4.Signer {
	h := sha256.New()
	if service == "s3" {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}
	for _, part := range []string{creds.AccessKeyID, creds.SecretAccessKey} {
		h.Write([]byte{byte(len(part) >> 8), byte(len(part))})
		h.Write([]byte(part))
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	signers.Lock()
	defer signers.Unlock()
	if s, ok := signers.m[key]; ok {
		return s
	}
	if len(signers.m) >= maxSigners {
		clear(signers.m)
	}
	s := v4.NewSigner(func(o *v4.SignerOptions) {
		// S3 signs the path as sent; other services escape it once more.
		o.DisableURIPathEscaping = service == "s3"
	})
	signers.m[key] = s
	return s
}

// PayloadHash returns the hex SHA-256 of body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Sign signs req in place with SigV4 for service and region, using the SDK
// signer. payloadHash is the hex SHA-256 of the body or UnsignedPayload. S3
// requests also carry X-Amz-Content-Sha256, which S3 requires.
func Sign(ctx context.Context, req *http.Request, payloadHash string, creds aws.Credentials, service, region string) error {
	return signAt(ctx, req, payloadHash, creds, service, region, time.Now())
}

func signAt(ctx context.Context, req *http.Request, payloadHash string, creds aws.Credentials, service, region string, now time.Time) error {
	switch {
	case payloadHash == "":
		return errors.New("awsauth: sign: payload hash is empty (use PayloadHash or UnsignedPayload)")
	case service == "" || region == "":
		return fmt.Errorf("awsauth: sign: service %q and region %q must both be set", service, region)
	case !creds.HasKeys():
		return errors.New("awsauth: sign: credentials have no access key")
	}
	if service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	}
	if err := signerFor(creds, service).SignHTTP(ctx, creds, req, payloadHash, service, region, now); err != nil {
		return fmt.Errorf("awsauth: sign %s request: %w", service, err)
	}
	return nil
}

// Transport signs every request it sends. The body is read and hashed
// unless the request carries X-Amz-Content-Sha256: UNSIGNED-PAYLOAD (S3
// streaming uploads), in which case it streams through untouched.
type Transport struct {
	// Base sends the signed request; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Credentials supplies credentials per request; a CredentialsCache keeps
	// this cheap.
	Credentials aws.CredentialsProvider
	// Service and Region scope the signature.
	Service, Region string
}

var _ http.RoundTripper = (*Transport)(nil)

// RoundTrip signs a clone of req and sends it.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	creds, err := t.Credentials.Retrieve(req.Context())
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("awsauth: credentials: %w", err)
	}
	out := req.Clone(req.Context())
	hash := req.Header.Get("X-Amz-Content-Sha256")
	if hash != UnsignedPayload {
		body, err := readBody(req)
		if err != nil {
			return nil, err
		}
		hash = PayloadHash(body)
		out.ContentLength = int64(len(body))
		if len(body) == 0 {
			// NoBody, not an empty reader: with a non-nil body of length 0
			// the client would send chunked encoding.
			out.Body, out.GetBody = http.NoBody, func() (io.ReadCloser, error) { return http.NoBody, nil }
		} else {
			out.Body = io.NopCloser(bytes.NewReader(body))
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
	}
	if err := Sign(req.Context(), out, hash, creds, t.Service, t.Region); err != nil {
		closeBody(req)
		return nil, err
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}

func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("awsauth: read body to sign: %w", err)
	}
	return b, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
