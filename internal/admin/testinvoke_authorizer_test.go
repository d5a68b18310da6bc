package admin

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ferrygw/ferry/internal/authorizer"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
	"github.com/ferrygw/ferry/internal/usageplan"
)

const authzURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"

// newAuthorizerHarness is the admin API with the data plane's authorizers
// (over a function that answers with a policy for the token it is given)
// and usage attached, and an API "a1" with a TOKEN authorizer "tok".
func newAuthorizerHarness(t *testing.T) (*harness, *atomic.Int32) {
	t.Helper()
	hs := &harness{t: t, st: store.New(storetest.NewMemory()), logs: &bytes.Buffer{}}
	enf, err := usageplan.New(usageplan.Config{Store: hs.st})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	invoke := func(integration.Config) (integration.Backend, error) {
		return func(_ context.Context, req *integration.Request) (*integration.Response, error) {
			calls.Add(1)
			effect := "Allow"
			if strings.Contains(string(req.Body), "Bearer nobody") {
				effect = "Deny"
			}
			return &integration.Response{Status: 200, Header: http.Header{}, Body: []byte(`{"principalId":"u-1","policyDocument":{"Version":"2012-10-17",` +
				`"Statement":[{"Action":"execute-api:Invoke","Effect":"` + effect + `","Resource":"*"}]},"context":{"tier":"gold"}}`)}, nil
		}, nil
	}
	h, err := NewHandler(Config{
		Store: hs.st, Usage: enf, Authorizers: authorizer.New(authorizer.Options{Invoke: invoke}),
		Tokens: []Token{FullAccess(fullToken), {Value: readToken, Scopes: []Scope{ScopeRead}}},
		Logger: slog.New(slog.NewTextHandler(hs.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs.h = h
	hs.seedAPI("a1")
	if _, err := hs.st.UpdateAPI(context.Background(), "a1", func(api *model.API) error {
		api.Authorizers = append(api.Authorizers, &model.Authorizer{ID: "az0001", Name: "tok", Type: "TOKEN",
			AuthorizerURI: authzURI, IdentitySource: "method.request.header.Authorization"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return hs, &calls
}

func TestTestInvokeAuthorizerRoute(t *testing.T) {
	hs, calls := newAuthorizerHarness(t)
	cases := []struct {
		name   string
		path   string
		body   any
		status int
		want   TestInvokeAuthorizerOutput
	}{
		{"allow, by id", "/restapis/a1/authorizers/az0001", TestInvokeAuthorizerInput{
			Headers: map[string]string{"Authorization": "Bearer alice"}, PathWithQueryString: "/pets"}, 200,
			TestInvokeAuthorizerOutput{PrincipalID: "u-1", Authorization: map[string][]string{"tier": {"gold"}},
				Policy: `{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}`}},
		{"deny, by name", "/restapis/a1/authorizers/tok", TestInvokeAuthorizerInput{
			MultiValueHeaders: map[string][]string{"Authorization": {"Bearer nobody"}}}, 200,
			TestInvokeAuthorizerOutput{ClientStatus: 403, PrincipalID: "u-1", Authorization: map[string][]string{"tier": {"gold"}},
				Policy: `{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Deny","Resource":"*"}]}`}},
		{"no token, empty body", "/restapis/a1/authorizers/tok", nil, 200, TestInvokeAuthorizerOutput{ClientStatus: 401}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got TestInvokeAuthorizerOutput
			hs.ok("POST", c.path, c.body, c.status).json(t, &got)
			if got.Log == "" || !strings.HasPrefix(got.Log, "Execution log for request ") {
				t.Errorf("log = %q", got.Log)
			}
			if strings.Contains(got.Log, "alice") || strings.Contains(got.Log, "nobody") {
				t.Errorf("the log shows the token:\n%s", got.Log)
			}
			got.Log, got.Latency = "", 0
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
	if calls.Load() != 2 {
		t.Errorf("function invoked %d times, want 2 (not for the call without a token)", calls.Load())
	}

	msg := hs.do("POST", "/restapis/a1/authorizers/nope", fullToken, TestInvokeAuthorizerInput{}).errorMessage(t, 404, ErrNotFound)
	if !strings.Contains(msg, `"nope"`) || !strings.Contains(msg, "tok (id az0001)") {
		t.Errorf("unknown authorizer: %s", msg)
	}
	hs.do("POST", "/restapis/zz/authorizers/tok", fullToken, TestInvokeAuthorizerInput{}).errorMessage(t, 404, ErrNotFound)
	msg = hs.do("POST", "/restapis/a1/authorizers/tok", fullToken, `{"header": {}}`).errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, `unknown field "header"`) {
		t.Errorf("misspelt field: %s", msg)
	}
	msg = hs.do("POST", "/restapis/a1/authorizers/tok", fullToken, TestInvokeAuthorizerInput{PathWithQueryString: "pets"}).errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, "pathWithQueryString") {
		t.Errorf("bad path: %s", msg)
	}
	msg = hs.do("POST", "/restapis/a1/authorizers/tok", fullToken, TestInvokeAuthorizerInput{AdditionalContext: map[string]string{"x": "y"}}).errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, `additionalContext "x"`) {
		t.Errorf("bad context key: %s", msg)
	}
	// A test runs the authorizer, so it needs the write scope like method test-invoke.
	hs.do("POST", "/restapis/a1/authorizers/tok", readToken, TestInvokeAuthorizerInput{}).errorMessage(t, 403, ErrAccessDenied)
	if calls.Load() != 2 {
		t.Errorf("refused requests invoked the function")
	}
}

func TestTestInvokeAuthorizerWithoutAuthorizers(t *testing.T) {
	hs := newHarness(t)
	hs.seedAPI("a1")
	msg := hs.do("POST", "/restapis/a1/authorizers/tok", fullToken, TestInvokeAuthorizerInput{}).errorMessage(t, 404, ErrNotFound)
	if !strings.Contains(msg, "runs no authorizers") {
		t.Errorf("message: %s", msg)
	}
}

func TestClientTestInvokeAuthorizer(t *testing.T) {
	hs, _ := newAuthorizerHarness(t)
	srv := httptest.NewServer(hs.h)
	defer srv.Close()
	c, err := NewClient(srv.URL, fullToken, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.TestInvokeAuthorizer(context.Background(), "a1", "tok", &TestInvokeAuthorizerInput{
		Headers: map[string]string{"Authorization": "Bearer nobody"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ClientStatus != 403 || out.PrincipalID != "u-1" || !strings.Contains(out.Log, "explicit Deny") {
		t.Errorf("got %+v", out)
	}
	_, err = c.TestInvokeAuthorizer(context.Background(), "a1", "missing", &TestInvokeAuthorizerInput{})
	if ae, ok := err.(*APIError); !ok || ae.Status != 404 {
		t.Errorf("unknown authorizer: %v", err)
	}
}
