package authorizer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
	"github.com/ferrygw/ferry/internal/router"
)

// TestRequest is a synthetic call to evaluate an authorizer against: API
// Gateway's TestInvokeAuthorizer input.
type TestRequest struct {
	// Headers are single-valued request headers; the identity usually
	// travels here. They win over MultiValueHeaders of the same name.
	Headers map[string]string
	// MultiValueHeaders are request headers with every value.
	MultiValueHeaders map[string][]string
	// PathWithQueryString is the called path with its query ("/pets/7?x=1");
	// empty means "/". It gives the method ARN and, for REQUEST
	// authorizers, the path, path and query parameters of the event.
	PathWithQueryString string
	// Body is accepted for API Gateway's shape; authorizers never see a body.
	Body string
	// StageVariables are the simulated stage's variables, which a Lambda
	// URI and a REQUEST authorizer's identity sources may use.
	StageVariables map[string]string
	// AdditionalContext sets $context values ("identity.sourceIp",
	// "accountId" ...) that REQUEST authorizers may take as identity
	// sources; TestContextKeys lists the names accepted.
	AdditionalContext map[string]string
}

// TestResult is API Gateway's TestInvokeAuthorizer output.
type TestResult struct {
	// ClientStatus is the status a client would have been refused with:
	// 401, 403 or 500, or 0 when the authorizer let the call through.
	ClientStatus int
	// Log is the execution log. It shows identities and keys masked.
	Log string
	// Latency is how long the evaluation took, in milliseconds.
	Latency int64
	// PrincipalID is the Lambda authorizer's principalId or the token's sub.
	PrincipalID string
	// Policy is the policy document a Lambda authorizer returned, as JSON.
	Policy string
	// Authorization holds a Lambda authorizer's context values, which
	// calls see as $context.authorizer.NAME.
	Authorization map[string][]string
	// Claims are a valid token's claims, as $context.authorizer.claims.NAME.
	Claims map[string]string
}

// ErrUnknownAuthorizer is returned by TestInvoke for an authorizer the API
// does not have.
var ErrUnknownAuthorizer = errors.New("unknown authorizer")

// testStage is the stage test calls are made under, as in method test-invoke.
const testStage = "test-invoke-stage"

// TestInvoke evaluates one of api's authorizers, named by id or by name,
// for a synthetic GET of req.PathWithQueryString, the way a call of a
// method it guards would be: a Lambda authorizer is invoked for real with
// its credentials, a token is verified against its issuer's keys (fetched
// and kept as for served calls). Nothing is read from or written to the
// result cache, so every test reaches the authorizer.
//
// Refusals are not errors: they are a TestResult with ClientStatus set and
// the reason in Log. The error is for an authorizer the API lacks
// (ErrUnknownAuthorizer) or a request that cannot be made into a call.
func (a *Authorizers) TestInvoke(ctx context.Context, api *model.API, authorizer string, req *TestRequest) (*TestResult, error) {
	def := findAuthorizer(api, authorizer)
	if def == nil {
		return nil, fmt.Errorf("%w %q: the API's authorizers are %s", ErrUnknownAuthorizer, authorizer, authorizerList(api))
	}
	start := a.opt.now()
	rid := model.NewID(8) + "-" + model.NewID(4) + "-" + model.NewID(4) + "-" + model.NewID(4) + "-" + model.NewID(12)
	g, err := a.testCall(ctx, api, def, req, rid, start)
	if err != nil {
		return nil, err
	}
	tl := &testLog{now: a.opt.now}
	tl.logf("Starting authorizer: %s (%s, %s) for request: %s", def.ID, def.Name, def.Type, rid)
	out := &TestResult{}
	stage := &model.Stage{APIID: api.RestAPI.ID, StageName: testStage, Variables: nonNil(req.StageVariables)}
	ch, err := a.build(api, stage, def)
	if err != nil {
		tl.logf("Execution failed due to configuration error: %v", err)
		out.ClientStatus = http.StatusInternalServerError
	} else {
		switch c := ch.(type) {
		case *lambdaAuth:
			c.cache = nil
			err = c.test(ctx, g, a.testMethod(api, def, g.ResourcePath), tl, out)
		case *jwtAuth:
			c.cache = nil
			err = c.test(ctx, g, tl, out)
		default:
			err = gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s cannot be tested", def.Name))
		}
		conclude(err, rid, tl, out)
	}
	out.Latency = a.opt.now().Sub(start).Milliseconds()
	out.Log = "Execution log for request " + rid + "\n" + tl.b.String()
	return out, nil
}

