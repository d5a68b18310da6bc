package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
	"github.com/ferrygw/ferry/internal/usageplan"
)

// newUsageCLI is the CLI against an admin API with usage counters and a
// stage "a1/prod".
func newUsageCLI(t *testing.T) (*cliHarness, *usageplan.Enforcer) {
	t.Helper()
	st := store.New(storetest.NewMemory())
	enf, err := usageplan.New(usageplan.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mock := &model.Method{HTTPMethod: "GET", AuthorizationType: "NONE", APIKeyRequired: true,
		MethodIntegration: &model.Integration{Type: model.IntegrationMock,
			IntegrationResponses: map[string]*model.IntegrationResponse{"200": {StatusCode: "200"}}},
		MethodResponses: map[string]*model.MethodResponse{"200": {StatusCode: "200"}}}
	api := &model.API{RestAPI: model.RestAPI{ID: "a1", Name: "pets", RootResourceID: "r0"}, Resources: []*model.Resource{
		{ID: "r0", Path: "/"},
		{ID: "r1", ParentID: "r0", PathPart: "pets", Path: "/pets", ResourceMethods: map[string]*model.Method{"GET": mock}}}}
	if err := st.CreateAPI(ctx, api); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeployToStage(ctx, "a1", &model.Deployment{ID: "d1", Snapshot: api}, "prod", nil, ""); err != nil {
		t.Fatal(err)
	}
	h, err := admin.NewHandler(admin.Config{Store: st, Usage: enf, Tokens: []admin.Token{
		admin.FullAccess(cliToken), {Value: "write-only-token-1", Scopes: []admin.Scope{admin.ScopeRead, admin.ScopeWrite}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &cliHarness{t: t, url: srv.URL, env: map[string]string{"FERRY_ADMIN_URL": srv.URL, "FERRY_ADMIN_TOKEN": cliToken}}, enf
}

func TestAPIKeyAndUsagePlanCLI(t *testing.T) {
	c, enf := newUsageCLI(t)
	keyID := strings.TrimSpace(c.ok("apikey", "create", "partner", "--value", "partner-value-0123456789"))
	if len(keyID) != 10 {
		t.Fatalf("apikey create printed %q, want the id alone", keyID)
	}
	genID := strings.TrimSpace(c.ok("apikey", "create", "generated"))
	var gen model.APIKey
	if err := json.Unmarshal([]byte(c.ok("apikey", "get", genID, "--include-value", "--output", "json")), &gen); err != nil {
		t.Fatal(err)
	}
	if len(gen.Value) != 40 || !gen.Enabled {
		t.Errorf("generated key %+v: want an enabled key with 40 characters", gen)
	}
	planID := strings.TrimSpace(c.ok("usageplan", "create", "gold", "--api", "a1", "--stage", "prod",
		"--rate", "50", "--burst", "100", "--quota", "3", "--period", "week", "--offset", "1", "--method-throttle", "/pets/GET=5:5"))
	if len(planID) != 6 {
		t.Fatalf("usageplan create printed %q, want the id alone", planID)
	}
	c.ok("usageplan", "add-key", planID, keyID)

	out := c.ok("usageplan", "get", planID)
	for _, want := range []string{"a1/prod", "50/s burst 100", "3 per WEEK (offset 1)", "/pets/GET", "5/s burst 5"} {
		if !strings.Contains(out, want) {
			t.Errorf("usageplan get lacks %q:\n%s", want, out)
		}
	}
	if _, rest, _ := strings.Cut(out, "quota start"); len(strings.Fields(rest)) == 0 {
		t.Errorf("usageplan get lacks the quota's start:\n%s", out)
	} else if at, err := time.Parse(time.RFC3339, strings.Fields(rest)[0]); err != nil || time.Since(at) > time.Minute {
		t.Errorf("quota start %q: want the plan's creation time (%v)", strings.Fields(rest)[0], err)
	}
	if out := c.ok("usageplan", "keys", planID); !strings.Contains(out, keyID) || !strings.Contains(out, "partner") {
		t.Errorf("usageplan keys:\n%s", out)
	}
	if out := c.ok("apikey", "list"); !strings.Contains(out, keyID) || strings.Contains(out, "partner-value") {
		t.Errorf("apikey list must show keys without values:\n%s", out)
	}

	m := &model.Method{HTTPMethod: "GET", APIKeyRequired: true}
	g, err := enf.Guard(&model.API{RestAPI: model.RestAPI{ID: "a1"}}, &model.Stage{StageName: "prod"}, &model.Resource{Path: "/pets"}, m)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest("GET", "http://gw/pets", nil)
	r.Header.Set("x-api-key", "partner-value-0123456789")
	if err := g(context.Background(), &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: "prod", Context: &reqctx.Context{}, Header: http.Header{}}); err != nil {
		t.Fatal(err)
	}
	var u usageplan.Usage
	if err := json.Unmarshal([]byte(c.ok("usageplan", "usage", planID, "--output", "json")), &u); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	// The plan started this week, its initial period: 3 less the offset
	// of 1, less the call just made, leaves 1.
	if d := u.Items[keyID]; u.StartDate != today || len(d) != 1 || d[0] != [2]int64{1, 1} {
		t.Errorf("usage %+v, want [[1 1]] for %s", u, keyID)
	}
	if out := c.ok("usageplan", "usage", planID); !strings.Contains(out, keyID) || !strings.Contains(out, today) {
		t.Errorf("usage table:\n%s", out)
	}

	if out := c.ok("usageplan", "update", planID, "--rate", "7", "--no-quota"); !strings.Contains(out, "throttle 7/s burst 100, quota -") {
		t.Errorf("usageplan update: %q", out)
	}
	if errs := c.fails("usageplan", "update", planID); !strings.Contains(errs, "nothing to change") {
		t.Errorf("update without flags: %q", errs)
	}
	if errs := c.fails("usageplan", "update", planID, "--rate", "fast"); !strings.Contains(errs, `rateLimit "fast" is not a number`) {
		t.Errorf("update with a bad rate: %q", errs)
	}

	c.ok("apikey", "disable", keyID)
	var k model.APIKey
	_ = json.Unmarshal([]byte(c.ok("apikey", "get", keyID, "--output", "json")), &k)
	if k.Enabled || k.Value != "" {
		t.Errorf("after disable: %+v", k)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"quota without period", []string{"usageplan", "create", "x", "--api", "a1", "--stage", "prod", "--quota", "5"}, "--quota needs --period"},
		{"period without quota", []string{"usageplan", "create", "x", "--api", "a1", "--stage", "prod", "--period", "DAY"}, "need --quota"},
		{"no stage", []string{"usageplan", "create", "x", "--api", "a1"}, "--api and --stage are required"},
		{"bad method throttle", []string{"usageplan", "create", "x", "--api", "a1", "--stage", "prod", "--method-throttle", "GET=1"}, "want RESOURCE_PATH/METHOD=RATE:BURST"},
		{"bad offset", []string{"usageplan", "create", "x", "--api", "a1", "--stage", "prod", "--quota", "1", "--period", "WEEK", "--offset", "9"}, "offset 9 is out of range"},
		{"unknown subcommand", []string{"usageplan", "frobnicate"}, `unknown subcommand "frobnicate"`},
		{"key into a missing plan", []string{"usageplan", "add-key", "nope", keyID}, `usage plan "nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if errs := c.fails(tc.args...); !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q, want %q", errs, tc.want)
			}
		})
	}

	c.env["FERRY_ADMIN_TOKEN"] = "write-only-token-1"
	if errs := c.fails("apikey", "get", keyID, "--include-value"); !strings.Contains(errs, "secrets") {
		t.Errorf("a token without the secrets scope: %q", errs)
	}
	c.env["FERRY_ADMIN_TOKEN"] = cliToken
	c.ok("usageplan", "remove-key", planID, keyID)
	c.ok("usageplan", "delete", planID)
	c.ok("apikey", "delete", keyID)
	if out := c.ok("apikey", "list"); strings.Contains(out, keyID) {
		t.Errorf("deleted key still listed:\n%s", out)
	}
}
