package testenv

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// FrontConfig configures an AWSFront.
type FrontConfig struct {
	// Upstream is the base URL of the server behind the front (goaws, kinesalite,
	// dynalite, serverless-offline, MinIO). Required.
	Upstream string
	// Service is the signing name every request must be scoped to ("sns", "sqs",
	// "s3", "sts", "kinesis", "dynamodb", "lambda"). Required.
	Service string
	// Region every request must be scoped to. Empty means "us-east-1".
	Region string
	// Credentials are trusted in addition to those already in Registry.
	Credentials map[string]Cred
	// Registry is shared between fronts so temporary credentials that an STS
	// front registers verify everywhere. Nil gives the front a registry of its own.
	Registry *Credentials
	// Roles, for an STS front, maps each role ARN AssumeRole may name to the
	// ExternalId it requires ("" for none). Other roles are refused.
	Roles map[string]string
	// Now is the clock requests are checked against; nil means time.Now.
	Now func() time.Time
}

// RecordedRequest is a request the front accepted and forwarded.
type RecordedRequest struct {
	Method string
	// Path is the escaped path, RawQuery the query string, as received.
	Path, RawQuery string
	Header         http.Header
	Body           []byte
	// AccessKey is the key that signed the request.
	AccessKey string
}

// Refusal is a request the front refused, kept so a failing test can show why.
type Refusal struct {
	Method, Path string
	Status       int
	Code         string
	Message      string
}

// AWSFront is a reverse proxy on 127.0.0.1 that verifies every request's SigV4
// signature, using the SDK's signer, before passing it to Upstream unchanged
// (Host included, so MinIO's own verification still holds). Refusals carry
// AWS's codes in the guarded service's protocol.
type AWSFront struct {
	// URL is the front's base URL, http://127.0.0.1:PORT: the endpoint to give
	// the client under test.
	URL string

	cfg      FrontConfig
	registry *Credentials
	verifier *verifier
	proxy    *httputil.ReverseProxy
	seq      atomic.Int64

	mu       sync.Mutex
	accepted []RecordedRequest
	refused  []Refusal
}

// maxBody bounds what the front buffers to hash; test payloads are far smaller.
const maxBody = 64 << 20

// NewAWSFront starts a front before cfg.Upstream and closes it when the test
// ends. Configuration errors fail the test at once.
func NewAWSFront(t testing.TB, cfg FrontConfig) *AWSFront {
	t.Helper()
	f, err := newFront(cfg)
	if err != nil {
		t.Fatalf("testenv: AWSFront: %v", err)
	}
	srv := httptest.NewServer(f)
	f.URL = srv.URL
	t.Cleanup(func() {
		srv.Close()
		if t.Failed() {
			for _, r := range f.Refused() {
				t.Logf("testenv: %s front refused %s %s: %d %s: %s", cfg.Service, r.Method, r.Path, r.Status, r.Code, r.Message)
			}
		}
	})
	return f
}

func newFront(cfg FrontConfig) (*AWSFront, error) {
	up, err := url.Parse(cfg.Upstream)
	if err != nil || up.Scheme == "" || up.Host == "" {
		return nil, fmt.Errorf("upstream %q is not an absolute URL", cfg.Upstream)
	}
	if cfg.Service == "" {
		return nil, fmt.Errorf("service (the signing name) is required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.Roles) > 0 && cfg.Service != "sts" {
		return nil, fmt.Errorf("roles are only checked by an sts front, not %q", cfg.Service)
	}
	reg := cfg.Registry
	if reg == nil {
		reg = NewCredentials(nil)
	}
	for k, c := range cfg.Credentials {
		if k == "" || c.SecretKey == "" {
			return nil, fmt.Errorf("credential %q: access key and secret key are required", k)
		}
		reg.Add(k, c)
	}
	f := &AWSFront{cfg: cfg, registry: reg, verifier: newVerifier(cfg.Service, cfg.Region, reg, cfg.Now)}
	f.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(up)
			// The upstream may verify the signature too (MinIO): keep the signed Host.
			pr.Out.Host = pr.In.Host
		},
	}
	if cfg.Service == "sts" {
		f.proxy.ModifyResponse = f.registerAssumedRole
	}
	return f, nil
}

// Registry returns the credential registry the front trusts, to share with
// other fronts through FrontConfig.Registry.
func (f *AWSFront) Registry() *Credentials { return f.registry }

// Requests returns the requests accepted so far, in arrival order.
func (f *AWSFront) Requests() []RecordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]RecordedRequest(nil), f.accepted...)
}

// Refused returns the requests refused so far, in arrival order.
func (f *AWSFront) Refused() []Refusal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Refusal(nil), f.refused...)
}

// ServeHTTP verifies, records and forwards one request.
func (f *AWSFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := "ferry-front-" + strconv.FormatInt(f.seq.Add(1), 10)
	proto := protocolOf(f.cfg.Service, r)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		f.refuse(w, r, proto, requestID, &awsError{Status: http.StatusBadRequest, Code: "InvalidRequest",
			Message: fmt.Sprintf("request body unreadable or over %d bytes", maxBody)})
		return
	}
	accessKey, aerr := f.verifier.verify(r, body)
	if aerr == nil && f.cfg.Service == "sts" {
		aerr = f.checkAssumeRole(r, body)
	}
	if aerr != nil {
		f.refuse(w, r, proto, requestID, aerr)
		return
	}
	f.mu.Lock()
	f.accepted = append(f.accepted, RecordedRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body, AccessKey: accessKey,
	})
	f.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	f.proxy.ServeHTTP(w, r)
}

func (f *AWSFront) refuse(w http.ResponseWriter, r *http.Request, p protocol, requestID string, e *awsError) {
	f.mu.Lock()
	f.refused = append(f.refused, Refusal{Method: r.Method, Path: r.URL.Path, Status: e.statusFor(p),
		Code: codeFor(p, e.Code), Message: e.Message})
	f.mu.Unlock()
	e.write(w, p, requestID)
}
