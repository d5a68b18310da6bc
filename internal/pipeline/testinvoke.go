package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/router"
)

// TestInvokeRequest follows API Gateway's TestInvokeMethod input, plus the
// method's address.
type TestInvokeRequest struct {
	// HTTPMethod is the method to invoke (GET, POST, ... or ANY).
	HTTPMethod string `json:"httpMethod"`
	// ResourcePath is the resource's path ("/pets/{id}"); ResourceID may be given instead.
	ResourcePath string `json:"resourcePath,omitempty"`
	// ResourceID is the resource's id.
	ResourceID string `json:"resourceId,omitempty"`
	// PathWithQueryString is the request path and query ("/pets/1?x=y"); empty uses the resource path.
	PathWithQueryString string `json:"pathWithQueryString,omitempty"`
	// Body is the request body.
	Body string `json:"body,omitempty"`
	// Headers are single-valued request headers.
	Headers map[string]string `json:"headers,omitempty"`
	// MultiValueHeaders are request headers with all their values.
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	// StageVariables are the $stageVariables of the simulated stage.
	StageVariables map[string]string `json:"stageVariables,omitempty"`
}

// TestInvokeResult follows API Gateway's TestInvokeMethod output.
type TestInvokeResult struct {
	// Status is the method response's status.
	Status int `json:"status"`
	// Body is the method response's body.
	Body string `json:"body"`
	// Headers holds the last value of each response header.
	Headers map[string]string `json:"headers,omitempty"`
	// MultiValueHeaders holds every value of each response header.
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	// Log is the execution log, in API Gateway's style.
	Log string `json:"log"`
	// Latency is the whole call's duration in milliseconds.
	Latency int64 `json:"latency"`
}

// testInvokeStage is the stage name test-invoke runs under, as in API Gateway.
const testInvokeStage = "test-invoke-stage"

// TestInvoke runs one method of api outside any deployment and returns its
// answer with an execution log. The error is for a request that addresses
// nothing or an API that does not compile; a failing backend or mapping is
// an answer (with its reason in the log), not an error.
func TestInvoke(ctx context.Context, api *model.API, req *TestInvokeRequest, opt Options) (*TestInvokeResult, error) {
	res := api.FindResource(req.ResourcePath)
	if req.ResourceID != "" {
		res = api.FindResourceByID(req.ResourceID)
	}
	if res == nil {
		return nil, fmt.Errorf("test invoke: no resource %q", req.ResourcePath+req.ResourceID)
	}
	verb := strings.ToUpper(req.HTTPMethod)
	if res.ResourceMethods[verb] == nil {
		return nil, fmt.Errorf("test invoke: %s has no method %s", res.Path, verb)
	}
	one := &model.API{
		RestAPI: api.RestAPI, Models: api.Models, RequestValidators: api.RequestValidators,
		GatewayResponses: api.GatewayResponses, Resources: []*model.Resource{res},
	}
	st, err := Compile(one, &model.Stage{StageName: testInvokeStage, Variables: req.StageVariables}, opt)
	if err != nil {
		return nil, fmt.Errorf("test invoke: %w", err)
	}
	pathQuery := req.PathWithQueryString
	if pathQuery == "" {
		pathQuery = res.Path
	}
	u, err := url.Parse(pathQuery)
	if err != nil || !strings.HasPrefix(u.Path, "/") {
		return nil, fmt.Errorf("test invoke: pathWithQueryString %q is not a path", req.PathWithQueryString)
	}
	rt, err := router.New([]string{res.Path})
	if err != nil {
		return nil, fmt.Errorf("test invoke: %w", err)
	}
	if idx, _ := rt.Match(u.EscapedPath()); idx != 0 {
		return nil, fmt.Errorf("test invoke: pathWithQueryString %q does not match resource %s", req.PathWithQueryString, res.Path)
	}
	method := verb
	if method == "ANY" {
		method = http.MethodGet
	}
	hr, err := http.NewRequestWithContext(ctx, method, "http://test-invoke"+u.RequestURI(), strings.NewReader(req.Body))
	if err != nil {
		return nil, fmt.Errorf("test invoke: %w", err)
	}
	for k, vs := range req.MultiValueHeaders {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, v)
	}
	now := opt.now
	start := now()
	rid := model.NewID(8) + "-" + model.NewID(4) + "-" + model.NewID(4) + "-" + model.NewID(4) + "-" + model.NewID(12)
	tr := &tracer{now: now}
	rec := &recorder{header: http.Header{}}
	x := &exchange{s: st, r: hr, trace: tr, e: &Entry{
		Path: u.EscapedPath(), RequestID: rid, SourceIP: "test-invoke-source-ip", Start: start,
	}}
	tr.logf("Extended Request Id: %s", rid)
	tr.logf("Starting execution for request: %s", rid)
	x.serve(rec)
	if x.res.Err != nil && !errors.Is(x.res.Err, context.Canceled) {
		tr.logf("Execution failed: %v", x.res.Err)
	} else if x.res.Status < 400 {
		tr.logf("Successfully completed execution")
	}
	tr.logf("Method completed with status: %d", x.res.Status)
	out := &TestInvokeResult{
		Status:            x.res.Status,
		Body:              rec.body.String(),
		Headers:           map[string]string{},
		MultiValueHeaders: map[string][]string{},
		Log:               "Execution log for request " + rid + "\n" + tr.b.String(),
		Latency:           time.Since(start).Milliseconds(),
	}
	for k, vs := range rec.header {
		out.Headers[k] = vs[len(vs)-1]
		out.MultiValueHeaders[k] = vs
	}
	return out, nil
}

// recorder is the ResponseWriter test-invoke answers into.
type recorder struct {
	header http.Header
	status int
	body   strings.Builder
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
