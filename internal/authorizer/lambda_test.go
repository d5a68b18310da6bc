package authorizer

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/lambda"
	"github.com/ferrygw/ferry/internal/model"
)

func tokenAuthorizer(ttl *int) *model.Authorizer {
	return &model.Authorizer{ID: "au1", Name: "tok", Type: TypeToken, AuthorizerURI: testAuthURI,
		AuthorizerCredentials: "arn:aws:iam::123456789012:role/invoker",
		IdentitySource:        "method.request.header.Authorization", IdentityValidationExpression: "Bearer [a-z0-9-]+",
		AuthorizerResultTTLInSeconds: ttl}
}

// policyFor is the answer of a function that allows or denies everything
// under the API, or exactly resource.
func policyFor(effect, resource string) string {
	return `{"principalId":"user-7","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"` +
		effect + `","Resource":"` + resource + `"}]},"context":{"tier":"gold","limit":5},"usageIdentifierKey":"key-from-authorizer"}`
}

func TestTokenAuthorizer(t *testing.T) {
	cases := []struct {
		name    string
		token   string
		answer  func([]byte) (*integration.Response, error)
		wantErr gatewayresponse.Type
		wantMsg string
		calls   int32
	}{
		{"allow", "Bearer good-1", okAnswer(policyFor("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/*")), "", "", 1},
		{"allow of another method is implicit deny", "Bearer good-1", okAnswer(policyFor("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*")),
			gatewayresponse.AccessDenied, msgImplicitDeny, 1},
		{"explicit deny", "Bearer good-1", okAnswer(policyFor("Deny", "*")), gatewayresponse.AccessDenied, msgExplicitDeny, 1},
		{"missing token", "", okAnswer(policyFor("Allow", "*")), gatewayresponse.Unauthorized, "Unauthorized", 0},
		{"token fails validation expression", "Basic abc", okAnswer(policyFor("Allow", "*")), gatewayresponse.Unauthorized, "Unauthorized", 0},
		{"validation is a whole match", "Bearer good-1 extra", okAnswer(policyFor("Allow", "*")), gatewayresponse.Unauthorized, "Unauthorized", 0},
		{"function says Unauthorized", "Bearer good-1", func([]byte) (*integration.Response, error) {
			return &integration.Response{Status: 200, Header: http.Header{"X-Amz-Function-Error": {"Unhandled"}},
				Body: []byte(`{"errorType":"Error","errorMessage":"Unauthorized"}`)}, nil
		}, gatewayresponse.Unauthorized, "Unauthorized", 1},
		{"function fails otherwise", "Bearer good-1", func([]byte) (*integration.Response, error) {
			return &integration.Response{Status: 200, Header: http.Header{"X-Amz-Function-Error": {"Unhandled"}},
				Body: []byte(`{"errorType":"TypeError","errorMessage":"x is undefined"}`)}, nil
		}, gatewayresponse.AuthorizerConfigError, "", 1},
		{"malformed answer", "Bearer good-1", okAnswer(`{"principalId":"u"}`), gatewayresponse.AuthorizerConfigError, "", 1},
		{"invoke API fails", "Bearer good-1", func([]byte) (*integration.Response, error) {
			return nil, gatewayresponse.Newf(gatewayresponse.IntegrationFailure, "boom")
		}, gatewayresponse.AuthorizerConfigError, "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fl := &fakeLambda{answer: c.answer}
			a := New(Options{Invoke: fl.factory})
			api := testAPI(tokenAuthorizer(nil))
			g := guardFor(t, a, api, "CUSTOM")
			hdr := map[string]string{}
			if c.token != "" {
				hdr["Authorization"] = c.token
			}
			gr, err := call(g, "42", hdr)
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if gr.Context.Authorizer["principalId"] != "user-7" || gr.Context.Authorizer["tier"] != "gold" || gr.Context.Authorizer["limit"] != "5" {
					t.Errorf("$context.authorizer = %v", gr.Context.Authorizer)
				}
				if gr.Context.Identity.APIKey != "" {
					t.Errorf("apiKey set to %q on an API whose keys come from headers", gr.Context.Identity.APIKey)
				}
			} else {
				refusal(t, err, c.wantErr, c.wantMsg)
			}
			if got := fl.calls.Load(); got != c.calls {
				t.Errorf("function invoked %d times, want %d", got, c.calls)
			}
			if c.calls > 0 {
				var ev map[string]string
				if err := json.Unmarshal(fl.last.Load().([]byte), &ev); err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"type": "TOKEN", "authorizationToken": c.token,
					"methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42"}
				for k, v := range want {
					if ev[k] != v {
						t.Errorf("event.%s = %q, want %q", k, ev[k], v)
					}
				}
				if len(ev) != 3 {
					t.Errorf("TOKEN event has %d fields: %v", len(ev), ev)
				}
			}
		})
	}
}

