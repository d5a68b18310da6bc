package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integrationrequest"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/integrationresponse"
	"github.com/ferrygw/ferry/internal/mappingtemplate"
	"github.com/ferrygw/ferry/internal/methodrequest"
	"github.com/ferrygw/ferry/internal/reqctx"
)

// Entry is what the serve loop knows about a request before the pipeline.
type Entry struct {
	Path         string // the path after the stage or base path, as on the wire ("/pets/1", "/" at the root)
	DomainName   string // Host without port
	DomainPrefix string
	RequestID    string
	SourceIP     string // already resolved (trusted proxies handled by the caller)
	Start        time.Time
	// ClientCert is the verified client certificate under mutual TLS, nil otherwise.
	ClientCert *reqctx.ClientCert
}

// Result is what the serve loop logs about a request.
type Result struct {
	Status             int
	ResourcePath       string // "/pets/{id}" or "" when no route matched
	IntegrationLatency time.Duration
	Err                error // the internal reason behind a 5xx (for the log), nil otherwise
}

// clfTime is the Common Log Format time of $context.requestTime.
const clfTime = "02/Jan/2006:15:04:05 -0700"

// exchange is one request's state through the pipeline.
type exchange struct {
	s     *Stage
	op    *operation
	r     *http.Request
	e     *Entry
	rc    *reqctx.Context
	vals  mapping.Values
	tin   *mappingtemplate.Input
	trace *tracer // nil outside test-invoke
	res   Result

	// ctxv and tinv hold what rc and tin point to, so that one allocation
	// per request carries the exchange, its $context and its template input.
	ctxv reqctx.Context
	tinv mappingtemplate.Input
}

// Serve runs one request through the stage's pipeline and writes the answer.
func (s *Stage) Serve(w http.ResponseWriter, r *http.Request, e *Entry) Result {
	x := &exchange{s: s, r: r, e: e}
	x.serve(w)
	return x.res
}

func (x *exchange) serve(w http.ResponseWriter) {
	s, r := x.s, x.r
	if x.e.RequestID != "" {
		// API Gateway's spelling, kept as is: clients grep for it.
		w.Header()["x-amzn-RequestId"] = []string{x.e.RequestID}
	}
	x.fillContext(&x.ctxv)
	x.rc = &x.ctxv
	x.vals.Context = x.rc
	x.vals.StageVariables = s.vars
	x.vals.Header = r.Header
	x.vals.Host = r.Host
	if s.offline {
		x.fail(w, &gatewayresponse.Error{Type: gatewayresponse.Default5XX, Status: http.StatusServiceUnavailable, Message: "Service Unavailable"})
		return
	}
	path := x.e.Path
	if path == "" {
		path = "/"
	}
	idx, params := s.router.Match(path)
	if idx >= 0 {
		x.op = s.resources[idx].find(r.Method)
	}
	if x.op == nil {
		x.fail(w, gatewayresponse.New(gatewayresponse.MissingAuthenticationToken, nil))
		return
	}
	op := x.op
	x.res.ResourcePath = op.resourcePath
	x.rc.ResourcePath, x.rc.ResourceID = op.resourcePath, op.resourceID
	x.vals.Greedy = op.greedy
	if len(params) > 0 {
		x.vals.Path = make(map[string]string, len(params))
		for _, p := range params {
			x.vals.Path[p.Name] = p.Value
		}
	}
	if !op.plain {
		x.vals.Query = r.URL.Query()
	}
	x.trace.methodRequest(x)
	if len(op.guards) > 0 && x.trace == nil {
		if err := x.guard(w); err != nil {
			x.fail(w, err)
			return
		}
	}
	if op.bufferBody {
		b, err := s.readRequestBody(r)
		if err != nil {
			x.fail(w, err)
			return
		}
		x.vals.Body = b
		if x.trace != nil {
			x.trace.logf("Method request body before transformations: %s", b)
		}
	}
	if op.validator != nil {
		err := op.validator.Validate(&methodrequest.Request{
			Path: x.vals.Path, Query: x.vals.Query, Header: r.Header,
			ContentType: r.Header.Get("Content-Type"), Body: x.vals.Body,
		})
		if err != nil {
			if x.trace != nil {
				x.trace.logf("Request validation failed: %v", gatewayresponse.From(err).Message)
			}
			x.fail(w, err)
			return
		}
	}
	if op.bufferBody {
		if err := x.convertRequest(); err != nil {
			x.fail(w, err)
			return
		}
	}
	x.tinv = mappingtemplate.Input{
		Body: x.vals.Body, Path: x.vals.Path, Query: x.vals.Query, Header: r.Header,
		StageVariables: s.vars, Context: x.rc, KVM: s.kvm,
	}
	x.tin = &x.tinv
	in := &integrationrequest.Input{
		Values: &x.vals, HTTPMethod: r.Method, RawQuery: r.URL.RawQuery,
		Template: x.tin, ContentLength: r.ContentLength,
	}
	if !op.bufferBody {
		in.Stream = r.Body
	}
	ireq, err := op.request.Build(r.Context(), in)
	if err != nil {
		x.fail(w, err)
		return
	}
	if op.proxyEvent {
		ireq.Proxy = x.proxyRequest()
	}
	x.trace.endpointRequest(ireq)
	t0 := time.Now()
	resp, err := op.backend(r.Context(), ireq)
	x.res.IntegrationLatency = time.Since(t0)
	if err != nil {
		x.fail(w, err)
		return
	}
	if op.selector == nil {
		x.proxyResponse(w, resp)
		return
	}
	x.methodResponse(w, resp)
}

