package admin

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/usageplan"
)

// API keys and usage plans, on API Gateway's paths and in its shapes:
//
//	GET    /apikeys[?includeValues=true]              list keys
//	POST   /apikeys                                   create a key: CreateAPIKeyInput
//	GET    /apikeys/{id}[?includeValue=true]          describe a key
//	PATCH  /apikeys/{id}                              PatchOperations on /name, /description, /enabled
//	DELETE /apikeys/{id}                              delete a key and its plan bindings
//	GET    /usageplans                                list plans
//	POST   /usageplans                                create a plan: CreateUsagePlanInput
//	GET    /usageplans/{id}                           describe a plan
//	PATCH  /usageplans/{id}                           PatchOperations: see updateUsagePlan
//	DELETE /usageplans/{id}                           delete a plan (the keys stay)
//	GET    /usageplans/{id}/keys                      list the plan's keys
//	POST   /usageplans/{id}/keys                      bind a key: CreateUsagePlanKeyInput
//	GET    /usageplans/{id}/keys/{keyId}              describe a binding
//	DELETE /usageplans/{id}/keys/{keyId}              unbind a key
//	GET    /usageplans/{id}/usage?startDate&endDate[&keyId]   daily usage: usageplan.Usage
//
// A key's value is the secret a client presents: an answer carries it only
// when asked for (includeValue) by a token with the "secrets" scope, and
// asking without that scope is refused rather than silently ignored.

// KeyStore is what these routes need of package store beyond Store;
// *store.Store implements it. The server finds it on Config.Store, so a
// store without keys answers these routes with 404 instead of failing.
type KeyStore interface {
	CreateAPIKey(ctx context.Context, k *model.APIKey) error
	GetAPIKey(ctx context.Context, id string) (*model.APIKey, error)
	ListAPIKeys(ctx context.Context) ([]*model.APIKey, error)
	UpdateAPIKey(ctx context.Context, id string, fn func(*model.APIKey) error) (*model.APIKey, error)
	DeleteAPIKey(ctx context.Context, id string) error
	CreateUsagePlan(ctx context.Context, p *model.UsagePlan) error
	GetUsagePlan(ctx context.Context, id string) (*model.UsagePlan, error)
	ListUsagePlans(ctx context.Context) ([]*model.UsagePlan, error)
	UpdateUsagePlan(ctx context.Context, id string, fn func(*model.UsagePlan) error) (*model.UsagePlan, error)
	DeleteUsagePlan(ctx context.Context, id string) error
	UsagePlansForKey(ctx context.Context, keyID string) ([]*model.UsagePlan, error)
	AddUsagePlanKey(ctx context.Context, planID, keyID string) (*model.UsagePlanKey, error)
	ListUsagePlanKeys(ctx context.Context, planID string) ([]model.UsagePlanKey, error)
	RemoveUsagePlanKey(ctx context.Context, planID, keyID string) error
}

// UsageReader reports usage counted by the data plane; *usageplan.Enforcer
// implements it.
type UsageReader interface {
	Usage(ctx context.Context, plan *model.UsagePlan, keyIDs []string, start, end time.Time) (*usageplan.Usage, error)
}

// CreateAPIKeyInput is the body of POST /apikeys.
type CreateAPIKeyInput struct {
	// Name is the key's display name; required.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// Enabled keys are accepted by the gateway; false by default, as in API Gateway.
	Enabled bool `json:"enabled"`
	// Value is the key itself, 20 to 128 characters; empty generates 40 random letters and digits.
	Value string `json:"value,omitempty"`
	// GenerateDistinctID is accepted for API Gateway's clients; ids are always distinct.
	GenerateDistinctID bool `json:"generateDistinctId,omitempty"`
	// StageKeys lists "API_ID/STAGE" the key is meant for (informational).
	StageKeys []string `json:"stageKeys,omitempty"`
}

// CreateUsagePlanInput is the body of POST /usageplans.
type CreateUsagePlanInput struct {
	// Name is the plan's display name; required.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// APIStages are the API stages the plan covers.
	APIStages []model.UsagePlanStage `json:"apiStages,omitempty"`
	// Throttle is the token bucket every key of the plan gets.
	Throttle *model.ThrottleSettings `json:"throttle,omitempty"`
	// Quota is the request budget every key of the plan gets per period.
	Quota *model.QuotaSettings `json:"quota,omitempty"`
}

