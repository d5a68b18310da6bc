package admin

import (
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestUpdateUsagePlan(t *testing.T) {
	hs, _ := newKeysHarness(t)
	hs.ok("POST", "/restapis/a1/deployments", CreateDeploymentInput{StageName: "dev"}, 201)
	var p, other model.UsagePlan
	hs.ok("POST", "/usageplans", CreateUsagePlanInput{Name: "gold", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}}}, 201).json(t, &p)
	hs.ok("POST", "/usageplans", CreateUsagePlanInput{Name: "silver", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "dev"}}}, 201).json(t, &other)
	var k model.APIKey
	hs.ok("POST", "/apikeys", CreateAPIKeyInput{Name: "k", Enabled: true, Value: "a-key-value-0123456789"}, 201).json(t, &k)
	hs.ok("POST", "/usageplans/"+p.ID+"/keys", CreateUsagePlanKeyInput{KeyID: k.ID, KeyType: "API_KEY"}, 201)
	hs.ok("POST", "/usageplans/"+other.ID+"/keys", CreateUsagePlanKeyInput{KeyID: k.ID, KeyType: "API_KEY"}, 201)

	ops := func(o ...PatchOperation) map[string]any { return map[string]any{"patchOperations": o} }
	var got model.UsagePlan
	hs.ok("PATCH", "/usageplans/"+p.ID, ops(
		PatchOperation{Op: "replace", Path: "/name", Value: "platinum"},
		PatchOperation{Op: "replace", Path: "/throttle/rateLimit", Value: "12.5"},
		PatchOperation{Op: "replace", Path: "/throttle/burstLimit", Value: "30"},
		PatchOperation{Op: "replace", Path: "/quota/limit", Value: "1000"},
		PatchOperation{Op: "replace", Path: "/quota/period", Value: "week"},
		PatchOperation{Op: "replace", Path: "/quota/offset", Value: "1"},
		PatchOperation{Op: "replace", Path: "/apiStages/a1:prod/throttle/~1pets/GET/rateLimit", Value: "2"},
		PatchOperation{Op: "replace", Path: "/apiStages/a1:prod/throttle/~1pets/GET/burstLimit", Value: "4"},
	), 200).json(t, &got)
	if got.Name != "platinum" || got.Throttle == nil || *got.Throttle != (model.ThrottleSettings{RateLimit: 12.5, BurstLimit: 30}) ||
		got.Quota == nil || *got.Quota != (model.QuotaSettings{Limit: 1000, Period: "WEEK", Offset: 1}) ||
		len(got.APIStages) != 1 || got.APIStages[0].Throttle["/pets/GET"] == nil || *got.APIStages[0].Throttle["/pets/GET"] != (model.ThrottleSettings{RateLimit: 2, BurstLimit: 4}) {
		t.Fatalf("after the patch: %+v", got)
	}
	// Decoded into a fresh value each time: JSON leaves absent fields alone.
	var removed model.UsagePlan
	hs.ok("PATCH", "/usageplans/"+p.ID, ops(PatchOperation{Op: "remove", Path: "/quota"},
		PatchOperation{Op: "remove", Path: "/apiStages/a1:prod/throttle/~1pets/GET"}), 200).json(t, &removed)
	if removed.Quota != nil || len(removed.APIStages[0].Throttle) != 0 {
		t.Errorf("after removal: %+v", removed)
	}

	tests := []struct {
		name   string
		op     PatchOperation
		status int
		want   string
	}{
		{"bad rate", PatchOperation{Op: "replace", Path: "/throttle/rateLimit", Value: "fast"}, 400, `patchOperations[0]: rateLimit "fast" is not a number`},
		{"negative burst", PatchOperation{Op: "replace", Path: "/throttle/burstLimit", Value: "-1"}, 400, "update usage plan: throttle: rateLimit and burstLimit must not be negative"},
		{"bad period", PatchOperation{Op: "replace", Path: "/quota/period", Value: "YEAR"}, 400, `period "YEAR"`},
		{"unknown path", PatchOperation{Op: "replace", Path: "/productCode", Value: "x"}, 400, `path "/productCode" is not supported`},
		{"stage not covered", PatchOperation{Op: "remove", Path: "/apiStages", Value: "a1:qa"}, 400, "does not cover a1:qa"},
		{"malformed stage", PatchOperation{Op: "add", Path: "/apiStages", Value: "a1"}, 400, `"a1": want API_ID:STAGE`},
		{"missing stage", PatchOperation{Op: "add", Path: "/apiStages", Value: "a1:qa"}, 400, `apiStages[1]: stage "qa"`},
		{"stage a key's other plan covers", PatchOperation{Op: "add", Path: "/apiStages", Value: "a1:dev"}, 409, "is also in usage plan " + `"` + other.ID + `"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e struct{ Message string }
			a := hs.do("PATCH", "/usageplans/"+p.ID, fullToken, ops(tc.op))
			a.json(t, &e)
			if a.status != tc.status || !strings.Contains(e.Message, tc.want) {
				t.Errorf("%d %q, want %d containing %q", a.status, e.Message, tc.status, tc.want)
			}
		})
	}
	var after model.UsagePlan
	hs.ok("GET", "/usageplans/"+p.ID, nil, 200).json(t, &after)
	if len(after.APIStages) != 1 || after.Throttle.RateLimit != 12.5 {
		t.Errorf("a refused patch changed the plan: %+v", after)
	}
	var bare model.UsagePlan
	hs.ok("PATCH", "/usageplans/"+p.ID, ops(PatchOperation{Op: "remove", Path: "/apiStages", Value: "a1:prod"}), 200).json(t, &bare)
	if len(bare.APIStages) != 0 {
		t.Errorf("stages after removal: %+v", bare.APIStages)
	}
}
