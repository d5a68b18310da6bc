package store_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
)

func TestDeployments(t *testing.T) {
	s, _ := newStore(t)
	must(t, s.CreateAPI(ctx, newAPI("aaaaaaaaaa", "pets")))
	for _, d := range []*model.Deployment{
		{ID: "old001", APIID: "aaaaaaaaaa", CreatedDate: "2026-01-01T00:00:00Z", Snapshot: newAPI("aaaaaaaaaa", "v1")},
		{ID: "new001", APIID: "aaaaaaaaaa", CreatedDate: "2026-03-01T00:00:00Z", Snapshot: newAPI("aaaaaaaaaa", "v3")},
		{ID: "mid001", APIID: "aaaaaaaaaa", CreatedDate: "2026-02-01T00:00:00.5Z", Snapshot: newAPI("aaaaaaaaaa", "v2")},
		{ID: "mid000", APIID: "aaaaaaaaaa", CreatedDate: "2026-02-01T00:00:00.25Z", Snapshot: newAPI("aaaaaaaaaa", "v2")},
	} {
		must(t, s.CreateDeployment(ctx, d))
	}
	wantErr(t, s.CreateDeployment(ctx, &model.Deployment{ID: "old001", APIID: "aaaaaaaaaa"}), store.ErrConflict,
		`deployment "old001": already exists: conflict`)
	wantErr(t, s.CreateDeployment(ctx, &model.Deployment{ID: "x", APIID: "nope"}), store.ErrNotFound, `api "nope": not found`)

	ds, err := s.ListDeployments(ctx, "aaaaaaaaaa")
	must(t, err)
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
		if d.Snapshot != nil {
			t.Errorf("listing carries the snapshot of %s", d.ID)
		}
	}
	if want := []string{"new001", "mid001", "mid000", "old001"}; !slices.Equal(ids, want) {
		t.Fatalf("ListDeployments order %q, want newest first %q", ids, want)
	}
	d, err := s.GetDeployment(ctx, "aaaaaaaaaa", "mid001")
	must(t, err)
	if d.Snapshot == nil || d.Snapshot.RestAPI.Name != "v2" {
		t.Fatalf("GetDeployment lost the snapshot: %+v", d)
	}
	_, err = s.GetDeployment(ctx, "aaaaaaaaaa", "zzz")
	wantErr(t, err, store.ErrNotFound, `deployment "zzz": not found`)

	must(t, s.CreateStage(ctx, &model.Stage{APIID: "aaaaaaaaaa", StageName: "prod", DeploymentID: "old001"}))
	wantErr(t, s.DeleteDeployment(ctx, "aaaaaaaaaa", "old001"), store.ErrConflict,
		`deployment "old001": stage "prod" still serves it: conflict`)
	must(t, s.PutStage(ctx, &model.Stage{APIID: "aaaaaaaaaa", StageName: "prod", DeploymentID: "new001"}))
	must(t, s.DeleteDeployment(ctx, "aaaaaaaaaa", "old001"))
	wantErr(t, s.DeleteDeployment(ctx, "aaaaaaaaaa", "old001"), store.ErrNotFound, `deployment "old001": not found`)
}