// fillContext fills $context from the entry and the request.
func (x *exchange) fillContext(c *reqctx.Context) {
	start := x.e.Start
	if start.IsZero() {
		start = x.s.opt.now()
	}
	*c = reqctx.Context{
		RequestID:         x.e.RequestID,
		ExtendedRequestID: x.e.RequestID,
		APIID:             x.s.apiID,
		Stage:             x.s.name,
		HTTPMethod:        x.r.Method,
		Path:              "/" + x.s.name + x.e.Path,
		Protocol:          "HTTP/1.1",
		RequestTime:       requestTime(start),
		RequestTimeEpoch:  start.UnixMilli(),
		DomainName:        x.e.DomainName,
		DomainPrefix:      x.e.DomainPrefix,
		AccountID:         x.s.opt.AccountID,
		Identity: reqctx.Identity{
			SourceIP:   x.e.SourceIP,
			UserAgent:  x.r.Header.Get("User-Agent"),
			ClientCert: x.e.ClientCert,
		},
	}
}

func readBody(body io.Reader, limit int64) ([]byte, error) {
	if body == nil || body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, gatewayresponse.New(gatewayresponse.RequestTooLarge, fmt.Errorf("request body larger than %d bytes", limit))
	}
	return b, nil
}

// proxyResponse streams a proxy integration's answer back unchanged.
func (x *exchange) proxyResponse(w http.ResponseWriter, resp *integration.Response) {
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	x.trace.endpointResponse(resp)
	w.WriteHeader(resp.Status)
	x.res.Status = resp.Status
	if resp.Stream != nil {
		defer resp.Stream.Close()
		dst := io.Writer(w)
		if resp.Header.Get("Content-Length") == "" {
			// A body of unknown length is often a stream (server-sent
			// events, long polls): pass each chunk on as it arrives.
			dst = &flushWriter{w: w, rc: http.NewResponseController(w)}
		}
		buf := copyBuffers.Get().(*[]byte)
		_, err := io.CopyBuffer(dst, resp.Stream, *buf)
		copyBuffers.Put(buf)
		if err != nil && x.r.Context().Err() == nil {
			x.res.Err = fmt.Errorf("streaming the integration response: %w", err)
		}
		return
	}
	_, _ = w.Write(resp.Body)
	if x.trace != nil {
		x.trace.logf("Method response body after transformations: %s", resp.Body)
	}
}