func TestTokenAuthorizerInvokesThroughAWSIntegration(t *testing.T) {
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}
	guardFor(t, New(Options{Invoke: fl.factory}), testAPI(tokenAuthorizer(nil)), "CUSTOM")
	in := fl.cfg.Integration
	if in.Type != "AWS" || in.HTTPMethod != "POST" || in.URI != testAuthURI || in.Credentials != "arn:aws:iam::123456789012:role/invoker" {
		t.Errorf("invoke integration = %+v", in)
	}
	if fl.cfg.APIID != "abc123" || fl.cfg.Stage != "prod" {
		t.Errorf("invoke scoped to %q/%q, want abc123/prod", fl.cfg.APIID, fl.cfg.Stage)
	}
}

func TestCache(t *testing.T) {
	cases := []struct {
		name  string
		ttl   *int
		steps []time.Duration // clock advance before each call
		calls int32
	}{
		{"default TTL caches 300 s", nil, []time.Duration{0, 299 * time.Second}, 1},
		{"expired entry is refreshed", intp(60), []time.Duration{0, 61 * time.Second}, 2},
		{"TTL 0 disables caching", intp(0), []time.Duration{0, 0, 0}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := &clock{t: time.Unix(1_800_000_000, 0)}
			fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/*"))}
			a := New(Options{Invoke: fl.factory, Now: clk.now})
			g := guardFor(t, a, testAPI(tokenAuthorizer(c.ttl)), "CUSTOM")
			for _, d := range c.steps {
				clk.t = clk.t.Add(d)
				if _, err := call(g, "42", map[string]string{"Authorization": "Bearer good-1"}); err != nil {
					t.Fatal(err)
				}
			}
			if got := fl.calls.Load(); got != c.calls {
				t.Errorf("function invoked %d times, want %d", got, c.calls)
			}
		})
	}
}

// A cached policy is evaluated against each call's ARN, and shared by the
// methods of one authorizer, as API Gateway does.
func TestCachedPolicyAppliesPerMethodARN(t *testing.T) {
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42"))}
	a := New(Options{Invoke: fl.factory})
	api := testAPI(tokenAuthorizer(nil))
	g := guardFor(t, a, api, "CUSTOM")
	g2 := guardFor(t, a, api, "CUSTOM")
	hdr := map[string]string{"Authorization": "Bearer good-1"}
	if _, err := call(g, "42", hdr); err != nil {
		t.Fatal(err)
	}
	_, err := call(g2, "43", hdr)
	refusal(t, err, gatewayresponse.AccessDenied, msgImplicitDeny)
	if got := fl.calls.Load(); got != 1 {
		t.Errorf("function invoked %d times, want 1 (one cache per authorizer and deployment)", got)
	}
	// A new deployment starts with an empty cache.
	res := &model.Resource{ID: "r1", Path: "/pets/{id}"}
	m := &model.Method{HTTPMethod: "GET", AuthorizationType: "CUSTOM", AuthorizerID: "au1"}
	g3, err := a.Guard(api, &model.Stage{StageName: "prod", DeploymentID: "d2"}, res, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(g3, "42", hdr); err != nil {
		t.Fatal(err)
	}
	if got := fl.calls.Load(); got != 2 {
		t.Errorf("function invoked %d times after a redeploy, want 2", got)
	}
}

func TestUsageIdentifierKey(t *testing.T) {
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}
	api := testAPI(tokenAuthorizer(nil))
	api.RestAPI.APIKeySource = model.APIKeySourceAuthorizer
	g := guardFor(t, New(Options{Invoke: fl.factory}), api, "CUSTOM")
	gr, err := call(g, "42", map[string]string{"Authorization": "Bearer good-1"})
	if err != nil {
		t.Fatal(err)
	}
	if gr.Context.Identity.APIKey != "key-from-authorizer" {
		t.Errorf("$context.identity.apiKey = %q", gr.Context.Identity.APIKey)
	}
}

func TestRequestAuthorizer(t *testing.T) {
	def := &model.Authorizer{ID: "au1", Name: "req", Type: TypeRequest, AuthorizerURI: testAuthURI,
		IdentitySource: "method.request.header.X-User, method.request.querystring.q, stageVariables.env, context.requestId"}
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}
	g := guardFor(t, New(Options{Invoke: fl.factory}), testAPI(def), "CUSTOM")

	_, err := call(g, "42", nil)
	refusal(t, err, gatewayresponse.Unauthorized, "Unauthorized")
	if fl.calls.Load() != 0 {
		t.Fatal("invoked without the identity sources")
	}
	if _, err := call(g, "42", map[string]string{"X-User": "ann"}); err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Type, MethodArn, Resource, Path, HTTPMethod string
		Headers                                     map[string]string
		QueryStringParameters                       map[string]string
		PathParameters, StageVariables              map[string]string
		RequestContext                              map[string]any
	}
	if err := json.Unmarshal(fl.last.Load().([]byte), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "REQUEST" || ev.Resource != "/pets/{id}" || ev.Path != "/pets/42" || ev.HTTPMethod != "GET" ||
		!strings.HasSuffix(ev.MethodArn, ":abc123/prod/GET/pets/42") {
		t.Errorf("event head = %+v", ev)
	}
	if ev.Headers["X-User"] != "ann" || ev.QueryStringParameters["q"] != "1" || ev.PathParameters["id"] != "42" ||
		ev.StageVariables["env"] != "blue" || ev.RequestContext["requestId"] != "req-1" {
		t.Errorf("event = %+v", ev)
	}
	// The same identities hit the cache; another header value does not.
	call(g, "42", map[string]string{"X-User": "ann"})
	call(g, "42", map[string]string{"X-User": "bob"})
	if got := fl.calls.Load(); got != 2 {
		t.Errorf("function invoked %d times, want 2", got)
	}
}

func TestCompileErrors(t *testing.T) {
	fl := &fakeLambda{answer: okAnswer("{}")}
	cases := []struct {
		name     string
		def      model.Authorizer
		authType string
		scopes   []string
		want     string
	}{
		{"bad uri", model.Authorizer{Type: TypeToken, AuthorizerURI: "arn:aws:apigateway:us-east-1:s3:path/x", IdentitySource: "method.request.header.A"}, "CUSTOM", nil, "authorizerUri"},
		{"token from query", model.Authorizer{Type: TypeToken, AuthorizerURI: testAuthURI, IdentitySource: "method.request.querystring.t"}, "CUSTOM", nil, "one header"},
		{"token without source", model.Authorizer{Type: TypeToken, AuthorizerURI: testAuthURI}, "CUSTOM", nil, "one header"},
		{"request cached without sources", model.Authorizer{Type: TypeRequest, AuthorizerURI: testAuthURI}, "CUSTOM", nil, "identitySource is empty"},
		{"request from body", model.Authorizer{Type: TypeRequest, AuthorizerURI: testAuthURI, IdentitySource: "method.request.body.a"}, "CUSTOM", nil, "an identity comes from"},
		{"bad regexp", model.Authorizer{Type: TypeToken, AuthorizerURI: testAuthURI, IdentitySource: "method.request.header.A", IdentityValidationExpression: "("}, "CUSTOM", nil, "identityValidationExpression"},
		{"cognito type on custom method", model.Authorizer{Type: TypeCognito, ProviderARNs: []string{"arn:aws:cognito-idp:us-east-1:1:userpool/p"}}, "CUSTOM", nil, "needs authorizationType COGNITO_USER_POOLS"},
		{"token on cognito method", model.Authorizer{Type: TypeToken, AuthorizerURI: testAuthURI, IdentitySource: "method.request.header.A"}, "COGNITO_USER_POOLS", nil, "needs a COGNITO_USER_POOLS authorizer"},
		{"scopes on lambda", model.Authorizer{Type: TypeToken, AuthorizerURI: testAuthURI, IdentitySource: "method.request.header.A"}, "CUSTOM", []string{"read"}, "authorizationScopes apply"},
		{"bad pool arn", model.Authorizer{Type: TypeCognito, ProviderARNs: []string{"arn:aws:iam::1:role/x"}}, "COGNITO_USER_POOLS", nil, "providerARNs"},
		{"jwt without audience", model.Authorizer{Type: TypeJWT, JWT: &model.JWTConfig{Issuer: "https://i", JWKSURI: "https://i/k"}}, "CUSTOM", nil, "audience is empty"},
		{"jwt over http", model.Authorizer{Type: TypeJWT, JWT: &model.JWTConfig{Issuer: "https://i", Audiences: []string{"a"}, JWKSURI: "http://i/k"}}, "CUSTOM", nil, "HTTPS only"},
		{"unknown type", model.Authorizer{Type: "SAML"}, "CUSTOM", nil, `type "SAML"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := c.def
			def.ID, def.Name = "au1", "x"
			api := testAPI(&def)
			m := &model.Method{HTTPMethod: "GET", AuthorizationType: c.authType, AuthorizerID: "au1", AuthorizationScopes: c.scopes}
			_, err := New(Options{Invoke: fl.factory}).Guard(api, &model.Stage{StageName: "prod", DeploymentID: "d"}, &model.Resource{Path: "/p"}, m)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "GET /p: authorizer") {
				t.Fatalf("err = %v, want it to name the method and contain %q", err, c.want)
			}
		})
	}
	// Methods without an authorizer get no guard.
	g, err := New(Options{}).Guard(testAPI(), &model.Stage{}, &model.Resource{Path: "/"}, &model.Method{HTTPMethod: "GET", AuthorizationType: "NONE"})
	if g != nil || err != nil {
		t.Fatalf("NONE: guard %v, err %v", g != nil, err)
	}
	_, err = New(Options{}).Guard(testAPI(), &model.Stage{}, &model.Resource{Path: "/"}, &model.Method{HTTPMethod: "GET", AuthorizationType: "CUSTOM", AuthorizerID: "nope"})
	if err == nil || !strings.Contains(err.Error(), `authorizer "nope" does not exist`) {
		t.Fatalf("missing authorizer: %v", err)
	}
}

func TestConcurrentMissesShareOneInvocation(t *testing.T) {
	release := make(chan struct{})
	fl := &fakeLambda{answer: func([]byte) (*integration.Response, error) {
		<-release
		return okAnswer(policyFor("Allow", "*"))(nil)
	}}
	g := guardFor(t, New(Options{Invoke: fl.factory}), testAPI(tokenAuthorizer(nil)), "CUSTOM")
	const n = 16
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := call(g, "42", map[string]string{"Authorization": "Bearer burst"})
			errs <- err
		}()
	}
	// Let the goroutines reach the authorizer before it answers.
	for deadline := time.Now().Add(2 * time.Second); fl.calls.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// Goroutines that arrive after the invocation finished hit the cache,
	// so the count is exactly one either way.
	if got := fl.calls.Load(); got != 1 {
		t.Errorf("function invoked %d times for %d concurrent calls, want 1", got, n)
	}
}

func TestAccountOfMethodARN(t *testing.T) {
	cases := []struct{ uri, creds, want string }{
		{testAuthURI, "", "123456789012"},
		{"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/210987654321:function:auth/invocations", "", "210987654321"},
		{"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/auth/invocations", "arn:aws:iam::111122223333:role/r", "111122223333"},
		{"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/auth/invocations", "", ""},
	}
	for _, c := range cases {
		fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}
		def := tokenAuthorizer(nil)
		def.AuthorizerURI, def.AuthorizerCredentials = c.uri, c.creds
		g := guardFor(t, New(Options{Invoke: fl.factory}), testAPI(def), "CUSTOM")
		if _, err := callAs(g, "7", map[string]string{"Authorization": "Bearer good-1"}, ""); err != nil {
			t.Fatal(err)
		}
		var ev map[string]string
		if err := json.Unmarshal(fl.last.Load().([]byte), &ev); err != nil {
			t.Fatal(err)
		}
		if want := "arn:aws:execute-api:us-east-1:" + c.want + ":abc123/prod/GET/pets/7"; ev["methodArn"] != want {
			t.Errorf("%s %s: methodArn %q, want %q", c.uri, c.creds, ev["methodArn"], want)
		}
	}
}

// A function named through a stage variable follows the stage: the
// variable reaches the Invoke call, and changing it rebuilds the
// authorizer without a new deployment.
func TestStageVariablesInURI(t *testing.T) {
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}
	def := tokenAuthorizer(nil)
	def.AuthorizerURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${stageVariables.authFn}/invocations"
	a := New(Options{Invoke: fl.factory})
	api := testAPI(def)
	res := &model.Resource{ID: "r1", Path: "/pets/{id}"}
	m := &model.Method{HTTPMethod: "GET", AuthorizationType: "CUSTOM", AuthorizerID: "au1"}
	for _, fn := range []string{"auth-blue", "auth-green"} {
		stage := &model.Stage{StageName: "prod", DeploymentID: "d1", Variables: map[string]string{"authFn": fn}}
		if _, err := a.Guard(api, stage, res, m); err != nil {
			t.Fatal(err)
		}
		if got := fl.cfg.StageVariables["authFn"]; got != fn {
			t.Errorf("Invoke built with authFn=%q, want %q", got, fn)
		}
	}
	// An import-time check has no stage, so no variables.
	if _, err := a.Guard(api, &model.Stage{APIID: "abc123"}, res, m); err != nil {
		t.Fatal(err)
	}
	if fl.cfg.StageVariables != nil {
		t.Errorf("import check got stage variables %v", fl.cfg.StageVariables)
	}
}

func TestStageVariablesResolvedByLambdaCustom(t *testing.T) {
	var uri string
	aws := func(cfg integration.Config) (integration.Backend, error) {
		uri = cfg.Integration.URI
		return okAnswerBackend(policyFor("Allow", "*")), nil
	}
	def := tokenAuthorizer(nil)
	def.AuthorizerURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${stageVariables.authFn}/invocations"
	a := New(Options{Invoke: lambda.Custom(aws)})
	stage := &model.Stage{StageName: "prod", DeploymentID: "d1", Variables: map[string]string{"authFn": "auth-blue"}}
	m := &model.Method{HTTPMethod: "GET", AuthorizationType: "CUSTOM", AuthorizerID: "au1"}
	g, err := a.Guard(testAPI(def), stage, &model.Resource{Path: "/pets/{id}"}, m)
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/auth-blue/invocations"; uri != want {
		t.Errorf("Invoke URI %q, want %q", uri, want)
	}
	if _, err := call(g, "1", map[string]string{"Authorization": "Bearer good-1"}); err != nil {
		t.Fatal(err)
	}
	// A stage without the variable answers 500 for the method, as API Gateway does.
	stage = &model.Stage{StageName: "dev", DeploymentID: "d1", Variables: map[string]string{}}
	g, err = a.Guard(testAPI(def), stage, &model.Resource{Path: "/pets/{id}"}, m)
	if err != nil {
		t.Fatal(err)
	}
	_, err = call(g, "1", map[string]string{"Authorization": "Bearer good-1"})
	refusal(t, err, gatewayresponse.AuthorizerConfigError, "")
}

func okAnswerBackend(body string) integration.Backend {
	return func(context.Context, *integration.Request) (*integration.Response, error) {
		return okAnswer(body)(nil)
	}
}