func TestStages(t *testing.T) {
	s, _ := newStore(t)
	seedAPI(t, s, "one")
	seedAPI(t, s, "two")
	wantErr(t, s.CreateStage(ctx, &model.Stage{APIID: "one", StageName: "prod", DeploymentID: "d1"}), store.ErrConflict,
		`stage "prod": already exists: conflict`)
	wantErr(t, s.CreateStage(ctx, &model.Stage{APIID: "one", StageName: "dev", DeploymentID: "nope"}), store.ErrNotFound,
		`deployment "nope": not found`)
	must(t, s.CreateStage(ctx, &model.Stage{APIID: "one", StageName: "dev", DeploymentID: "d1", Variables: map[string]string{"a": "1"}}))

	before, err := s.GetStage(ctx, "one", "dev")
	must(t, err)
	must(t, s.PutStage(ctx, &model.Stage{APIID: "one", StageName: "dev", DeploymentID: "d1", Description: "replaced"}))
	after, err := s.GetStage(ctx, "one", "dev")
	must(t, err)
	if after.Description != "replaced" || after.Variables != nil || after.CreatedDate != before.CreatedDate || after.LastUpdatedDate == "" {
		t.Fatalf("PutStage: before %+v after %+v", before, after)
	}

	sts, err := s.ListStages(ctx, "one")
	must(t, err)
	if len(sts) != 2 || sts[0].StageName != "dev" || sts[1].StageName != "prod" {
		t.Fatalf("ListStages(one) = %+v", sts)
	}
	all, err := s.ListAllStages(ctx)
	must(t, err)
	var names []string
	for _, st := range all {
		names = append(names, st.APIID+"/"+st.StageName)
	}
	if want := []string{"one/dev", "one/prod", "two/prod"}; !slices.Equal(names, want) {
		t.Fatalf("ListAllStages = %q, want %q", names, want)
	}
	must(t, s.DeleteStage(ctx, "one", "dev"))
	_, err = s.GetStage(ctx, "one", "dev")
	wantErr(t, err, store.ErrNotFound, `stage "dev": not found`)
	wantErr(t, s.DeleteStage(ctx, "one", "dev"), store.ErrNotFound, `stage "dev": not found`)
	if _, err := s.GetDeployment(ctx, "one", "d1"); err != nil {
		t.Fatalf("deleting a stage removed its deployment: %v", err)
	}
}

