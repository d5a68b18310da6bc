package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

// testInvokeAPI is testAPI with the resource the tests' paths match.
func testInvokeAPI(authz ...*model.Authorizer) *model.API {
	api := testAPI(authz...)
	api.Resources = []*model.Resource{{ID: "r0", Path: "/"}, {ID: "r1", Path: "/pets/{id}"}}
	return api
}

// statusOf is the status a guard's error answers with, 0 for none.
func statusOf(err error) int {
	if err == nil {
		return 0
	}
	return gatewayresponse.From(err).StatusCode()
}

func TestTestInvokeLambdaToken(t *testing.T) {
	// Statements name any stage, so one answer decides the served call
	// (stage prod) and the test call (test-invoke-stage) alike.
	anyStage := "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/pets/*"
	failing := func(msg string) func([]byte) (*integration.Response, error) {
		return func([]byte) (*integration.Response, error) {
			return &integration.Response{Status: 200, Header: http.Header{"X-Amz-Function-Error": {"Unhandled"}},
				Body: []byte(`{"errorType":"Error","errorMessage":"` + msg + `"}`)}, nil
		}
	}
	cases := []struct {
		name    string
		token   string
		answer  func([]byte) (*integration.Response, error)
		status  int
		calls   int32
		wantLog string
	}{
		{"allow", "Bearer good-token-1", okAnswer(policyFor("Allow", anyStage)), 0, 1, "Policy decision for arn:aws:execute-api:us-east-1:123456789012:abc123/test-invoke-stage/GET/pets/42: Allow"},
		{"explicit deny", "Bearer good-token-1", okAnswer(policyFor("Deny", anyStage)), 403, 1, "a Deny statement matches"},
		{"no matching allow", "Bearer good-token-1", okAnswer(policyFor("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/*")), 403, 1, "no Allow statement matches"},
		{"missing token", "", okAnswer(policyFor("Allow", "*")), 401, 0, "no token in method.request.header.Authorization"},
		{"token fails the validation expression", "Basic abc", okAnswer(policyFor("Allow", "*")), 401, 0, "does not match identityValidationExpression"},
		{"function says Unauthorized", "Bearer good-token-1", failing("Unauthorized"), 401, 1, "the function refused the identity"},
		{"function throws", "Bearer good-token-1", failing("database down"), 500, 1, "Execution failed due to configuration error: authorizer tok: function error: database down"},
		{"answer without a policy", "Bearer good-token-1", okAnswer(`{"principalId":"u"}`), 500, 1, "policyDocument is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hdr := map[string]string{}
			if c.token != "" {
				hdr["Authorization"] = c.token
			}
			// The served guard, without a cache so that it invokes too.
			served := &fakeLambda{answer: c.answer}
			_, guardErr := call(guardFor(t, New(Options{Invoke: served.factory}), testAPI(tokenAuthorizer(intp(0))), "CUSTOM"), "42", hdr)

			fl := &fakeLambda{answer: c.answer}
			a := New(Options{Invoke: fl.factory})
			out, err := a.TestInvoke(context.Background(), testInvokeAPI(tokenAuthorizer(nil)), "au1",
				&TestRequest{Headers: hdr, PathWithQueryString: "/pets/42?q=1"})
			if err != nil {
				t.Fatal(err)
			}
			if out.ClientStatus != c.status {
				t.Errorf("clientStatus = %d, want %d; log:\n%s", out.ClientStatus, c.status, out.Log)
			}
			if got := statusOf(guardErr); got != out.ClientStatus {
				t.Errorf("a served call gets %d (%v), the test says %d", got, guardErr, out.ClientStatus)
			}
			if got := fl.calls.Load(); got != c.calls {
				t.Errorf("function invoked %d times, want %d", got, c.calls)
			}
			if !strings.Contains(out.Log, c.wantLog) {
				t.Errorf("log lacks %q:\n%s", c.wantLog, out.Log)
			}
			if strings.Contains(out.Log, "good-token") || strings.Contains(out.Log, "key-from-authorizer") {
				t.Errorf("log shows a token or key:\n%s", out.Log)
			}
			if !strings.HasPrefix(out.Log, "Execution log for request ") {
				t.Errorf("log head: %q", out.Log[:min(len(out.Log), 40)])
			}
		})
	}
}

