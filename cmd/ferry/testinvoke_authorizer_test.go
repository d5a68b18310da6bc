package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/authorizer"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
)

// recordingTester answers every test with a fixed result and keeps the
// request it was given.
type recordingTester struct {
	name string
	got  *authorizer.TestRequest
}

func (r *recordingTester) TestInvoke(_ context.Context, api *model.API, idOrName string, req *authorizer.TestRequest) (*authorizer.TestResult, error) {
	if idOrName != r.name {
		return nil, fmt.Errorf("%w %q", authorizer.ErrUnknownAuthorizer, idOrName)
	}
	r.got = req
	return &authorizer.TestResult{ClientStatus: 403, Log: "Execution log for request x\nline 1\n", Latency: 12, PrincipalID: "user-1",
		Policy: `{"Statement":[]}`, Authorization: map[string][]string{"tier": {"gold"}, "a": {"1"}}}, nil
}

func TestCLITestInvokeAuthorizer(t *testing.T) {
	st := store.New(storetest.NewMemory())
	if err := st.CreateAPI(context.Background(), &model.API{RestAPI: model.RestAPI{ID: "a1", Name: "a"}}); err != nil {
		t.Fatal(err)
	}
	rt := &recordingTester{name: "tok"}
	h, err := admin.NewHandler(admin.Config{Store: st, Authorizers: rt, Tokens: []admin.Token{admin.FullAccess(cliToken)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := &cliHarness{t: t, url: srv.URL, env: map[string]string{"FERRY_ADMIN_URL": srv.URL, "FERRY_ADMIN_TOKEN": cliToken}}

	out := c.ok("test-invoke-authorizer", "a1", "tok", "--header", "Authorization=Bearer x", "--header", "X-Multi=1", "--header", "X-Multi=2",
		"--query", "tenant=acme", "--path", "/pets/7", "--stage-var", "env=blue", "--context", "identity.sourceIp=10.0.0.1")
	want := &authorizer.TestRequest{
		MultiValueHeaders:   map[string][]string{"Authorization": {"Bearer x"}, "X-Multi": {"1", "2"}},
		PathWithQueryString: "/pets/7?tenant=acme", StageVariables: map[string]string{"env": "blue"},
		AdditionalContext: map[string]string{"identity.sourceIp": "10.0.0.1"},
	}
	if !reflect.DeepEqual(rt.got, want) {
		t.Errorf("the server got %+v\nwant %+v", rt.got, want)
	}
	wantOut := "Client status: 403 (refused)\nLatency: 12 ms\nPrincipal: user-1\nPolicy: {\"Statement\":[]}\nContext:\n  a: 1\n  tier: gold\nLog:\nExecution log for request x\nline 1\n"
	if out != wantOut {
		t.Errorf("text output:\n%s\nwant:\n%s", out, wantOut)
	}

	var js map[string]any
	if err := json.Unmarshal([]byte(c.ok("test-invoke-authorizer", "a1", "tok", "--output", "json")), &js); err != nil {
		t.Fatal(err)
	}
	if js["clientStatus"] != 403.0 || js["principalId"] != "user-1" || rt.got.PathWithQueryString != "/" {
		t.Errorf("json output %v; path sent %q", js, rt.got.PathWithQueryString)
	}
	if errs := c.fails("test-invoke-authorizer", "a1", "other"); !strings.Contains(errs, "NotFoundException") || !strings.Contains(errs, `"other"`) {
		t.Errorf("unknown authorizer: %s", errs)
	}
	if errs := c.fails("test-invoke-authorizer", "a1"); !strings.Contains(errs, "Usage") && !strings.Contains(errs, "argument") {
		t.Errorf("missing argument: %s", errs)
	}
}
