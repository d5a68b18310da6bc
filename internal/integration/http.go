package integration

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// MaxBufferedResponse bounds a buffered backend answer: API Gateway's 10 MB payload limit.
const MaxBufferedResponse = 10 << 20

var errTimeout = errors.New("integration timed out")

// NewHTTP builds an HTTP or HTTP_PROXY backend. The URI is checked here;
// its {placeholders} are filled by the integration request step.
func NewHTTP(cfg Config) (Backend, error) {
	in := cfg.Integration
	u, err := url.Parse(strings.NewReplacer("{", "x", "}", "x", "$", "x").Replace(in.URI))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("integration.uri %q is not an http(s) URL", in.URI)
	}
	rt := cfg.Transport
	if rt == nil {
		rt = SharedTransport()
	}
	if in.TLSConfig != nil && in.TLSConfig.InsecureSkipVerification {
		t, ok := rt.(*http.Transport)
		if !ok {
			return nil, fmt.Errorf("integration.tlsConfig.insecureSkipVerification needs an *http.Transport")
		}
		t = t.Clone()
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{}
		}
		t.TLSClientConfig.InsecureSkipVerify = true
		rt = t
	}
	h := &httpBackend{rt: rt, timeout: timeoutOf(in), stream: cfg.Stream && in.Type == model.IntegrationHTTPProxy}
	return h.call, nil
}

type httpBackend struct {
	rt      http.RoundTripper
	timeout time.Duration
	stream  bool
}

func (h *httpBackend) call(ctx context.Context, req *Request) (*Response, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(h.timeout, func() { cancel(errTimeout) })
	// A request without a body (most GETs: the stream is http.NoBody and
	// its length 0) is sent with NoBody below, so it gets no reader and no
	// clientBody: they would be allocated for every call and never read.
	var body io.Reader
	length := int64(len(req.Body))
	var upload *clientBody
	switch {
	case req.Stream != nil && req.ContentLength != 0:
		upload = &clientBody{r: req.Stream, failed: make(chan struct{})}
		body, length = upload, req.ContentLength
	case req.Stream != nil:
		length = 0
	case length > 0:
		body = bytes.NewReader(req.Body)
	}
	// req.URL was parsed when it was built: printing it only for
	// NewRequest to parse it again cost four allocations a call. The
	// transport reads the URL and never changes it, so it is shared.
	out, err := http.NewRequestWithContext(ctx, req.Method, "", body)
	if err != nil {
		timer.Stop()
		cancel(nil)
		return nil, gatewayresponse.Internal(fmt.Errorf("integration request: %w", err))
	}
	out.URL = req.URL
	out.Host = strings.TrimSuffix(req.URL.Host, ":")
	out.ContentLength = length
	if length == 0 {
		out.Body = http.NoBody
	}
	out.Header = outgoingHeader(req.Header)
	if host := out.Header.Get("Host"); host != "" {
		out.Host = host
		out.Header.Del("Host")
	}
	resp, err := h.rt.RoundTrip(out)
	if err != nil {
		timer.Stop()
		cause := context.Cause(ctx)
		cancel(nil)
		if ce := upload.clientError(cause); ce != nil {
			return nil, ce
		}
		return nil, callError(cause, err)
	}
	removeHopByHop(resp.Header)
	if h.stream {
		// The timeout bounds the wait for the answer's head; once it
		// arrives the body streams for as long as the client reads.
		if !timer.Stop() {
			resp.Body.Close()
			cancel(nil)
			return nil, gatewayresponse.New(gatewayresponse.IntegrationTimeout, errTimeout)
		}
		return &Response{Status: resp.StatusCode, Header: resp.Header, Stream: &cancelOnClose{resp.Body, cancel}}, nil
	}
	defer cancel(nil)
	defer timer.Stop()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBufferedResponse+1))
	resp.Body.Close()
	if err != nil {
		return nil, callError(context.Cause(ctx), err)
	}
	if len(b) > MaxBufferedResponse {
		return nil, gatewayresponse.Internal(fmt.Errorf("integration response larger than %d bytes", MaxBufferedResponse))
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// clientBody is a streamed client body that remembers how reading it
// failed. The transport reports a failed upload as its own error (often
// just the canceled context), but when the client's side already decided
// the answer (the listener's 408 for a client that stalls or trickles
// below limits.minBodyRate) that answer is the right one, not a 500.
type clientBody struct {
	r      io.Reader
	once   sync.Once
	failed chan struct{} // closed when a Read fails; err is then set
	err    error
}

func (b *clientBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.once.Do(func() {
			b.err = err
			close(b.failed)
		})
	}
	return n, err
}

// clientGrace is how long a failed call waits for a body read that is
// failing at the same moment: net/http cancels the request's context from
// inside the very read that fails, so the transport can return first.
const clientGrace = 100 * time.Millisecond

// clientError is the gateway response reading the body failed with, or
// nil. cause is the call's context cause: when the client's side canceled
// the call, the read that tells why may still be returning.
func (b *clientBody) clientError(cause error) *gatewayresponse.Error {
	if b == nil {
		return nil
	}
	select {
	case <-b.failed:
	default:
		if cause == nil || errors.Is(cause, errTimeout) {
			return nil
		}
		t := time.NewTimer(clientGrace)
		defer t.Stop()
		select {
		case <-b.failed:
		case <-t.C:
			return nil
		}
	}
	var ge *gatewayresponse.Error
	if errors.As(b.err, &ge) {
		return ge
	}
	return nil
}

func callError(cause, err error) error {
	switch {
	case errors.Is(cause, errTimeout):
		return gatewayresponse.New(gatewayresponse.IntegrationTimeout, fmt.Errorf("integration: %w", err))
	case cause != nil:
		// The client went away; nobody reads the answer.
		return fmt.Errorf("integration: client canceled: %w", err)
	}
	return gatewayresponse.New(gatewayresponse.IntegrationFailure, fmt.Errorf("integration: %w", err))
}

// CancelOnClose returns body that also ends a call's context when it is
// closed: a streamed answer keeps its call alive until the pipeline is done
// with it.
func CancelOnClose(body io.ReadCloser, cancel context.CancelCauseFunc) io.ReadCloser {
	return &cancelOnClose{body, cancel}
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel(nil)
	return err
}

// hopByHop are the headers that belong to one connection, not to the
// message (RFC 9110 section 7.6.1).
var hopByHop = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// removeHopByHop deletes the hop-by-hop headers and those Connection names.
// The fixed names are already canonical, so they are deleted from the map
// directly: Header.Del would canonicalize each of them again on every call.
func removeHopByHop(h http.Header) {
	if len(h) == 0 {
		return
	}
	for _, f := range h["Connection"] {
		for name := range strings.SplitSeq(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopByHop {
		delete(h, name)
	}
}

// outgoingHeader is the header to send for h: h itself when it holds no
// hop-by-hop header and no Host, which is the common case, and otherwise
// a copy without them. h is never changed, as the caller may still use it.
func outgoingHeader(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	clean := true
	if _, ok := h["Host"]; ok {
		clean = false
	}
	for _, name := range hopByHop {
		if _, ok := h[name]; ok {
			clean = false
			break
		}
	}
	if clean {
		return h
	}
	out := h.Clone()
	removeHopByHop(out)
	return out
}