func TestTestInvokeLambdaAllowOutput(t *testing.T) {
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}
	a := New(Options{Invoke: fl.factory})
	api := testInvokeAPI(tokenAuthorizer(intp(300)))
	req := &TestRequest{Headers: map[string]string{"Authorization": "Bearer good-token-1"}, PathWithQueryString: "/pets/42"}
	var out *TestResult
	for i := 0; i < 2; i++ {
		var err error
		if out, err = a.TestInvoke(context.Background(), api, "tok", req); err != nil {
			t.Fatal(err)
		}
	}
	if fl.calls.Load() != 2 {
		t.Errorf("two tests invoked the function %d times; a test must not use the result cache", fl.calls.Load())
	}
	want := &TestResult{
		PrincipalID:   "user-7",
		Policy:        `{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}`,
		Authorization: map[string][]string{"tier": {"gold"}, "limit": {"5"}},
	}
	got := &TestResult{PrincipalID: out.PrincipalID, Policy: out.Policy, Authorization: out.Authorization}
	if !reflect.DeepEqual(got, want) || out.ClientStatus != 0 || out.Claims != nil {
		t.Errorf("got %+v, want %+v", out, want)
	}
	var ev tokenEvent
	if err := json.Unmarshal(fl.last.Load().([]byte), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.AuthorizationToken != "Bearer good-token-1" || ev.MethodArn != "arn:aws:execute-api:us-east-1:123456789012:abc123/test-invoke-stage/GET/pets/42" {
		t.Errorf("the function got %+v", ev)
	}
	if fl.cfg.Integration.Credentials != "arn:aws:iam::123456789012:role/invoker" {
		t.Errorf("invoked with credentials %q, want the authorizer's", fl.cfg.Integration.Credentials)
	}
	for _, line := range []string{"Incoming identity: ********en-1", "usageIdentifierKey: ********izer", `"usageIdentifierKey":"********izer"`, "Successfully completed authorizer execution"} {
		if !strings.Contains(out.Log, line) {
			t.Errorf("log lacks %q:\n%s", line, out.Log)
		}
	}
}

