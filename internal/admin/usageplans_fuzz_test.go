package admin

import (
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// FuzzPatchUsagePlan feeds patch operations, whose paths carry escaped
// resource paths and API:STAGE pairs, to the plan patcher: any input is an
// error or a change, never a panic, and the patched plan never shares
// memory with the stored one.
func FuzzPatchUsagePlan(f *testing.F) {
	f.Add("replace", "/apiStages/a1:prod/throttle/~1pets/GET/rateLimit", "2")
	f.Add("remove", "/apiStages/a1:prod/throttle/~1pets/GET", "")
	f.Add("add", "/apiStages", "a1:dev")
	f.Add("replace", "/quota/period", "week")
	f.Add("replace", "/quota/offset", "-3")
	f.Add("replace", "/apiStages/:/throttle//", "")
	f.Fuzz(func(t *testing.T, op, path, value string) {
		orig := &model.UsagePlan{ID: "p", Name: "n", Throttle: &model.ThrottleSettings{RateLimit: 1, BurstLimit: 1},
			APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod",
				Throttle: map[string]*model.ThrottleSettings{"/pets/GET": {RateLimit: 1, BurstLimit: 1}}}}}
		p := clonePlan(orig)
		_ = patchPlan(p, PatchOperation{Op: op, Path: path, Value: value})
		if orig.Throttle.RateLimit != 1 || len(orig.APIStages) != 1 || orig.APIStages[0].Throttle["/pets/GET"].RateLimit != 1 {
			t.Fatalf("patching the clone changed the original: %+v", orig)
		}
	})
}
