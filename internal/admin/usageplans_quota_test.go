package admin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// TestUsagePlanQuotaOffset: an offset is checked against the limit when a
// quota is set, at create and by patch, and the 400 names the field.
func TestUsagePlanQuotaOffset(t *testing.T) {
	hs, _ := newKeysHarness(t)
	stages := []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}}
	tests := []struct {
		name  string
		quota model.QuotaSettings
		want  string // "" for 201
	}{
		{"no offset", model.QuotaSettings{Limit: 100, Period: "MONTH"}, ""},
		{"offset below the limit", model.QuotaSettings{Limit: 100, Period: "MONTH", Offset: 40}, ""},
		{"offset equal to the limit", model.QuotaSettings{Limit: 100, Period: "WEEK", Offset: 100}, ""},
		{"offset above the limit", model.QuotaSettings{Limit: 100, Period: "DAY", Offset: 101},
			"create usage plan: quota: offset 101 is out of range"},
		{"negative offset", model.QuotaSettings{Limit: 100, Period: "DAY", Offset: -5},
			"create usage plan: quota: offset -5 is out of range"},
		{"offset on a zero limit", model.QuotaSettings{Limit: 0, Period: "DAY", Offset: 1}, "from 0 to the limit 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.quota
			a := hs.do("POST", "/usageplans", fullToken, CreateUsagePlanInput{Name: "p", APIStages: stages, Quota: &q})
			if tc.want == "" {
				var p model.UsagePlan
				a.json(t, &p)
				if a.status != 201 || p.Quota == nil || *p.Quota != tc.quota {
					t.Fatalf("%d %s", a.status, a.body)
				}
				return
			}
			if msg := a.errorMessage(t, 400, ErrBadRequest); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want it to contain %q", msg, tc.want)
			}
		})
	}
}

// TestUsagePlanQuotaStart: ferryQuotaStart is set when a plan gets a
// quota, moves when a patch changes the quota, stays when a patch leaves
// it alone, and goes with the quota.
func TestUsagePlanQuotaStart(t *testing.T) {
	hs, _ := newKeysHarness(t)
	ctx := context.Background()
	ops := func(o ...PatchOperation) map[string]any { return map[string]any{"patchOperations": o} }
	replace := func(path, value string) PatchOperation {
		return PatchOperation{Op: "replace", Path: path, Value: value}
	}
	// now checks a start was recorded between before and the call's end,
	// to the second the model's dates keep.
	now := func(t *testing.T, before time.Time, got string) {
		t.Helper()
		at, err := time.Parse(time.RFC3339, got)
		if err != nil {
			t.Fatalf("ferryQuotaStart %q: %v", got, err)
		}
		if at.Before(before.Truncate(time.Second)) || at.After(time.Now()) {
			t.Errorf("ferryQuotaStart %s, want the time of the call (after %s)", got, before.Format(time.RFC3339))
		}
	}

	before := time.Now()
	a := hs.ok("POST", "/usageplans", CreateUsagePlanInput{Name: "gold", APIStages: []model.UsagePlanStage{{APIID: "a1", Stage: "prod"}},
		Quota: &model.QuotaSettings{Limit: 100, Period: "MONTH", Offset: 30}}, 201)
	var raw map[string]any
	a.json(t, &raw)
	start, _ := raw["ferryQuotaStart"].(string)
	now(t, before, start)
	var created model.UsagePlan
	a.json(t, &created)

	var bare model.UsagePlan
	hs.ok("POST", "/usageplans", CreateUsagePlanInput{Name: "free"}, 201).json(t, &bare)
	if bare.QuotaStart != "" {
		t.Errorf("a plan without a quota has ferryQuotaStart %q", bare.QuotaStart)
	}

	// A start long past, so a reset cannot be mistaken for the old value.
	const past = "2020-01-06T00:00:00Z"
	if _, err := hs.st.UpdateUsagePlan(ctx, created.ID, func(p *model.UsagePlan) error { p.QuotaStart = past; return nil }); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name      string
		ops       []PatchOperation
		status    int
		want      string // the start afterwards: past, "now" or ""
		errSubstr string
	}{
		{"name only", []PatchOperation{replace("/name", "platinum")}, 200, past, ""},
		{"limit replaced by itself", []PatchOperation{replace("/quota/limit", "100")}, 200, past, ""},
		{"offset above the limit", []PatchOperation{replace("/quota/offset", "101")}, 400, past,
			"update usage plan: quota: offset 101 is out of range"},
		{"negative offset", []PatchOperation{replace("/quota/offset", "-1")}, 400, past, "quota: offset -1 is out of range"},
		{"limit below the offset", []PatchOperation{replace("/quota/limit", "20")}, 400, past, "offset 30 is out of range"},
		{"offset not a number", []PatchOperation{replace("/quota/offset", "ten")}, 400, past, `quota offset "ten" is not a whole number`},
		{"offset changed", []PatchOperation{replace("/quota/offset", "10")}, 200, "now", ""},
		{"quota removed", []PatchOperation{{Op: "remove", Path: "/quota"}}, 200, "", ""},
		{"quota added again", []PatchOperation{replace("/quota/limit", "50"), replace("/quota/period", "day")}, 200, "now", ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := time.Now()
			a := hs.do("PATCH", "/usageplans/"+created.ID, fullToken, ops(st.ops...))
			if st.status != 200 {
				if msg := a.errorMessage(t, st.status, ErrBadRequest); !strings.Contains(msg, st.errSubstr) {
					t.Errorf("message %q, want it to contain %q", msg, st.errSubstr)
				}
			} else if a.status != 200 {
				t.Fatalf("%d %s", a.status, a.body)
			}
			p, err := hs.st.GetUsagePlan(ctx, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch st.want {
			case "now":
				now(t, before, p.QuotaStart)
				// Set back to the past for the steps after.
				if _, err := hs.st.UpdateUsagePlan(ctx, created.ID, func(p *model.UsagePlan) error { p.QuotaStart = past; return nil }); err != nil {
					t.Fatal(err)
				}
			default:
				if p.QuotaStart != st.want {
					t.Errorf("ferryQuotaStart %q, want %q", p.QuotaStart, st.want)
				}
			}
		})
	}
}

