package admin

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
	"github.com/ferrygw/ferry/internal/usageplan"
)

var _ KeyStore = (*store.Store)(nil)

// newKeysHarness is the admin API with the data plane's usage counters
// attached, and a stage "a1/prod" to bind plans to.
func newKeysHarness(t *testing.T) (*harness, *usageplan.Enforcer) {
	t.Helper()
	hs := &harness{t: t, st: store.New(storetest.NewMemory()), logs: &bytes.Buffer{}}
	enf, err := usageplan.New(usageplan.Config{Store: hs.st})
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(Config{
		Store: hs.st, Usage: enf,
		Tokens: []Token{FullAccess(fullToken), {Value: readToken, Scopes: []Scope{ScopeRead}},
			{Value: writeToken, Scopes: []Scope{ScopeWrite}}},
		Logger: slog.New(slog.NewTextHandler(hs.logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs.h = h
	api := hs.seedAPI("a1")
	hs.ok("POST", "/restapis/a1/deployments", CreateDeploymentInput{StageName: "prod"}, 201)
	_ = api
	return hs, enf
}

func TestAPIKeyRoutes(t *testing.T) {
	hs, _ := newKeysHarness(t)
	const value = "abcdefghij0123456789xyz"
	var k model.APIKey
	hs.ok("POST", "/apikeys", CreateAPIKeyInput{Name: "partner", Enabled: true, Value: value}, 201).json(t, &k)
	if k.ID == "" || k.Value != value || !k.Enabled {
		t.Fatalf("created %+v; the full token holds the secrets scope and sees the value", k)
	}
	var gen model.APIKey
	hs.do("POST", "/apikeys", writeToken, CreateAPIKeyInput{Name: "generated"}).json(t, &gen)
	if gen.ID == "" || gen.Value != "" || gen.Enabled {
		t.Errorf("a write-only token must not see the generated value, and keys start disabled: %+v", gen)
	}
	var full model.APIKey
	hs.ok("GET", "/apikeys/"+gen.ID+"?includeValue=true", nil, 200).json(t, &full)
	if len(full.Value) != GeneratedKeyLength || strings.Trim(full.Value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		t.Errorf("generated value %q: want %d letters and digits", full.Value, GeneratedKeyLength)
	}

	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
		errType, contains         string
	}{
		{"value without secrets scope", "GET", "/apikeys/" + k.ID + "?includeValue=true", readToken, nil, 403, ErrAccessDenied, `needs a token with the "secrets" scope`},
		{"list values without secrets scope", "GET", "/apikeys?includeValues=true", readToken, nil, 403, ErrAccessDenied, "includeValues=true"},
		{"bad includeValue", "GET", "/apikeys/" + k.ID + "?includeValue=yes!", fullToken, nil, 400, ErrBadRequest, "want true or false"},
		{"missing key", "GET", "/apikeys/nope", fullToken, nil, 404, ErrNotFound, `api key "nope"`},
		{"no name", "POST", "/apikeys", fullToken, CreateAPIKeyInput{}, 400, ErrBadRequest, "name is required"},
		{"short value", "POST", "/apikeys", fullToken, CreateAPIKeyInput{Name: "x", Value: "short-secret"}, 400, ErrBadRequest, "12 characters long; want 20 to 128"},
		{"value with a space", "POST", "/apikeys", fullToken, CreateAPIKeyInput{Name: "x", Value: "abcdefghij 123456789xyz"}, 400, ErrBadRequest, "position 11"},
		{"same value twice", "POST", "/apikeys", fullToken, CreateAPIKeyInput{Name: "x", Value: value}, 409, ErrConflict, "another api key has the same value"},
		{"unknown field", "POST", "/apikeys", fullToken, `{"name":"x","enabeld":true}`, 400, ErrBadRequest, "enabeld"},
		{"bad patch path", "PATCH", "/apikeys/" + k.ID, fullToken, map[string]any{"patchOperations": []PatchOperation{{Op: "replace", Path: "/value", Value: "x"}}}, 400, ErrBadRequest, `path "/value"`},
		{"bad enabled", "PATCH", "/apikeys/" + k.ID, fullToken, map[string]any{"patchOperations": []PatchOperation{{Op: "replace", Path: "/enabled", Value: "off"}}}, 400, ErrBadRequest, `/enabled "off"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := hs.do(tc.method, tc.path, tc.token, tc.body).errorMessage(t, tc.status, tc.errType)
			if !strings.Contains(msg, tc.contains) || strings.Contains(msg, value) {
				t.Errorf("message %q: want %q and never the value", msg, tc.contains)
			}
		})
	}

	var keys struct{ Item []model.APIKey }
	hs.do("GET", "/apikeys", readToken, nil).json(t, &keys)
	if len(keys.Item) != 2 || keys.Item[0].Value != "" || keys.Item[1].Value != "" {
		t.Errorf("list without values: %+v", keys.Item)
	}
	var upd model.APIKey
	hs.ok("PATCH", "/apikeys/"+k.ID, map[string]any{"patchOperations": []PatchOperation{{Op: "replace", Path: "/enabled", Value: "false"}}}, 200).json(t, &upd)
	if upd.Enabled || upd.Value != "" {
		t.Errorf("after disabling: %+v", upd)
	}
	hs.ok("DELETE", "/apikeys/"+k.ID, nil, 202)
	hs.do("GET", "/apikeys/"+k.ID, fullToken, nil).errorMessage(t, 404, ErrNotFound)
	if strings.Contains(hs.logs.String(), value) {
		t.Error("a key value reached the log")
	}
}

func TestUsagePlanRoutes(t *testing.T) {
	hs, enf := newKeysHarness(t)
	var k model.APIKey
	hs.ok("POST", "/apikeys", CreateAPIKeyInput{Name: "partner", Enabled: true, Value: "partner-key-0123456789"}, 201).json(t, &k)
	var p model.UsagePlan
	hs.ok("POST", "/usageplans", CreateUsagePlanInput{Name: "gold",
		APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}},
		Throttle:  &model.ThrottleSettings{RateLimit: 100, BurstLimit: 200},
		Quota:     &model.QuotaSettings{Limit: 3, Period: "DAY"}}, 201).json(t, &p)
	if p.ID == "" || p.Quota == nil || p.Quota.Limit != 3 {
		t.Fatalf("created %+v", p)
	}
	hs.ok("POST", "/usageplans/"+p.ID+"/keys", CreateUsagePlanKeyInput{KeyID: k.ID, KeyType: "API_KEY"}, 201)
	var bound model.UsagePlanKey
	hs.ok("GET", "/usageplans/"+p.ID+"/keys/"+k.ID, nil, 200).json(t, &bound)
	if bound.ID != k.ID || bound.Name != "partner" || bound.Type != "API_KEY" {
		t.Errorf("binding %+v", bound)
	}

	tests := []struct {
		name, method, path string
		body               any
		status             int
		contains           string
	}{
		{"no name", "POST", "/usageplans", CreateUsagePlanInput{}, 400, "name is required"},
		{"bad period", "POST", "/usageplans", CreateUsagePlanInput{Name: "x", Quota: &model.QuotaSettings{Limit: 1, Period: "YEAR"}}, 400, `period "YEAR"`},
		{"burst without rate", "POST", "/usageplans", CreateUsagePlanInput{Name: "x", Throttle: &model.ThrottleSettings{BurstLimit: 5}}, 400, "throttle: burstLimit 5 needs a rateLimit"},
		{"unknown stage", "POST", "/usageplans", CreateUsagePlanInput{Name: "x", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "dev"}}}, 400, `apiStages[0]: stage "dev"`},
		{"bad method key", "POST", "/usageplans", CreateUsagePlanInput{Name: "x", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod",
			Throttle: map[string]*model.ThrottleSettings{"GET": {RateLimit: 1}}}}}, 400, `apiStages[0].throttle["GET"]: want RESOURCE_PATH/METHOD`},
		{"bad key type", "POST", "/usageplans/" + p.ID + "/keys", CreateUsagePlanKeyInput{KeyID: k.ID, KeyType: "COGNITO"}, 400, `keyType "COGNITO"`},
		{"key twice", "POST", "/usageplans/" + p.ID + "/keys", CreateUsagePlanKeyInput{KeyID: k.ID, KeyType: "API_KEY"}, 409, "already in usage plan"},
		{"usage without dates", "GET", "/usageplans/" + p.ID + "/usage", nil, 400, "startDate and endDate are required"},
		{"usage of a missing plan", "GET", "/usageplans/nope/usage?startDate=2026-01-01&endDate=2026-01-02", nil, 404, `usage plan "nope"`},
		{"key not in plan", "GET", "/usageplans/" + p.ID + "/keys/other", nil, 404, `api key "other" is not in the plan`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e struct{ Message string }
			a := hs.do(tc.method, tc.path, fullToken, tc.body)
			a.json(t, &e)
			if a.status != tc.status || !strings.Contains(e.Message, tc.contains) {
				t.Errorf("%d %s, want %d containing %q", a.status, a.body, tc.status, tc.contains)
			}
		})
	}

	// Two calls through the guard, then the usage answer counts them.
	m := &model.Method{HTTPMethod: "GET", APIKeyRequired: true}
	g, err := enf.Guard(&model.API{RestAPI: model.RestAPI{ID: "a1"}}, &model.Stage{StageName: "prod"}, &model.Resource{Path: "/pets"}, m)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r, _ := http.NewRequest("GET", "http://gw/pets", nil)
		r.Header.Set("x-api-key", "partner-key-0123456789")
		if err := g(context.Background(), &pipeline.GuardRequest{HTTP: r, APIID: "a1", Stage: "prod", Context: &reqctx.Context{}, Header: http.Header{}}); err != nil {
			t.Fatal(err)
		}
	}
	today := time.Now().UTC().Format(time.DateOnly)
	var u usageplan.Usage
	hs.do("GET", "/usageplans/"+p.ID+"/usage?startDate="+today+"&endDate="+today, readToken, nil).json(t, &u)
	if got := u.Items[k.ID]; u.UsagePlanID != p.ID || len(got) != 1 || got[0] != [2]int64{2, 1} {
		t.Errorf("usage %+v, want [[2 1]] for %s", u, k.ID)
	}

	hs.ok("DELETE", "/usageplans/"+p.ID+"/keys/"+k.ID, nil, 202)
	var keys struct{ Item []model.UsagePlanKey }
	hs.ok("GET", "/usageplans/"+p.ID+"/keys", nil, 200).json(t, &keys)
	if len(keys.Item) != 0 {
		t.Errorf("keys after removal: %+v", keys.Item)
	}
	hs.ok("DELETE", "/usageplans/"+p.ID, nil, 202)
	hs.do("GET", "/usageplans/"+p.ID, fullToken, nil).errorMessage(t, 404, ErrNotFound)
}

// TestUsageWithoutCounters: a plain store serves keys but says clearly
// that usage is not available.
func TestUsageWithoutCounters(t *testing.T) {
	hs := newHarness(t)
	var p model.UsagePlan
	hs.ok("POST", "/usageplans", CreateUsagePlanInput{Name: "plain"}, 201).json(t, &p)
	msg := hs.do("GET", "/usageplans/"+p.ID+"/usage?startDate=2026-01-01&endDate=2026-01-01", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	if !strings.Contains(msg, "usage is not counted") {
		t.Errorf("message %q", msg)
	}
}