// findAuthorizer finds an authorizer by id, else by name: ids are made up
// at import, while names are what the OpenAPI document says.
func findAuthorizer(api *model.API, idOrName string) *model.Authorizer {
	for _, au := range api.Authorizers {
		if au.ID == idOrName {
			return au
		}
	}
	for _, au := range api.Authorizers {
		if au.Name == idOrName {
			return au
		}
	}
	return nil
}

func authorizerList(api *model.API) string {
	if len(api.Authorizers) == 0 {
		return "none"
	}
	parts := make([]string, len(api.Authorizers))
	for i, au := range api.Authorizers {
		parts[i] = fmt.Sprintf("%s (id %s)", au.Name, au.ID)
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// testMethod stands for the method a test call would reach: the resource
// the path matched (or the path itself) gives the method ARN's path.
func (a *Authorizers) testMethod(api *model.API, def *model.Authorizer, resourcePath string) *method {
	m := &method{api: api, region: a.opt.Region, path: splitPath(resourcePath)}
	if m.region == "" {
		m.region = regionOf(def)
	}
	return m
}

// conclude turns the outcome of an evaluation into the status and the last
// lines of the log. Causes are ferry's own messages, which name what
// failed but carry no token or key.
func conclude(err error, rid string, tl *testLog, out *TestResult) {
	if err == nil {
		tl.logf("Successfully completed authorizer execution")
		return
	}
	ge := gatewayresponse.From(err)
	out.ClientStatus = ge.StatusCode()
	why := ge.Message
	if ge.Cause != nil {
		why = ge.Cause.Error()
	}
	switch ge.Type {
	case gatewayresponse.Unauthorized:
		tl.logf("Unauthorized request: %s: %s", rid, why)
	case gatewayresponse.AccessDenied:
		tl.logf("The client is not authorized to perform this operation: %s", why)
	case gatewayresponse.AuthorizerConfigError:
		tl.logf("Execution failed due to configuration error: %s", why)
	default:
		tl.logf("Execution failed: %s", why)
	}
	tl.logf("Authorizer completed; a client would get %d %s (%s)", out.ClientStatus, ge.Message, ge.Type)
}

// testCall builds the call an authorizer sees: a GET of the given path,
// matched against the API's resources so that a REQUEST authorizer gets
// the resource and path parameters a real call of it would carry.
func (a *Authorizers) testCall(ctx context.Context, api *model.API, def *model.Authorizer, req *TestRequest, rid string, start time.Time) (*pipeline.GuardRequest, error) {
	pq := req.PathWithQueryString
	if pq == "" {
		pq = "/"
	}
	u, err := url.Parse(pq)
	if err != nil || !strings.HasPrefix(u.Path, "/") || u.Host != "" || u.Scheme != "" {
		return nil, fmt.Errorf("pathWithQueryString %q: want a path starting with / and an optional ?query", req.PathWithQueryString)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://test-invoke"+u.RequestURI(), strings.NewReader(req.Body))
	if err != nil {
		return nil, fmt.Errorf("pathWithQueryString %q: %w", req.PathWithQueryString, err)
	}
	for k, vs := range req.MultiValueHeaders {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, v)
	}
	hr.Host = hr.Header.Get("Host")
	resourcePath, params := u.Path, map[string]string{}
	paths := make([]string, len(api.Resources))
	for i, r := range api.Resources {
		paths[i] = r.Path
	}
	if rt, err := router.New(paths); err == nil {
		if idx, ps := rt.Match(u.EscapedPath()); idx >= 0 {
			resourcePath = paths[idx]
			for _, p := range ps {
				params[p.Name] = p.Value
			}
		}
	}
	rc := &reqctx.Context{
		RequestID: rid, ExtendedRequestID: rid, APIID: api.RestAPI.ID, Stage: testStage,
		ResourcePath: resourcePath, HTTPMethod: http.MethodGet, Path: u.EscapedPath(), Protocol: "HTTP/1.1",
		RequestTime: start.UTC().Format("02/Jan/2006:15:04:05 -0700"), RequestTimeEpoch: start.UnixMilli(),
		AccountID: a.opt.AccountID,
		Identity:  reqctx.Identity{SourceIP: "test-invoke-source-ip", UserAgent: hr.Header.Get("User-Agent")},
	}
	if rc.AccountID == "" {
		rc.AccountID = accountOf(def)
	}
	if err := setContext(rc, req.AdditionalContext); err != nil {
		return nil, err
	}
	return &pipeline.GuardRequest{
		HTTP: hr, APIID: api.RestAPI.ID, Stage: testStage, ResourcePath: resourcePath, HTTPMethod: http.MethodGet,
		PathParams: params, StageVariables: req.StageVariables, Context: rc, Header: http.Header{},
	}, nil
}

// contextFields are the $context values additionalContext may set.
func contextFields(rc *reqctx.Context) map[string]*string {
	return map[string]*string{
		"requestId": &rc.RequestID, "extendedRequestId": &rc.ExtendedRequestID, "domainName": &rc.DomainName,
		"domainPrefix": &rc.DomainPrefix, "accountId": &rc.AccountID, "protocol": &rc.Protocol,
		"identity.sourceIp": &rc.Identity.SourceIP, "identity.userAgent": &rc.Identity.UserAgent,
		"identity.caller": &rc.Identity.Caller, "identity.user": &rc.Identity.User,
		"identity.userArn": &rc.Identity.UserArn, "identity.accountId": &rc.Identity.AccountID,
		"identity.accessKey": &rc.Identity.AccessKey, "identity.apiKey": &rc.Identity.APIKey,
		"identity.apiKeyId": &rc.Identity.APIKeyID,
	}
}

// TestContextKeys lists the names TestRequest.AdditionalContext accepts.
func TestContextKeys() []string {
	var keys []string
	for k := range contextFields(&reqctx.Context{}) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func setContext(rc *reqctx.Context, add map[string]string) error {
	fields := contextFields(rc)
	names := make([]string, 0, len(add))
	for k := range add {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p, ok := fields[strings.TrimPrefix(k, "context.")]
		if !ok {
			return fmt.Errorf("additionalContext %q: not a $context value a test can set; use one of %s", k, strings.Join(TestContextKeys(), ", "))
		}
		*p = add[k]
	}
	return nil
}

// testLog is the execution log of one test, in the shape of method
// test-invoke's.
type testLog struct {
	b   strings.Builder
	now func() time.Time
}

func (t *testLog) logf(format string, args ...any) {
	t.b.WriteString(t.now().UTC().Format("Mon Jan 02 15:04:05 UTC 2006"))
	t.b.WriteString(" : ")
	fmt.Fprintf(&t.b, format, args...)
	t.b.WriteByte('\n')
}

// maskSecret hides an identity or key in the log: short values entirely,
// longer ones but for their last four characters, enough to tell two
// tokens apart without being able to use either.
func maskSecret(v string) string {
	if v == "" {
		return ""
	}
	if len(v) <= 12 {
		return "********"
	}
	return "********" + v[len(v)-4:]
}