// CreateUsagePlanKeyInput is the body of POST /usageplans/{id}/keys.
type CreateUsagePlanKeyInput struct {
	// KeyID is the API key to bind.
	KeyID string `json:"keyId"`
	// KeyType must be API_KEY.
	KeyType string `json:"keyType"`
}

// API keys' values are between these lengths, as in API Gateway.
const (
	minKeyValue = 20
	maxKeyValue = 128
	// GeneratedKeyLength is the length of a value ferry makes up.
	GeneratedKeyLength = 40
)

func (s *server) usagePlanRoutes() {
	s.handle("GET /apikeys", s.withKeys(s.listAPIKeys))
	s.handle("POST /apikeys", s.withKeys(s.createAPIKey))
	s.handle("GET /apikeys/{id}", s.withKeys(s.getAPIKey))
	s.handle("PATCH /apikeys/{id}", s.withKeys(s.updateAPIKey))
	s.handle("DELETE /apikeys/{id}", s.withKeys(s.deleteAPIKey))
	s.handle("GET /usageplans", s.withKeys(s.listUsagePlans))
	s.handle("POST /usageplans", s.withKeys(s.createUsagePlan))
	s.handle("GET /usageplans/{id}", s.withKeys(s.getUsagePlan))
	s.handle("PATCH /usageplans/{id}", s.withKeys(s.updateUsagePlan))
	s.handle("DELETE /usageplans/{id}", s.withKeys(s.deleteUsagePlan))
	s.handle("GET /usageplans/{id}/keys", s.withKeys(s.listUsagePlanKeys))
	s.handle("POST /usageplans/{id}/keys", s.withKeys(s.addUsagePlanKey))
	s.handle("GET /usageplans/{id}/keys/{keyId}", s.withKeys(s.getUsagePlanKey))
	s.handle("DELETE /usageplans/{id}/keys/{keyId}", s.withKeys(s.removeUsagePlanKey))
	s.handle("GET /usageplans/{id}/usage", s.withKeys(s.getUsage))
}

func (s *server) keyStore() (KeyStore, bool) {
	ks, ok := s.store.(KeyStore)
	return ks, ok
}

func (s *server) withKeys(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, ok := s.keyStore(); !ok {
			return notFound("API keys and usage plans are not enabled on this admin API")
		}
		return h(w, r)
	}
}

func (s *server) ks() KeyStore {
	ks, _ := s.keyStore()
	return ks
}

// showValue says whether an answer may carry key values: the caller asked
// for them with param and holds the secrets scope.
func (s *server) showValue(r *http.Request, param string) (bool, error) {
	v := r.URL.Query().Get(param)
	if v == "" {
		return false, nil
	}
	show, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest("%s=%q: want true or false", param, v)
	}
	if show && !s.tokenHas(r, ScopeSecrets) {
		return false, &APIError{Status: http.StatusForbidden, Type: ErrAccessDenied,
			Message: fmt.Sprintf(`%s=true needs a token with the "secrets" scope`, param)}
	}
	return show, nil
}

func keyAnswer(k *model.APIKey, show bool) *model.APIKey {
	if !show {
		k.Value = ""
	}
	return k
}

func (s *server) listAPIKeys(w http.ResponseWriter, r *http.Request) error {
	show, err := s.showValue(r, "includeValues")
	if err != nil {
		return err
	}
	keys, err := s.ks().ListAPIKeys(r.Context())
	if err != nil {
		return err
	}
	for _, k := range keys {
		keyAnswer(k, show)
	}
	return writeJSON(w, http.StatusOK, list[*model.APIKey]{Item: orEmpty(keys)})
}

// NewKeyValue returns a random key value of GeneratedKeyLength letters and
// digits, each drawn without modulo bias.
func NewKeyValue() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 0, GeneratedKeyLength)
	var buf [64]byte
	for len(out) < GeneratedKeyLength {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			// 248 is the largest multiple of 62 below 256.
			if b < 248 && len(out) < GeneratedKeyLength {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

func (s *server) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	var in CreateAPIKeyInput
	if err := decodeJSON(r, "create api key", &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Name) == "" {
		return badRequest("create api key: name is required")
	}
	generated := in.Value == ""
	if generated {
		in.Value = NewKeyValue()
	} else if err := checkKeyValue(in.Value); err != nil {
		return err
	}
	k := &model.APIKey{ID: model.NewID(10), Name: in.Name, Description: in.Description, Enabled: in.Enabled,
		Value: in.Value, StageKeys: in.StageKeys}
	if err := s.ks().CreateAPIKey(r.Context(), k); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, keyAnswer(k, s.tokenHas(r, ScopeSecrets)))
}

