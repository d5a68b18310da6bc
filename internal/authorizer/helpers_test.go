package authorizer

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
)

const testAuthURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"

// fakeLambda stands in for the signed Invoke call: it records each event
// and answers with what answer returns.
type fakeLambda struct {
	calls  atomic.Int32
	last   atomic.Value // []byte
	answer func(event []byte) (*integration.Response, error)
	cfg    integration.Config
}

func (f *fakeLambda) factory(cfg integration.Config) (integration.Backend, error) {
	f.cfg = cfg
	return func(_ context.Context, req *integration.Request) (*integration.Response, error) {
		f.calls.Add(1)
		f.last.Store(req.Body)
		return f.answer(req.Body)
	}, nil
}

func okAnswer(body string) func([]byte) (*integration.Response, error) {
	return func([]byte) (*integration.Response, error) {
		return &integration.Response{Status: 200, Header: http.Header{}, Body: []byte(body)}, nil
	}
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func testAPI(authz ...*model.Authorizer) *model.API {
	return &model.API{RestAPI: model.RestAPI{ID: "abc123"}, Authorizers: authz}
}

func intp(n int) *int { return &n }

// guardFor compiles the guard of GET /pets/{id} with the given authorizer.
func guardFor(t testing.TB, a *Authorizers, api *model.API, authType string, scopes ...string) pipeline.Guard {
	t.Helper()
	res := &model.Resource{ID: "r1", Path: "/pets/{id}"}
	m := &model.Method{HTTPMethod: "GET", AuthorizationType: authType, AuthorizerID: api.Authorizers[0].ID, AuthorizationScopes: scopes}
	g, err := a.Guard(api, &model.Stage{APIID: api.RestAPI.ID, StageName: "prod", DeploymentID: "d1"}, res, m)
	if err != nil {
		t.Fatal(err)
	}
	if g == nil {
		t.Fatal("no guard for a method with an authorizer")
	}
	return g
}

// call runs a guard for GET /prod/pets/{id} with the given headers.
func call(g pipeline.Guard, id string, header map[string]string) (*pipeline.GuardRequest, error) {
	return callAs(g, id, header, "123456789012")
}

// callAs is call with $context.accountId set to account.
func callAs(g pipeline.Guard, id string, header map[string]string, account string) (*pipeline.GuardRequest, error) {
	r := httptest.NewRequest("GET", "http://gw.example/prod/pets/"+id+"?q=1", nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	gr := &pipeline.GuardRequest{
		HTTP: r, APIID: "abc123", Stage: "prod", ResourcePath: "/pets/{id}", HTTPMethod: "GET",
		PathParams: map[string]string{"id": id}, StageVariables: map[string]string{"env": "blue"},
		Context: &reqctx.Context{AccountID: account, RequestID: "req-1"}, Header: http.Header{},
	}
	return gr, g(context.Background(), gr)
}

// refusal checks err is a gateway response of type want with message msg.
func refusal(t *testing.T, err error, want gatewayresponse.Type, msg string) {
	t.Helper()
	var ge *gatewayresponse.Error
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v, want a %s gateway response", err, want)
	}
	if ge.Type != want || (msg != "" && ge.Message != msg) {
		t.Fatalf("got %s %q, want %s %q (cause %v)", ge.Type, ge.Message, want, msg, ge.Cause)
	}
}