func TestTestInvokeLambdaRequest(t *testing.T) {
	def := &model.Authorizer{ID: "au2", Name: "req", Type: TypeRequest, AuthorizerURI: testAuthURI,
		IdentitySource: "method.request.header.X-User, method.request.querystring.tenant, context.identity.sourceIp"}
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}
	a := New(Options{Invoke: fl.factory, AccountID: "210987654321"})
	api := testInvokeAPI(def)

	out, err := a.TestInvoke(context.Background(), api, "au2", &TestRequest{
		Headers: map[string]string{"X-User": "ann-the-user-0001"}, PathWithQueryString: "/pets/42"})
	if err != nil {
		t.Fatal(err)
	}
	if out.ClientStatus != 401 || fl.calls.Load() != 0 || !strings.Contains(out.Log, "identity source method.request.querystring.tenant is missing") {
		t.Errorf("missing identity source: status %d, %d calls, log:\n%s", out.ClientStatus, fl.calls.Load(), out.Log)
	}

	out, err = a.TestInvoke(context.Background(), api, "req", &TestRequest{
		MultiValueHeaders:   map[string][]string{"X-User": {"ann-the-user-0001"}, "Cookie": {"session=secret-cookie-value"}},
		PathWithQueryString: "/pets/42?tenant=acme-tenant-xyz", StageVariables: map[string]string{"env": "blue"},
		AdditionalContext: map[string]string{"identity.sourceIp": "10.1.2.3"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ClientStatus != 0 {
		t.Fatalf("clientStatus %d; log:\n%s", out.ClientStatus, out.Log)
	}
	var ev struct {
		MethodArn, Resource, Path      string
		Headers, QueryStringParameters map[string]string
		PathParameters, StageVariables map[string]string
		RequestContext                 struct {
			Stage    string
			Identity struct{ SourceIP string }
		}
	}
	if err := json.Unmarshal(fl.last.Load().([]byte), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.MethodArn != "arn:aws:execute-api:us-east-1:210987654321:abc123/test-invoke-stage/GET/pets/42" || ev.Resource != "/pets/{id}" ||
		ev.Path != "/pets/42" || ev.PathParameters["id"] != "42" || ev.QueryStringParameters["tenant"] != "acme-tenant-xyz" ||
		ev.Headers["X-User"] != "ann-the-user-0001" || ev.StageVariables["env"] != "blue" ||
		ev.RequestContext.Stage != "test-invoke-stage" || ev.RequestContext.Identity.SourceIP != "10.1.2.3" {
		t.Errorf("the function got %+v", ev)
	}
	for _, secret := range []string{"ann-the-user", "acme-tenant", "secret-cookie"} {
		if strings.Contains(out.Log, secret) {
			t.Errorf("log shows %q:\n%s", secret, out.Log)
		}
	}
	if !strings.Contains(out.Log, `"X-User":"********0001"`) {
		t.Errorf("log lacks the masked identity header:\n%s", out.Log)
	}

	_, err = a.TestInvoke(context.Background(), api, "req", &TestRequest{AdditionalContext: map[string]string{"authorizer.principalId": "x"}})
	if err == nil || !strings.Contains(err.Error(), `additionalContext "authorizer.principalId"`) || !strings.Contains(err.Error(), "identity.sourceIp") {
		t.Errorf("unknown additionalContext key: %v", err)
	}
}

func TestTestInvokeJWT(t *testing.T) {
	is := newIssuer(t)
	now := time.Now()
	claims := func(over map[string]any) map[string]any {
		c := map[string]any{"iss": testIss, "aud": "orders-api", "sub": "user-9", "exp": now.Add(time.Hour).Unix(),
			"scope": "orders/read", "email_verified": true}
		for k, v := range over {
			c[k] = v
		}
		return c
	}
	broken := &model.Authorizer{ID: "au9", Name: "broken", Type: TypeJWT,
		JWT: &model.JWTConfig{Issuer: testIss, Audiences: []string{"orders-api"}, JWKSURI: "https://127.0.0.1:9/keys"}}
	a := New(Options{RootCAs: is.pool})
	api := testInvokeAPI(jwtDef(is), broken)
	cases := []struct {
		name    string
		auth    string
		token   string
		status  int
		wantLog string
	}{
		{"valid", "jwt", "Bearer " + is.sign(t, "k1", claims(nil)), 0, "Token verified"},
		{"wrong audience", "jwt", is.sign(t, "k1", claims(map[string]any{"aud": "billing-api"})), 401, "the token's audience is not accepted"},
		{"expired", "jwt", is.sign(t, "k1", claims(map[string]any{"exp": now.Add(-time.Hour).Unix()})), 401, "token expired at"},
		{"no token", "jwt", "", 401, "no token in method.request.header.Authorization"},
		{"keys cannot be fetched", "broken", is.sign(t, "k1", claims(nil)), 500, "JWKS https://127.0.0.1:9/keys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := a.TestInvoke(context.Background(), api, c.auth, &TestRequest{Headers: map[string]string{"Authorization": c.token}})
			if err != nil {
				t.Fatal(err)
			}
			if out.ClientStatus != c.status || !strings.Contains(out.Log, c.wantLog) {
				t.Errorf("clientStatus %d, want %d; log lacks %q?\n%s", out.ClientStatus, c.status, c.wantLog, out.Log)
			}
			if c.auth == "jwt" {
				// A method without scopes, served, answers the same.
				_, guardErr := call(guardFor(t, a, testAPI(jwtDef(is)), "CUSTOM"), "1", map[string]string{"Authorization": c.token})
				if got := statusOf(guardErr); got != out.ClientStatus {
					t.Errorf("a served call gets %d (%v), the test says %d", got, guardErr, out.ClientStatus)
				}
			}
			if tok := strings.TrimPrefix(c.token, "Bearer "); len(tok) > 20 && strings.Contains(out.Log, tok[:20]) {
				t.Errorf("log shows the token:\n%s", out.Log)
			}
			if c.status == 0 {
				want := map[string]string{"iss": testIss, "aud": "orders-api", "sub": "user-9", "scope": "orders/read",
					"email_verified": "true", "exp": out.Claims["exp"]}
				if !reflect.DeepEqual(out.Claims, want) || out.PrincipalID != "user-9" || out.Claims["exp"] == "" {
					t.Errorf("claims %v, principal %q", out.Claims, out.PrincipalID)
				}
			} else if out.Claims != nil || out.PrincipalID != "" {
				t.Errorf("a refused token gave claims %v, principal %q", out.Claims, out.PrincipalID)
			}
		})
	}
	// The key set is fetched as for served calls: once, then kept.
	if got := is.fetches.Load(); got != 1 {
		t.Errorf("JWKS fetched %d times, want 1", got)
	}
}

func TestTestInvokeErrors(t *testing.T) {
	bad := tokenAuthorizer(nil)
	bad.ID, bad.Name, bad.IdentityValidationExpression = "au3", "bad-regex", "Bearer ("
	a := New(Options{Invoke: (&fakeLambda{answer: okAnswer(policyFor("Allow", "*"))}).factory})
	api := testInvokeAPI(tokenAuthorizer(nil), bad)

	_, err := a.TestInvoke(context.Background(), api, "nope", &TestRequest{})
	if !errors.Is(err, ErrUnknownAuthorizer) || !strings.Contains(err.Error(), "tok (id au1)") {
		t.Errorf("unknown authorizer: %v", err)
	}
	for _, p := range []string{"pets/1", "http://elsewhere/x", "/%zz"} {
		if _, err := a.TestInvoke(context.Background(), api, "au1", &TestRequest{PathWithQueryString: p}); err == nil || !strings.Contains(err.Error(), "pathWithQueryString") {
			t.Errorf("path %q: %v", p, err)
		}
	}
	out, err := a.TestInvoke(context.Background(), api, "bad-regex", &TestRequest{Headers: map[string]string{"Authorization": "Bearer x"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ClientStatus != 500 || !strings.Contains(out.Log, "configuration error: identityValidationExpression") {
		t.Errorf("broken authorizer: %d\n%s", out.ClientStatus, out.Log)
	}
	noAWS := New(Options{})
	out, err = noAWS.TestInvoke(context.Background(), api, "au1", &TestRequest{})
	if err != nil || out.ClientStatus != 500 || !strings.Contains(out.Log, "without AWS support") {
		t.Errorf("no Invoke: %v %+v", err, out)
	}
}

func TestMaskSecret(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "********", "exactly12chr": "********", "a-longer-token-1234": "********1234"} {
		if got := maskSecret(in); got != want {
			t.Errorf("maskSecret(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzTestInvoke feeds TestInvoke the parts of its input a caller writes
// freely: it must answer with an error or one of the statuses a client can
// get, and never panic.
func FuzzTestInvoke(f *testing.F) {
	f.Add("/pets/42?q=1", "Bearer good-token-1", "identity.sourceIp", "10.0.0.1")
	f.Add("/", "", "", "")
	f.Add("/pets/%zz", "Basic abc", "authorizer.x", "y")
	f.Add("//evil/x", "Bearer a b", "context.accountId", "1")
	f.Fuzz(func(t *testing.T, path, token, ctxKey, ctxVal string) {
		req := &model.Authorizer{ID: "au2", Name: "req", Type: TypeRequest, AuthorizerURI: testAuthURI,
			IdentitySource: "method.request.header.Authorization, method.request.querystring.q", AuthorizerResultTTLInSeconds: intp(0)}
		a := New(Options{Invoke: (&fakeLambda{answer: okAnswer(policyFor("Allow", "*/GET/pets/*"))}).factory})
		api := testInvokeAPI(tokenAuthorizer(nil), req)
		for _, name := range []string{"tok", "req"} {
			in := &TestRequest{PathWithQueryString: path, Headers: map[string]string{"Authorization": token}}
			if ctxKey != "" {
				in.AdditionalContext = map[string]string{ctxKey: ctxVal}
			}
			out, err := a.TestInvoke(context.Background(), api, name, in)
			if err != nil {
				continue
			}
			switch out.ClientStatus {
			case 0, 401, 403, 500:
			default:
				t.Fatalf("%s: clientStatus %d", name, out.ClientStatus)
			}
			if !strings.HasPrefix(out.Log, "Execution log for request ") {
				t.Fatalf("%s: log %q", name, out.Log)
			}
		}
	})
}