// TestUsagePlanLegacyOffset: a plan stored when offsets counted days (no
// ferryQuotaStart, an offset above its limit) still takes patches that
// leave its quota alone; a patch of the quota holds the offset to the
// meaning it has now.
func TestUsagePlanLegacyOffset(t *testing.T) {
	hs, _ := newKeysHarness(t)
	ctx := context.Background()
	legacy := &model.UsagePlan{ID: "old001", Name: "old", Quota: &model.QuotaSettings{Limit: 10, Period: "MONTH", Offset: 27}}
	if err := hs.st.CreateUsagePlan(ctx, legacy); err != nil {
		t.Fatal(err)
	}
	ops := func(o ...PatchOperation) map[string]any { return map[string]any{"patchOperations": o} }
	var p model.UsagePlan
	hs.ok("PATCH", "/usageplans/old001", ops(PatchOperation{Op: "replace", Path: "/name", Value: "renamed"}), 200).json(t, &p)
	if p.Name != "renamed" || p.QuotaStart != "" || *p.Quota != *legacy.Quota {
		t.Errorf("after a rename: %+v", p)
	}
	msg := hs.do("PATCH", "/usageplans/old001", fullToken, ops(PatchOperation{Op: "replace", Path: "/quota/limit", Value: "20"})).
		errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, "offset 27 is out of range") {
		t.Errorf("message %q", msg)
	}
	var fixed model.UsagePlan
	hs.ok("PATCH", "/usageplans/old001", ops(PatchOperation{Op: "replace", Path: "/quota/offset", Value: "4"}), 200).json(t, &fixed)
	if fixed.QuotaStart == "" || fixed.Quota.Offset != 4 {
		t.Errorf("after the offset's patch: %+v", fixed)
	}
	var listed struct{ Item []json.RawMessage }
	hs.ok("GET", "/usageplans", nil, 200).json(t, &listed)
	if len(listed.Item) != 1 || !strings.Contains(string(listed.Item[0]), `"ferryQuotaStart":"`+fixed.QuotaStart+`"`) {
		t.Errorf("list: %s", listed.Item)
	}
}
