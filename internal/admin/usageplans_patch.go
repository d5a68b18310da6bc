package admin

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// updateUsagePlan applies API Gateway's patch operations to a plan:
//
//	replace /name, /description
//	replace /throttle/rateLimit, /throttle/burstLimit     remove /throttle
//	replace /quota/limit, /quota/period, /quota/offset    remove /quota
//	add, remove /apiStages with value "API_ID:STAGE"
//	replace /apiStages/API_ID:STAGE/throttle/RESOURCE_PATH/METHOD/rateLimit (and burstLimit),
//	  the resource path's slashes escaped as ~1; remove .../throttle/RESOURCE_PATH/METHOD
//
// The result is checked as a new plan would be, and a stage added to a plan
// must not be covered already by another plan of one of its keys. A patch
// that adds or changes the quota records the moment in ferryQuotaStart.
func (s *server) updateUsagePlan(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PatchOperations []PatchOperation `json:"patchOperations"`
	}
	if err := decodeJSON(r, "update usage plan", &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	// Checked before the write: the store's update runs in a transaction
	// that must not call back into the store.
	cur, err := s.ks().GetUsagePlan(r.Context(), id)
	if err != nil {
		return err
	}
	next := clonePlan(cur)
	for i, op := range in.PatchOperations {
		if err := patchPlan(next, op); err != nil {
			return badRequest("update usage plan: patchOperations[%d]: %v", i, err)
		}
	}
	setQuotaStart(cur, next)
	if err := s.checkUsagePlan(r.Context(), "update usage plan", next); err != nil {
		return err
	}
	if err := s.checkAddedStages(r.Context(), cur, next); err != nil {
		return err
	}
	p, err := s.ks().UpdateUsagePlan(r.Context(), id, func(p *model.UsagePlan) error {
		*p = *next
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// setQuotaStart records when next's quota comes into effect: now when the
// patch added or changed it, which starts a new initial period (the one
// its offset applies to); nothing when the quota was removed. A patch that
// leaves the quota as it was keeps its start, even one that replaced a
// field with the value it had.
func setQuotaStart(cur, next *model.UsagePlan) {
	switch {
	case next.Quota == nil:
		next.QuotaStart = ""
	case cur.Quota == nil || *cur.Quota != *next.Quota:
		next.QuotaStart = quotaStartNow()
	}
}

func clonePlan(p *model.UsagePlan) *model.UsagePlan {
	c := *p
	if p.Throttle != nil {
		t := *p.Throttle
		c.Throttle = &t
	}
	if p.Quota != nil {
		q := *p.Quota
		c.Quota = &q
	}
	c.APIStages = make([]model.UsagePlanStage, len(p.APIStages))
	for i, st := range p.APIStages {
		c.APIStages[i] = st
		if st.Throttle != nil {
			c.APIStages[i].Throttle = make(map[string]*model.ThrottleSettings, len(st.Throttle))
			for k, t := range st.Throttle {
				tc := *t
				c.APIStages[i].Throttle[k] = &tc
			}
		}
	}
	return &c
}

func patchPlan(p *model.UsagePlan, op PatchOperation) error {
	switch {
	case op.Op == "replace" && op.Path == "/name":
		p.Name = op.Value
	case op.Op == "replace" && op.Path == "/description":
		p.Description = op.Value
	case op.Op == "remove" && op.Path == "/throttle":
		p.Throttle = nil
	case op.Op == "remove" && op.Path == "/quota":
		p.Quota = nil
	case op.Op == "replace" && strings.HasPrefix(op.Path, "/throttle/"):
		if p.Throttle == nil {
			p.Throttle = &model.ThrottleSettings{}
		}
		return patchThrottle(p.Throttle, strings.TrimPrefix(op.Path, "/throttle/"), op.Value)
	case op.Op == "replace" && strings.HasPrefix(op.Path, "/quota/"):
		if p.Quota == nil {
			p.Quota = &model.QuotaSettings{}
		}
		return patchQuota(p.Quota, strings.TrimPrefix(op.Path, "/quota/"), op.Value)
	case (op.Op == "add" || op.Op == "remove") && op.Path == "/apiStages":
		return patchStages(p, op)
	case strings.HasPrefix(op.Path, "/apiStages/"):
		return patchStageThrottle(p, op)
	default:
		return fmt.Errorf("op %q on path %q is not supported; see the admin API's usage plan paths", op.Op, op.Path)
	}
	return nil
}

func patchThrottle(t *model.ThrottleSettings, field, value string) error {
	switch field {
	case "rateLimit":
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("rateLimit %q is not a number", value)
		}
		t.RateLimit = f
	case "burstLimit":
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("burstLimit %q is not a whole number", value)
		}
		t.BurstLimit = n
	default:
		return fmt.Errorf("throttle field %q: want rateLimit or burstLimit", field)
	}
	return nil
}

func patchQuota(q *model.QuotaSettings, field, value string) error {
	switch field {
	case "limit", "offset":
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("quota %s %q is not a whole number", field, value)
		}
		if field == "limit" {
			q.Limit = n
		} else {
			q.Offset = n
		}
	case "period":
		q.Period = strings.ToUpper(value)
	default:
		return fmt.Errorf("quota field %q: want limit, period or offset", field)
	}
	return nil
}

