package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
)

func TestAPICRUD(t *testing.T) {
	s, _ := newStore(t)
	must(t, s.CreateAPI(ctx, newAPI("bbbbbbbbbb", "pets")))
	must(t, s.CreateAPI(ctx, newAPI("aaaaaaaaaa", "pets")))
	must(t, s.CreateAPI(ctx, newAPI("cccccccccc", "orders")))

	wantErr(t, s.CreateAPI(ctx, newAPI("aaaaaaaaaa", "again")), store.ErrConflict,
		`api "aaaaaaaaaa": already exists: conflict`)
	_, err := s.GetAPI(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, `api "nope": not found`)
	wantErr(t, s.PutAPI(ctx, newAPI("nope", "x")), store.ErrNotFound, `api "nope": not found`)

	got, err := s.GetAPI(ctx, "aaaaaaaaaa")
	must(t, err)
	if got.RestAPI.Name != "pets" || got.RestAPI.CreatedDate == "" || len(got.Resources) != 1 {
		t.Fatalf("GetAPI = %+v", got.RestAPI)
	}

	list, err := s.ListAPIs(ctx)
	must(t, err)
	var order []string
	for _, r := range list {
		order = append(order, r.Name+"/"+r.ID)
	}
	if want := []string{"orders/cccccccccc", "pets/aaaaaaaaaa", "pets/bbbbbbbbbb"}; !slices.Equal(order, want) {
		t.Fatalf("ListAPIs order %q, want %q", order, want)
	}

	replacement := newAPI("aaaaaaaaaa", "pets v2")
	replacement.Resources = append(replacement.Resources, &model.Resource{ID: "r1", ParentID: "root00", PathPart: "pets", Path: "/pets"})
	must(t, s.PutAPI(ctx, replacement))
	got, _ = s.GetAPI(ctx, "aaaaaaaaaa")
	if got.RestAPI.Name != "pets v2" || got.FindResource("/pets") == nil {
		t.Fatalf("PutAPI did not replace: %+v", got.RestAPI)
	}
}

func TestUpdateAPI(t *testing.T) {
	s, b := newStore(t)
	must(t, s.CreateAPI(ctx, newAPI("aaaaaaaaaa", "pets")))

	updated, err := s.UpdateAPI(ctx, "aaaaaaaaaa", func(a *model.API) error {
		a.RestAPI.Description = "edited"
		a.Resources = append(a.Resources, &model.Resource{ID: "r1", Path: "/pets"})
		return nil
	})
	must(t, err)
	if updated.RestAPI.Description != "edited" {
		t.Fatalf("UpdateAPI returned %+v", updated.RestAPI)
	}
	got, _ := s.GetAPI(ctx, "aaaaaaaaaa")
	if got.RestAPI.Description != "edited" || len(got.Resources) != 2 {
		t.Fatalf("update not stored: %+v", got.RestAPI)
	}

	rev, _ := b.Revision(ctx)
	cases := []struct {
		name   string
		id     string
		fn     func(*model.API) error
		target error
		msg    string
	}{
		{"fn error", "aaaaaaaaaa", func(a *model.API) error {
			a.RestAPI.Description = "lost"
			return errors.New("resource already exists")
		}, nil, "resource already exists"},
		{"id change", "aaaaaaaaaa", func(a *model.API) error { a.RestAPI.ID = "other"; return nil },
			nil, `api "aaaaaaaaaa": an update may not change the id (to "other")`},
		{"missing", "nope", func(*model.API) error { t.Error("fn called for a missing API"); return nil },
			store.ErrNotFound, `api "nope": not found`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.UpdateAPI(ctx, c.id, c.fn)
			if err == nil || err.Error() != c.msg {
				t.Fatalf("error %v, want %q", err, c.msg)
			}
			if c.target != nil && !errors.Is(err, c.target) {
				t.Fatalf("error %v does not wrap %v", err, c.target)
			}
		})
	}
	got, _ = s.GetAPI(ctx, "aaaaaaaaaa")
	if got.RestAPI.Description != "edited" {
		t.Fatalf("a failed update changed the API: %q", got.RestAPI.Description)
	}
	if r, _ := b.Revision(ctx); r != rev {
		t.Fatalf("failed updates moved the revision from %d to %d", rev, r)
	}
}