// methodResponse selects and applies the integration response.
func (x *exchange) methodResponse(w http.ResponseWriter, resp *integration.Response) {
	if resp.Stream != nil && x.op.streaming.ok && x.trace == nil && x.streamMethodResponse(w, resp) {
		return
	}
	if resp.Stream != nil {
		b, err := readBody(resp.Stream, integration.MaxBufferedResponse)
		resp.Stream.Close()
		if err != nil {
			x.fail(w, gatewayresponse.Internal(err))
			return
		}
		resp.Body = b
	}
	x.trace.endpointResponse(resp)
	ir, key, err := x.op.selector.Select(resp.Status, resp.Header, resp.Body)
	if err != nil {
		x.fail(w, err)
		return
	}
	if err := x.convertResponse(ir.Status, resp); err != nil {
		x.fail(w, err)
		return
	}
	x.vals.RespHeader, x.vals.RespBody = resp.Header, resp.Body
	x.tin.Body = resp.Body
	out, err := ir.Apply(x.r.Context(), &integrationresponse.Input{
		Values: &x.vals, Accept: x.r.Header.Get("Accept"), Template: x.tin,
	})
	if err != nil {
		x.fail(w, err)
		return
	}
	if x.trace != nil {
		x.trace.logf("Selected integration response %d for selection key %q", ir.Status, key)
	}
	if x.trace != nil {
		x.trace.logf("Method response body after transformations: %s", out.Body)
	}
	x.trace.headers("Method response headers", out.Header)
	h := w.Header()
	for k, vs := range out.Header {
		h[k] = vs
	}
	h.Set("Content-Length", strconv.Itoa(len(out.Body)))
	w.WriteHeader(out.Status)
	_, _ = w.Write(out.Body)
	x.res.Status = out.Status
}

// fail answers err through the API's gateway responses.
func (x *exchange) fail(w http.ResponseWriter, err error) {
	ge := gatewayresponse.From(err)
	if ge.Cause != nil {
		if x.trace != nil {
			x.trace.logf("Execution failed due to configuration error: %v", ge.Cause)
		}
	} else {
		if x.trace != nil {
			x.trace.logf("Execution failed: %s %s", ge.Type, ge.Message)
		}
	}
	req := &gatewayresponse.Request{Accept: x.r.Header.Get("Accept")}
	if x.rc != nil {
		req.Values = &x.vals
		req.Template = x.tin
		if req.Template == nil {
			req.Template = &mappingtemplate.Input{
				Path: x.vals.Path, Query: x.vals.Query, Header: x.r.Header,
				StageVariables: x.s.vars, KVM: x.s.kvm,
			}
		}
	}
	ctx := x.r.Context()
	if errors.Is(ctx.Err(), context.Canceled) {
		ctx = context.WithoutCancel(ctx)
	}
	status, rerr := x.s.responses.Write(ctx, w, ge, req)
	x.res.Status = status
	if status >= 500 {
		x.res.Err = err
		if ge.Cause != nil {
			x.res.Err = ge.Cause
		}
	}
	if rerr != nil {
		if x.trace != nil {
			x.trace.logf("Gateway response template failed: %v", rerr)
		}
		x.res.Err = errors.Join(x.res.Err, rerr)
	}
}

// flushWriter flushes after every write.
type flushWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (f *flushWriter) Write(b []byte) (int, error) {
	n, err := f.w.Write(b)
	if err == nil {
		// A writer that cannot flush still got the bytes; nothing to report.
		_ = f.rc.Flush()
	}
	return n, err
}

// copyBuffers recycles the buffers proxied bodies stream through, which
// would otherwise be the largest allocation of a proxied request.
var copyBuffers = sync.Pool{New: func() any {
	b := make([]byte, 32<<10)
	return &b
}}

// guard runs the operation's guards; headers they add go on every answer.
func (x *exchange) guard(w http.ResponseWriter) error {
	g := &GuardRequest{
		HTTP: x.r, Entry: x.e, APIID: x.s.apiID, Stage: x.s.name,
		ResourcePath: x.op.resourcePath, HTTPMethod: x.op.httpMethod,
		PathParams: x.vals.Path, StageVariables: x.s.vars, Context: x.rc,
		Header: w.Header(),
	}
	for _, run := range x.op.guards {
		if err := run(x.r.Context(), g); err != nil {
			return err
		}
	}
	return nil
}