func splitAPIStage(v string) (apiID, stage string, err error) {
	apiID, stage, ok := strings.Cut(v, ":")
	if !ok || apiID == "" || stage == "" {
		return "", "", fmt.Errorf("API stage %q: want API_ID:STAGE", v)
	}
	return apiID, stage, nil
}

func stageIndex(p *model.UsagePlan, apiID, stage string) int {
	for i, st := range p.APIStages {
		if st.APIID == apiID && st.Stage == stage {
			return i
		}
	}
	return -1
}

func patchStages(p *model.UsagePlan, op PatchOperation) error {
	apiID, stage, err := splitAPIStage(op.Value)
	if err != nil {
		return err
	}
	i := stageIndex(p, apiID, stage)
	switch {
	case op.Op == "add" && i >= 0:
		return fmt.Errorf("the plan already covers %s", op.Value)
	case op.Op == "add":
		p.APIStages = append(p.APIStages, model.UsagePlanStage{APIID: apiID, Stage: stage})
	case i < 0:
		return fmt.Errorf("the plan does not cover %s", op.Value)
	default:
		p.APIStages = append(p.APIStages[:i], p.APIStages[i+1:]...)
	}
	return nil
}

// patchStageThrottle handles /apiStages/API:STAGE/throttle/~1path/METHOD[/field].
func patchStageThrottle(p *model.UsagePlan, op PatchOperation) error {
	rest := strings.TrimPrefix(op.Path, "/apiStages/")
	target, method, ok := strings.Cut(rest, "/throttle/")
	if !ok {
		return fmt.Errorf("path %q: want /apiStages/API_ID:STAGE/throttle/RESOURCE_PATH/METHOD[/rateLimit|/burstLimit]", op.Path)
	}
	apiID, stage, err := splitAPIStage(target)
	if err != nil {
		return err
	}
	i := stageIndex(p, apiID, stage)
	if i < 0 {
		return fmt.Errorf("the plan does not cover %s", target)
	}
	st := &p.APIStages[i]
	if op.Op == "remove" {
		key := unescapeMethodKey(method)
		if _, ok := st.Throttle[key]; !ok {
			return fmt.Errorf("no throttle for %s on %s", key, target)
		}
		delete(st.Throttle, key)
		return nil
	}
	if op.Op != "replace" {
		return fmt.Errorf("op %q on %q: want replace or remove", op.Op, op.Path)
	}
	j := strings.LastIndexByte(method, '/')
	if j < 0 {
		return fmt.Errorf("path %q: the method's throttle field is missing (rateLimit or burstLimit)", op.Path)
	}
	key, field := unescapeMethodKey(method[:j]), method[j+1:]
	if st.Throttle == nil {
		st.Throttle = map[string]*model.ThrottleSettings{}
	}
	t := st.Throttle[key]
	if t == nil {
		t = &model.ThrottleSettings{}
		st.Throttle[key] = t
	}
	return patchThrottle(t, field, op.Value)
}

// unescapeMethodKey turns "~1pets~1{id}/GET" into "/pets/{id}/GET".
func unescapeMethodKey(k string) string {
	k = strings.ReplaceAll(k, "~1", "/")
	if !strings.HasPrefix(k, "/") {
		k = "/" + k
	}
	return k
}

// checkAddedStages keeps the store's rule that a key is in at most one
// plan per stage when a plan gains a stage.
func (s *server) checkAddedStages(ctx context.Context, cur, next *model.UsagePlan) error {
	var added []model.UsagePlanStage
	for _, st := range next.APIStages {
		if stageIndex(cur, st.APIID, st.Stage) < 0 {
			added = append(added, st)
		}
	}
	if len(added) == 0 {
		return nil
	}
	keys, err := s.ks().ListUsagePlanKeys(ctx, cur.ID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		plans, err := s.ks().UsagePlansForKey(ctx, k.ID)
		if err != nil {
			return err
		}
		for _, o := range plans {
			if o.ID == cur.ID {
				continue
			}
			for _, st := range added {
				if stageIndex(o, st.APIID, st.Stage) >= 0 {
					return conflict("update usage plan: api key %q is also in usage plan %q, which covers %s/%s already",
						k.ID, o.ID, st.APIID, st.Stage)
				}
			}
		}
	}
	return nil
}

// UpdateUsagePlan applies patch operations to a plan.
func (c *Client) UpdateUsagePlan(ctx context.Context, id string, ops ...PatchOperation) (*model.UsagePlan, error) {
	var out model.UsagePlan
	in := struct {
		PatchOperations []PatchOperation `json:"patchOperations"`
	}{ops}
	return &out, c.call(ctx, http.MethodPatch, Path("usageplans", id), nil, in, &out)
}
