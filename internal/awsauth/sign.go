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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// UnsignedPayload is the payload hash for bodies that are streamed rather
// than hashed first; S3 accepts it, most other services do not.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// EmptyPayloadHash is the SHA-256 of an empty body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

var signer = v4.NewSigner(func(o *v4.SignerOptions) {
	// S3 signs the path as sent; other services expect the SDK's default
	// double escaping. Callers pick with the service name.
	o.DisableURIPathEscaping = false
})

var s3Signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })

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
	s := signer
	if service == "s3" {
		s = s3Signer
		req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	}
	if err := s.SignHTTP(ctx, creds, req, payloadHash, service, region, now); err != nil {
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
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.ContentLength = int64(len(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
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