// checkKeyValue never quotes the value: it is a secret even when it is wrong.
func checkKeyValue(v string) error {
	if n := len(v); n < minKeyValue || n > maxKeyValue {
		return badRequest("create api key: value is %d characters long; want %d to %d", n, minKeyValue, maxKeyValue)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x21 || c > 0x7e {
			return badRequest("create api key: value has a character at position %d that is not printable ASCII (spaces and controls are refused)", i+1)
		}
	}
	return nil
}

func (s *server) getAPIKey(w http.ResponseWriter, r *http.Request) error {
	show, err := s.showValue(r, "includeValue")
	if err != nil {
		return err
	}
	k, err := s.ks().GetAPIKey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, keyAnswer(k, show))
}

func (s *server) updateAPIKey(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PatchOperations []PatchOperation `json:"patchOperations"`
	}
	if err := decodeJSON(r, "update api key", &in); err != nil {
		return err
	}
	k, err := s.ks().UpdateAPIKey(r.Context(), r.PathValue("id"), func(k *model.APIKey) error {
		for i, op := range in.PatchOperations {
			if op.Op != "replace" {
				return badRequest("update api key: patchOperations[%d]: op %q: want replace", i, op.Op)
			}
			switch op.Path {
			case "/name":
				if strings.TrimSpace(op.Value) == "" {
					return badRequest("update api key: patchOperations[%d]: /name must not be empty", i)
				}
				k.Name = op.Value
			case "/description":
				k.Description = op.Value
			case "/enabled":
				b, err := strconv.ParseBool(op.Value)
				if err != nil {
					return badRequest("update api key: patchOperations[%d]: /enabled %q: want true or false", i, op.Value)
				}
				k.Enabled = b
			default:
				return badRequest("update api key: patchOperations[%d]: path %q: want /name, /description or /enabled", i, op.Path)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, keyAnswer(k, false))
}

func (s *server) deleteAPIKey(w http.ResponseWriter, r *http.Request) error {
	if err := s.ks().DeleteAPIKey(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return writeAccepted(w)
}

func (s *server) listUsagePlans(w http.ResponseWriter, r *http.Request) error {
	plans, err := s.ks().ListUsagePlans(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[*model.UsagePlan]{Item: orEmpty(plans)})
}

func (s *server) createUsagePlan(w http.ResponseWriter, r *http.Request) error {
	var in CreateUsagePlanInput
	if err := decodeJSON(r, "create usage plan", &in); err != nil {
		return err
	}
	p := &model.UsagePlan{ID: model.NewID(6), Name: in.Name, Description: in.Description,
		APIStages: in.APIStages, Throttle: in.Throttle, Quota: in.Quota}
	if p.Quota != nil {
		p.QuotaStart = quotaStartNow()
	}
	if err := s.checkUsagePlan(r.Context(), "create usage plan", p); err != nil {
		return err
	}
	if err := s.ks().CreateUsagePlan(r.Context(), p); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, p)
}

// checkUsagePlan refuses what the gateway could not enforce, naming the
// field: a plan that stored fine and then failed every request would be
// worse than a 400 now.
func (s *server) checkUsagePlan(ctx context.Context, what string, p *model.UsagePlan) error {
	if strings.TrimSpace(p.Name) == "" {
		return badRequest("%s: name is required", what)
	}
	if err := checkThrottle(what, "throttle", p.Throttle); err != nil {
		return err
	}
	if err := checkPlanQuota(p); err != nil {
		return badRequest("%s: %v", what, err)
	}
	for i, st := range p.APIStages {
		where := fmt.Sprintf("apiStages[%d]", i)
		if st.APIID == "" || st.Stage == "" {
			return badRequest("%s: %s: apiId and stage are required", what, where)
		}
		if _, err := s.store.GetStage(ctx, st.APIID, st.Stage); err != nil {
			return badRequest("%s: %s: %v", what, where, err)
		}
		for k, t := range st.Throttle {
			if !strings.Contains(k, "/") {
				return badRequest("%s: %s.throttle[%q]: want RESOURCE_PATH/METHOD, e.g. /pets/GET", what, where, k)
			}
			if err := checkThrottle(what, fmt.Sprintf("%s.throttle[%q]", where, k), t); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkPlanQuota checks a quota that is being set (it has a start) in
// full. A plan stored before ferry recorded quota starts, whose offset then
// counted days and may exceed its limit, is only held to what the gateway
// needs to serve it, so a patch of its name does not fail on an offset the
// patch did not touch.
func checkPlanQuota(p *model.UsagePlan) error {
	if p.QuotaStart != "" {
		if err := usageplan.CheckQuota(p.Quota); err != nil {
			return err
		}
	}
	_, _, err := usageplan.NewQuota(p)
	return err
}

// quotaStartNow is the moment a quota set now comes into effect, in the
// form of the model's other dates.
func quotaStartNow() string {
	return time.Now().UTC().Format(time.RFC3339)
}

func checkThrottle(what, where string, t *model.ThrottleSettings) error {
	if t == nil {
		return nil
	}
	if t.RateLimit < 0 || t.BurstLimit < 0 {
		return badRequest("%s: %s: rateLimit and burstLimit must not be negative", what, where)
	}
	if t.RateLimit == 0 && t.BurstLimit > 0 {
		return badRequest("%s: %s: burstLimit %d needs a rateLimit above 0", what, where, t.BurstLimit)
	}
	return nil
}

func (s *server) getUsagePlan(w http.ResponseWriter, r *http.Request) error {
	p, err := s.ks().GetUsagePlan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *server) deleteUsagePlan(w http.ResponseWriter, r *http.Request) error {
	if err := s.ks().DeleteUsagePlan(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return writeAccepted(w)
}

func (s *server) listUsagePlanKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.ks().ListUsagePlanKeys(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[model.UsagePlanKey]{Item: orEmpty(keys)})
}

func (s *server) addUsagePlanKey(w http.ResponseWriter, r *http.Request) error {
	var in CreateUsagePlanKeyInput
	if err := decodeJSON(r, "create usage plan key", &in); err != nil {
		return err
	}
	if in.KeyID == "" {
		return badRequest("create usage plan key: keyId is required")
	}
	if in.KeyType != "API_KEY" {
		return badRequest("create usage plan key: keyType %q: want API_KEY", in.KeyType)
	}
	k, err := s.ks().AddUsagePlanKey(r.Context(), r.PathValue("id"), in.KeyID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, k)
}

func (s *server) getUsagePlanKey(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.ks().ListUsagePlanKeys(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID == r.PathValue("keyId") {
			return writeJSON(w, http.StatusOK, k)
		}
	}
	return notFound("usage plan %q: api key %q is not in the plan", r.PathValue("id"), r.PathValue("keyId"))
}

func (s *server) removeUsagePlanKey(w http.ResponseWriter, r *http.Request) error {
	if err := s.ks().RemoveUsagePlanKey(r.Context(), r.PathValue("id"), r.PathValue("keyId")); err != nil {
		return err
	}
	return writeAccepted(w)
}

func (s *server) getUsage(w http.ResponseWriter, r *http.Request) error {
	u := s.cfg.Usage
	if u == nil {
		return notFound("usage is not counted by this server: the admin API was built without the gateway's counters")
	}
	q := r.URL.Query()
	start, end, err := usageplan.ParseUsageRange(q.Get("startDate"), q.Get("endDate"))
	if err != nil {
		return badRequest("%v", err)
	}
	plan, err := s.ks().GetUsagePlan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	var ids []string
	if id := q.Get("keyId"); id != "" {
		ids = []string{id}
	} else {
		keys, err := s.ks().ListUsagePlanKeys(r.Context(), plan.ID)
		if err != nil {
			return err
		}
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
	}
	out, err := u.Usage(r.Context(), plan, ids, start, end)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// Client calls for the routes above.

// CreateAPIKey creates a key; the answer has its value only when the token holds the secrets scope.
func (c *Client) CreateAPIKey(ctx context.Context, in *CreateAPIKeyInput) (*model.APIKey, error) {
	var out model.APIKey
	return &out, c.call(ctx, http.MethodPost, "/apikeys", nil, in, &out)
}

// GetAPIKey describes a key; includeValue needs the secrets scope.
func (c *Client) GetAPIKey(ctx context.Context, id string, includeValue bool) (*model.APIKey, error) {
	var q url.Values
	if includeValue {
		q = url.Values{"includeValue": {"true"}}
	}
	var out model.APIKey
	return &out, c.call(ctx, http.MethodGet, Path("apikeys", id), q, nil, &out)
}

// ListAPIKeys lists keys without their values.
func (c *Client) ListAPIKeys(ctx context.Context) ([]*model.APIKey, error) {
	var out list[*model.APIKey]
	return out.Item, c.call(ctx, http.MethodGet, "/apikeys", nil, nil, &out)
}

// UpdateAPIKey applies patch operations (/name, /description, /enabled).
func (c *Client) UpdateAPIKey(ctx context.Context, id string, ops ...PatchOperation) (*model.APIKey, error) {
	var out model.APIKey
	in := struct {
		PatchOperations []PatchOperation `json:"patchOperations"`
	}{ops}
	return &out, c.call(ctx, http.MethodPatch, Path("apikeys", id), nil, in, &out)
}

// DeleteAPIKey deletes a key.
func (c *Client) DeleteAPIKey(ctx context.Context, id string) error {
	return c.call(ctx, http.MethodDelete, Path("apikeys", id), nil, nil, nil)
}

// CreateUsagePlan creates a plan.
func (c *Client) CreateUsagePlan(ctx context.Context, in *CreateUsagePlanInput) (*model.UsagePlan, error) {
	var out model.UsagePlan
	return &out, c.call(ctx, http.MethodPost, "/usageplans", nil, in, &out)
}

// GetUsagePlan describes a plan.
func (c *Client) GetUsagePlan(ctx context.Context, id string) (*model.UsagePlan, error) {
	var out model.UsagePlan
	return &out, c.call(ctx, http.MethodGet, Path("usageplans", id), nil, nil, &out)
}

// ListUsagePlans lists plans.
func (c *Client) ListUsagePlans(ctx context.Context) ([]*model.UsagePlan, error) {
	var out list[*model.UsagePlan]
	return out.Item, c.call(ctx, http.MethodGet, "/usageplans", nil, nil, &out)
}

// DeleteUsagePlan deletes a plan.
func (c *Client) DeleteUsagePlan(ctx context.Context, id string) error {
	return c.call(ctx, http.MethodDelete, Path("usageplans", id), nil, nil, nil)
}

// AddUsagePlanKey binds a key to a plan.
func (c *Client) AddUsagePlanKey(ctx context.Context, planID, keyID string) (*model.UsagePlanKey, error) {
	var out model.UsagePlanKey
	return &out, c.call(ctx, http.MethodPost, Path("usageplans", planID, "keys"), nil,
		&CreateUsagePlanKeyInput{KeyID: keyID, KeyType: "API_KEY"}, &out)
}

// ListUsagePlanKeys lists a plan's keys.
func (c *Client) ListUsagePlanKeys(ctx context.Context, planID string) ([]model.UsagePlanKey, error) {
	var out list[model.UsagePlanKey]
	return out.Item, c.call(ctx, http.MethodGet, Path("usageplans", planID, "keys"), nil, nil, &out)
}

// RemoveUsagePlanKey unbinds a key from a plan.
func (c *Client) RemoveUsagePlanKey(ctx context.Context, planID, keyID string) error {
	return c.call(ctx, http.MethodDelete, Path("usageplans", planID, "keys", keyID), nil, nil, nil)
}

// GetUsage reads daily usage from startDate to endDate (YYYY-MM-DD), of
// one key when keyID is set.
func (c *Client) GetUsage(ctx context.Context, planID, startDate, endDate, keyID string) (*usageplan.Usage, error) {
	q := url.Values{"startDate": {startDate}, "endDate": {endDate}}
	if keyID != "" {
		q.Set("keyId", keyID)
	}
	var out usageplan.Usage
	return &out, c.call(ctx, http.MethodGet, Path("usageplans", planID, "usage"), q, nil, &out)
}
