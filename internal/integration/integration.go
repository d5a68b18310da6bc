package integration

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// Request is the integration request after parameter mappings and the
// request template.
type Request struct {
	// Method is the HTTP method toward the backend.
	Method string
	// URL is the backend URL with path parameters, stage variables and
	// query-string mappings applied; nil for MOCK.
	URL *url.URL
	// Header holds the integration request headers.
	Header http.Header
	// Body is the buffered payload (the rendered template or passed-through body).
	Body []byte
	// Stream, when non-nil, is the client's body streamed through instead of
	// Body (HTTP_PROXY with nothing needing the body buffered).
	Stream io.Reader
	// ContentLength is Stream's length, -1 when unknown.
	ContentLength int64
	// PathParams are the integration.request.path.* values, escaped for a
	// path. HTTP backends find them already in URL; AWS service backends
	// fill them into the path of an arn:...:path/ URI.
	PathParams map[string]string
	// Query are the integration.request.querystring.* values (URL carries
	// them too for HTTP backends; AWS query-protocol calls put them in the form body).
	Query url.Values
	// Proxy is the whole method request; set for AWS_PROXY only.
	Proxy *ProxyRequest
}

// Response is a backend's answer.
type Response struct {
	// Status is the backend's HTTP status (or the MOCK's statusCode).
	Status int
	// Header holds the backend's headers, hop-by-hop ones removed; may be nil.
	Header http.Header
	// Body is the buffered payload; empty when Stream is set.
	Body []byte
	// Stream is the backend's body still to be read; the caller closes it.
	Stream io.ReadCloser
}

// Backend calls one integration.
type Backend func(ctx context.Context, req *Request) (*Response, error)

// Config is what a factory builds a backend from.
type Config struct {
	// Integration is the method's integration definition.
	Integration *model.Integration
	// Where names the method in errors ("GET /pets").
	Where string
	// Transport sends HTTP requests; nil uses SharedTransport.
	Transport http.RoundTripper
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// Stream asks an HTTP_PROXY backend to pass bodies through unbuffered.
	Stream bool
	// APIID and Stage name where the integration is served; AWS backends
	// look up kvm:MAP/ENTRY credentials in that stage's and API's scopes.
	// Stage is empty for import-time checks and test-invoke.
	APIID, Stage string
	// StageVariables are the stage's variables, for backends that resolve
	// ${stageVariables.NAME} in an AWS URI once per deployment: empty, not
	// nil, for a stage without variables; nil in import-time checks.
	StageVariables map[string]string
}

// Factory builds a backend for one integration, validating its
// configuration up front.
type Factory func(cfg Config) (Backend, error)

// Factories maps an integration type to its factory.
type Factories map[string]Factory

// Defaults returns the factories of the integration types ferry's core
// serves. Callers add AWS, AWS_PROXY and others to the returned map.
func Defaults() Factories {
	return Factories{
		model.IntegrationMock:      NewMock,
		model.IntegrationHTTP:      NewHTTP,
		model.IntegrationHTTPProxy: NewHTTP,
	}
}

// Build finds the factory for cfg's integration type and builds the backend.
func (f Factories) Build(cfg Config) (Backend, error) {
	typ := cfg.Integration.Type
	fac, ok := f[typ]
	if !ok {
		known := make([]string, 0, len(f))
		for k := range f {
			known = append(known, k)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("integration.type %q is not supported (supported: %s)", typ, strings.Join(known, ", "))
	}
	return fac(cfg)
}

var (
	sharedOnce      sync.Once
	sharedTransport *http.Transport
)

// SharedTransport is the transport backends use when none is configured:
// one per process, so that recompiling a stage on every deployment keeps
// the same connection pools instead of leaking new ones.
func SharedTransport() *http.Transport {
	sharedOnce.Do(func() {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// A gateway talks to few backends over many concurrent requests:
		// net/http's default of 2 idle connections per host makes it close
		// and re-dial a connection for nearly every request under load.
		t.MaxIdleConns = 4096
		t.MaxIdleConnsPerHost = 1024
		sharedTransport = t
	})
	return sharedTransport
}

// timeoutOf is the integration's timeout.
func timeoutOf(i *model.Integration) time.Duration {
	return time.Duration(i.Timeout()) * time.Millisecond
}
