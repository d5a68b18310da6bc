package admin

import (
	"path/filepath"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store/sqlite"
)

// TestOverSQLite runs an operator's day over the real default backend and
// checks that what the admin API wrote is there after a restart.
func TestOverSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ferry.db")
	b, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	hs := newHarnessOn(t, b)
	var api model.RestAPI
	hs.ok("POST", "/restapis?mode=import", readTestdata(t, "pets.yaml"), 201).json(t, &api)
	var d1, d2 model.Deployment
	hs.ok("POST", "/restapis/"+api.ID+"/deployments", CreateDeploymentInput{StageName: "prod"}, 201).json(t, &d1)
	hs.ok("POST", "/restapis/"+api.ID+"/deployments", CreateDeploymentInput{StageName: "prod"}, 201).json(t, &d2)
	hs.ok("PATCH", "/restapis/"+api.ID+"/stages/prod", UpdateStageInput{PatchOperations: []PatchOperation{
		{Op: "replace", Path: "/deploymentId", Value: d1.ID},
		{Op: "add", Path: "/variables/color", Value: "blue"},
	}}, 200)
	hs.ok("POST", "/ferry/restapis/"+api.ID+"/stages/prod/offline", nil, 200)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b2, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b2.Close() })
	hs2 := newHarnessOn(t, b2)
	var st model.Stage
	hs2.ok("GET", "/restapis/"+api.ID+"/stages/prod", nil, 200).json(t, &st)
	if st.DeploymentID != d1.ID || st.Variables["color"] != "blue" || !st.Offline {
		t.Fatalf("stage after reopening = %+v", st)
	}
	var ds struct {
		Item []model.Deployment `json:"item"`
	}
	hs2.ok("GET", "/restapis/"+api.ID+"/deployments", nil, 200).json(t, &ds)
	if len(ds.Item) != 2 {
		t.Fatalf("deployments after reopening = %+v", ds.Item)
	}
}