func TestDeleteAPICascades(t *testing.T) {
	s, b := newStore(t)
	seedAPI(t, s, "gone")
	seedAPI(t, s, "kept")
	must(t, s.PutDomainName(ctx, &model.DomainName{DomainName: "api.example.com"}))
	must(t, s.PutBasePathMapping(ctx, &model.BasePathMapping{DomainName: "api.example.com", BasePath: "a", RestAPIID: "gone", Stage: "prod"}))
	must(t, s.PutBasePathMapping(ctx, &model.BasePathMapping{DomainName: "api.example.com", BasePath: "b", RestAPIID: "kept", Stage: "prod"}))
	must(t, s.CreateUsagePlan(ctx, &model.UsagePlan{ID: "plan01", Name: "gold", APIStages: []model.UsagePlanStage{
		{APIID: "gone", Stage: "prod"}, {APIID: "kept", Stage: "prod"},
	}}))
	for _, scope := range []string{store.ScopeAPI("gone"), store.ScopeStage("gone", "prod"), store.ScopeAPI("kept")} {
		must(t, s.CreateKVMap(ctx, &store.KVMap{Scope: scope, Name: "creds", Encrypted: true}))
		must(t, s.PutKVMEntry(ctx, scope, "creds", "k", []byte("sealed")))
	}

	must(t, s.DeleteAPI(ctx, "gone"))

	for _, k := range allKeys(t, b) {
		if slices.Contains([]string{"api/gone", "deployment/gone/d1", "stage/gone/prod", "basepath/api.example.com/a",
			"kvm/api:gone/creds", "kvm/stage:gone/prod/creds", "kvmentry/api:gone/creds/k", "kvmentry/stage:gone/prod/creds/k"}, k) {
			t.Errorf("key %q survived DeleteAPI", k)
		}
	}
	if _, err := s.GetStage(ctx, "kept", "prod"); err != nil {
		t.Errorf("other API's stage: %v", err)
	}
	if ms, _ := s.ListAllBasePathMappings(ctx); len(ms) != 1 || ms[0].RestAPIID != "kept" {
		t.Errorf("mappings after delete: %+v", ms)
	}
	p, err := s.GetUsagePlan(ctx, "plan01")
	must(t, err)
	if len(p.APIStages) != 1 || p.APIStages[0].APIID != "kept" {
		t.Errorf("plan stages after delete: %+v", p.APIStages)
	}
	if v, err := s.GetKVMEntry(ctx, store.ScopeAPI("kept"), "creds", "k"); err != nil || string(v) != "sealed" {
		t.Errorf("other API's kvm entry: %q, %v", v, err)
	}
	wantErr(t, s.DeleteAPI(ctx, "gone"), store.ErrNotFound, `api "gone": not found`)
}

func TestRejectsBadNames(t *testing.T) {
	s, _ := newStore(t)
	cases := []struct {
		name string
		err  error
		msg  string
	}{
		{"empty api id", s.CreateAPI(ctx, newAPI("", "x")), "api: empty name"},
		{"slash in api id", s.CreateAPI(ctx, newAPI("a/b", "x")), `api "a/b": must not contain '/'`},
		{"slash in stage", s.CreateStage(ctx, &model.Stage{APIID: "a", StageName: "p/q", DeploymentID: "d"}), `stage "p/q": must not contain '/'`},
		{"nil api", s.CreateAPI(ctx, nil), "create api: nil API"},
		{"bad scope", s.CreateKVMap(ctx, &store.KVMap{Scope: "stage:abc", Name: "m"}),
			`kvm scope "stage:abc": want "global", "api:{apiId}" or "stage:{apiId}/{stageName}"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil || c.err.Error() != c.msg {
				t.Fatalf("error %v, want %q", c.err, c.msg)
			}
		})
	}
}