func TestDeployToStage(t *testing.T) {
	s, _ := newStore(t)
	must(t, s.CreateAPI(ctx, newAPI("aaaaaaaaaa", "pets")))

	st, err := s.DeployToStage(ctx, "aaaaaaaaaa", &model.Deployment{ID: "d1"}, "prod",
		map[string]string{"backend": "v1", "region": "eu"}, "first")
	must(t, err)
	if st.DeploymentID != "d1" || st.Description != "first" || st.CreatedDate == "" {
		t.Fatalf("first deploy: %+v", st)
	}
	st, err = s.DeployToStage(ctx, "aaaaaaaaaa", &model.Deployment{ID: "d2"}, "prod", map[string]string{"backend": "v2"}, "")
	must(t, err)
	stored, err := s.GetStage(ctx, "aaaaaaaaaa", "prod")
	must(t, err)
	for _, got := range []*model.Stage{st, stored} {
		if got.DeploymentID != "d2" || got.Description != "first" ||
			!maps.Equal(got.Variables, map[string]string{"backend": "v2", "region": "eu"}) {
			t.Fatalf("second deploy: %+v", got)
		}
	}
	d, err := s.GetDeployment(ctx, "aaaaaaaaaa", "d2")
	must(t, err)
	if d.APIID != "aaaaaaaaaa" {
		t.Fatalf("deployment api id %q", d.APIID)
	}

	cases := []struct {
		name   string
		api    string
		d      *model.Deployment
		target error
		msg    string
	}{
		{"duplicate deployment", "aaaaaaaaaa", &model.Deployment{ID: "d1"}, store.ErrConflict, `deployment "d1": already exists: conflict`},
		{"missing api", "nope", &model.Deployment{ID: "d9"}, store.ErrNotFound, `api "nope": not found`},
		{"other api's deployment", "aaaaaaaaaa", &model.Deployment{ID: "d9", APIID: "other"}, nil,
			`deployment "d9": belongs to api "other", not "aaaaaaaaaa"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.DeployToStage(ctx, c.api, c.d, "prod", map[string]string{"backend": "bad"}, "")
			if err == nil || err.Error() != c.msg || (c.target != nil && !errors.Is(err, c.target)) {
				t.Fatalf("error %v, want %q", err, c.msg)
			}
		})
	}
	if got, _ := s.GetStage(ctx, "aaaaaaaaaa", "prod"); got.DeploymentID != "d2" || got.Variables["backend"] != "v2" {
		t.Fatalf("failed deploys changed the stage: %+v", got)
	}
}

// A stage write that fails after the deployment was written must take the
// deployment with it.
func TestDeployToStageIsAtomic(t *testing.T) {
	_, b := newStore(t)
	good := store.New(b)
	must(t, good.CreateAPI(ctx, newAPI("aaaaaaaaaa", "pets")))
	bad := store.New(failingBackend{Backend: b, failPrefix: "stage/"})
	_, err := bad.DeployToStage(ctx, "aaaaaaaaaa", &model.Deployment{ID: "d1"}, "prod", nil, "")
	if !errors.Is(err, errInjected) {
		t.Fatalf("DeployToStage error %v, want the injected failure", err)
	}
	if keys := keysWithPrefix(allKeys(t, b), "deployment/"); len(keys) != 0 {
		t.Fatalf("deployment written although the stage write failed: %q", keys)
	}
}

// TestUpdateStageConcurrent runs many read-modify-write patches of one stage
// at once, each setting its own variable and some flipping Offline: every
// variable must survive, which a plain read-then-PutStage loses.
func TestUpdateStageConcurrent(t *testing.T) {
	s, _ := newStore(t)
	seedAPI(t, s, "aaaaaaaaaa")
	const writers = 16
	errs := make(chan error, writers)
	for i := range writers {
		go func() {
			_, err := s.UpdateStage(ctx, "aaaaaaaaaa", "prod", func(st *model.Stage) error {
				if st.Variables == nil {
					st.Variables = map[string]string{}
				}
				st.Variables[fmt.Sprintf("v%02d", i)] = "set"
				if i%2 == 0 {
					st.Offline = true
				}
				return nil
			})
			errs <- err
		}()
	}
	conflicts := 0
	for range writers {
		if err := <-errs; errors.Is(err, store.ErrConflict) {
			conflicts++
		} else {
			must(t, err)
		}
	}
	st, err := s.GetStage(ctx, "aaaaaaaaaa", "prod")
	must(t, err)
	if got := len(st.Variables); got != writers-conflicts {
		t.Fatalf("%d variables stored after %d successful updates: %v", got, writers-conflicts, st.Variables)
	}
	if conflicts == writers {
		t.Fatal("every update gave up with a conflict")
	}
	if !st.Offline {
		t.Error("Offline set by half of the writers was lost")
	}
}

func TestUpdateStageErrors(t *testing.T) {
	s, _ := newStore(t)
	seedAPI(t, s, "aaaaaaaaaa")
	_, err := s.UpdateStage(ctx, "aaaaaaaaaa", "nope", func(*model.Stage) error { return nil })
	wantErr(t, err, store.ErrNotFound, `stage "nope": not found`)

	boom := errors.New("boom")
	_, err = s.UpdateStage(ctx, "aaaaaaaaaa", "prod", func(st *model.Stage) error {
		st.Description = "half done"
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want fn's", err)
	}
	st, err := s.GetStage(ctx, "aaaaaaaaaa", "prod")
	must(t, err)
	if st.Description != "" {
		t.Fatalf("a failed update was stored: %q", st.Description)
	}

	_, err = s.UpdateStage(ctx, "aaaaaaaaaa", "prod", func(st *model.Stage) error {
		st.StageName = "other"
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "may not change") {
		t.Fatalf("renaming through UpdateStage: %v", err)
	}
	_, err = s.UpdateStage(ctx, "aaaaaaaaaa", "prod", func(st *model.Stage) error {
		st.DeploymentID = "missing"
		return nil
	})
	wantErr(t, err, store.ErrNotFound, `deployment "missing": not found`)
}
