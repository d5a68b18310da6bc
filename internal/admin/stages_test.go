package admin

import (
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestDeploymentsAndStages(t *testing.T) {
	hs := newHarness(t)
	hs.seedAPI("api0000001")
	base := "/restapis/api0000001"

	var d1 model.Deployment
	hs.ok("POST", base+"/deployments", CreateDeploymentInput{StageName: "prod", Description: "first",
		StageDescription: "production", Variables: map[string]string{"backend": "b1"}}, 201).json(t, &d1)
	if d1.ID == "" || d1.Description != "first" || d1.Snapshot != nil || d1.CreatedDate == "" {
		t.Fatalf("created deployment = %+v (the answer must not carry the snapshot)", d1)
	}
	var st model.Stage
	hs.ok("GET", base+"/stages/prod", nil, 200).json(t, &st)
	if st.DeploymentID != d1.ID || st.Description != "production" || st.Variables["backend"] != "b1" {
		t.Fatalf("stage after deploy = %+v", st)
	}
	var d2 model.Deployment
	hs.ok("POST", base+"/deployments", CreateDeploymentInput{Description: "second"}, 201).json(t, &d2)

	var ds struct {
		Item []model.Deployment `json:"item"`
	}
	hs.ok("GET", base+"/deployments", nil, 200).json(t, &ds)
	if len(ds.Item) != 2 {
		t.Fatalf("deployments = %+v", ds.Item)
	}
	if strings.Contains(string(hs.ok("GET", base+"/deployments", nil, 200).body), "ferrySnapshot") ||
		strings.Contains(string(hs.ok("GET", base+"/deployments/"+d2.ID, nil, 200).body), "ferrySnapshot") {
		t.Fatal("a deployment answer carries the snapshot")
	}
	hs.do("GET", base+"/deployments/nope", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	hs.do("GET", "/restapis/nope/deployments", fullToken, nil).errorMessage(t, 404, ErrNotFound)

	// A second stage on the second deployment, by CreateStage.
	hs.ok("POST", base+"/stages", CreateStageInput{StageName: "beta", DeploymentID: d2.ID}, 201)
	hs.do("POST", base+"/stages", fullToken, CreateStageInput{StageName: "beta", DeploymentID: d2.ID}).errorMessage(t, 409, ErrConflict)
	hs.do("POST", base+"/stages", fullToken, CreateStageInput{StageName: "x", DeploymentID: "nope"}).errorMessage(t, 404, ErrNotFound)
	msg := hs.do("POST", base+"/stages", fullToken, CreateStageInput{StageName: "bad name", DeploymentID: d2.ID}).errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, `"bad name"`) {
		t.Fatalf("bad stage name message %q", msg)
	}
	var sts struct {
		Item []model.Stage `json:"item"`
	}
	hs.ok("GET", base+"/stages", nil, 200).json(t, &sts)
	if len(sts.Item) != 2 || sts.Item[0].StageName != "beta" || sts.Item[1].StageName != "prod" {
		t.Fatalf("stages = %+v", sts.Item)
	}

	// A deployment a stage serves cannot go.
	hs.do("DELETE", base+"/deployments/"+d1.ID, fullToken, nil).errorMessage(t, 409, ErrConflict)

	// Patch: move prod forward, change its description and variables.
	st = model.Stage{} // decoding into a used map would merge keys
	hs.ok("PATCH", base+"/stages/prod", UpdateStageInput{PatchOperations: []PatchOperation{
		{Op: "replace", Path: "/deploymentId", Value: d2.ID},
		{Op: "replace", Path: "/description", Value: "prod v2"},
		{Op: "replace", Path: "/variables/region", Value: "eu-west-1"},
		{Op: "remove", Path: "/variables/backend"},
	}}, 200).json(t, &st)
	if st.DeploymentID != d2.ID || st.Description != "prod v2" || st.Variables["region"] != "eu-west-1" || len(st.Variables) != 1 {
		t.Fatalf("stage after patch = %+v", st)
	}
	hs.ok("DELETE", base+"/deployments/"+d1.ID, nil, 202)

	badPatches := []struct {
		name string
		ops  []PatchOperation
		want string
	}{
		{"unknown path", []PatchOperation{{Op: "replace", Path: "/cacheClusterEnabled", Value: "true"}}, "patchOperations[0]"},
		{"unknown op", []PatchOperation{{Op: "move", Path: "/description"}}, `op "move"`},
		{"missing deployment", []PatchOperation{{Op: "replace", Path: "/deploymentId", Value: "nope"}}, "nope"},
		{"remove deployment", []PatchOperation{{Op: "remove", Path: "/deploymentId"}}, "keep a deployment"},
		{"remove unset variable", []PatchOperation{{Op: "replace", Path: "/description", Value: "x"},
			{Op: "remove", Path: "/variables/ghost"}}, "patchOperations[1]"},
		{"no operations", nil, "empty"},
	}
	for _, c := range badPatches {
		t.Run(c.name, func(t *testing.T) {
			msg := hs.do("PATCH", base+"/stages/prod", fullToken, UpdateStageInput{PatchOperations: c.ops}).errorMessage(t, 400, ErrBadRequest)
			if !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not contain %q", msg, c.want)
			}
		})
	}
	hs.ok("GET", base+"/stages/prod", nil, 200).json(t, &st)
	if st.Description != "prod v2" {
		t.Fatalf("a rejected patch changed the stage: %+v", st)
	}

	// Offline and online.
	hs.ok("POST", "/ferry"+base+"/stages/prod/offline", nil, 200).json(t, &st)
	if !st.Offline {
		t.Fatal("stage not offline")
	}
	hs.ok("GET", base+"/stages/prod", nil, 200).json(t, &st)
	if !st.Offline {
		t.Fatal("offline did not persist")
	}
	st = model.Stage{} // ferryOffline is omitted when false
	hs.ok("POST", "/ferry"+base+"/stages/prod/online", nil, 200).json(t, &st)
	if st.Offline {
		t.Fatal("stage still offline")
	}
	hs.do("POST", "/ferry"+base+"/stages/nope/offline", fullToken, nil).errorMessage(t, 404, ErrNotFound)

	hs.ok("DELETE", base+"/stages/beta", nil, 202)
	hs.do("GET", base+"/stages/beta", fullToken, nil).errorMessage(t, 404, ErrNotFound)

	msg = hs.do("POST", base+"/deployments", fullToken, CreateDeploymentInput{Variables: map[string]string{"a": "b"}}).errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, "need a stageName") {
		t.Fatalf("variables without stage: %q", msg)
	}
	hs.do("POST", "/restapis/nope/deployments", fullToken, CreateDeploymentInput{StageName: "x"}).errorMessage(t, 404, ErrNotFound)

	// A method without an integration may be drafted but not deployed.
	hs.ok("PUT", base+"/resources/pets01/methods/DELETE", PutMethodInput{AuthorizationType: "NONE"}, 201)
	msg = hs.do("POST", base+"/deployments", fullToken, CreateDeploymentInput{StageName: "prod"}).errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, "DELETE /pets") || !strings.Contains(msg, "no integration") {
		t.Fatalf("deploying a method without integration: %q", msg)
	}
}

func TestDomainNames(t *testing.T) {
	hs := newHarness(t)
	hs.seedAPI("api0000001")
	hs.ok("POST", "/restapis/api0000001/deployments", CreateDeploymentInput{StageName: "prod"}, 201)

	var d model.DomainName
	hs.ok("POST", "/domainnames", CreateDomainNameInput{DomainName: "API.Example.com"}, 201).json(t, &d)
	if d.DomainName != "api.example.com" {
		t.Fatalf("domain = %+v, want the name lower-cased", d)
	}
	hs.do("POST", "/domainnames", fullToken, CreateDomainNameInput{DomainName: "api.example.com"}).errorMessage(t, 409, ErrConflict)
	for _, bad := range []string{"", "-x.example.com", "a..b", "exa mple.com", "x/y"} {
		hs.do("POST", "/domainnames", fullToken, CreateDomainNameInput{DomainName: bad}).errorMessage(t, 400, ErrBadRequest)
	}
	hs.ok("GET", "/domainnames/api.example.com", nil, 200)
	hs.do("GET", "/domainnames/other.example.com", fullToken, nil).errorMessage(t, 404, ErrNotFound)

	var m model.BasePathMapping
	hs.ok("POST", "/domainnames/api.example.com/basepathmappings",
		CreateBasePathMappingInput{BasePath: "v1", RestAPIID: "api0000001", Stage: "prod"}, 201).json(t, &m)
	if m.BasePath != "v1" || m.RestAPIID != "api0000001" {
		t.Fatalf("mapping = %+v", m)
	}
	hs.ok("POST", "/domainnames/api.example.com/basepathmappings",
		CreateBasePathMappingInput{RestAPIID: "api0000001", Stage: "prod"}, 201).json(t, &m)
	if m.BasePath != "(none)" {
		t.Fatalf("whole-domain mapping base path = %q", m.BasePath)
	}
	mappingErrs := []struct {
		in     CreateBasePathMappingInput
		status int
		want   string
	}{
		{CreateBasePathMappingInput{BasePath: "v1", RestAPIID: "api0000001", Stage: "prod"}, 409, "already mapped"},
		{CreateBasePathMappingInput{BasePath: "v2", RestAPIID: "api0000001", Stage: "nope"}, 404, "nope"},
		{CreateBasePathMappingInput{BasePath: "v2", RestAPIID: "api0000001"}, 400, "required"},
		{CreateBasePathMappingInput{BasePath: "a/b", RestAPIID: "api0000001", Stage: "prod"}, 400, `"a/b"`},
	}
	for _, c := range mappingErrs {
		typ := map[int]string{400: ErrBadRequest, 404: ErrNotFound, 409: ErrConflict}[c.status]
		msg := hs.do("POST", "/domainnames/api.example.com/basepathmappings", fullToken, c.in).errorMessage(t, c.status, typ)
		if !strings.Contains(msg, c.want) {
			t.Errorf("%+v: message %q does not contain %q", c.in, msg, c.want)
		}
	}
	var ms struct {
		Item []model.BasePathMapping `json:"item"`
	}
	hs.ok("GET", "/domainnames/api.example.com/basepathmappings", nil, 200).json(t, &ms)
	if len(ms.Item) != 2 {
		t.Fatalf("mappings = %+v", ms.Item)
	}
	hs.ok("DELETE", "/domainnames/api.example.com/basepathmappings/v1", nil, 202)
	hs.ok("DELETE", "/domainnames/api.example.com/basepathmappings/(none)", nil, 202)
	hs.do("DELETE", "/domainnames/api.example.com/basepathmappings/v1", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	hs.ok("DELETE", "/domainnames/api.example.com", nil, 202)
	var ds struct {
		Item []model.DomainName `json:"item"`
	}
	hs.ok("GET", "/domainnames", nil, 200).json(t, &ds)
	if len(ds.Item) != 0 {
		t.Fatalf("domains after delete = %+v", ds.Item)
	}
}

// TestStageThrottlingPatch sets stage- and method-level throttling the way
// the AWS CLI's update-stage does.
func TestStageThrottlingPatch(t *testing.T) {
	hs := newHarness(t)
	hs.seedAPI("api0000001")
	base := "/restapis/api0000001"
	hs.ok("POST", base+"/deployments", CreateDeploymentInput{StageName: "prod"}, 201)
	var st model.Stage
	hs.ok("PATCH", base+"/stages/prod", UpdateStageInput{PatchOperations: []PatchOperation{
		{Op: "replace", Path: "/*/*/throttling/rateLimit", Value: "50"},
		{Op: "replace", Path: "/*/*/throttling/burstLimit", Value: "100"},
		{Op: "replace", Path: "/~1pets/GET/throttling/rateLimit", Value: "5"},
		{Op: "replace", Path: "/description", Value: "throttled"},
	}}, 200).json(t, &st)
	all, pets := st.MethodSettings["*/*"], st.MethodSettings["/pets/GET"]
	if all == nil || all.ThrottlingRateLimit != 50 || all.ThrottlingBurstLimit != 100 || pets == nil || pets.ThrottlingRateLimit != 5 || st.Description != "throttled" {
		t.Fatalf("stage after throttling patch = %+v (settings %v)", st, st.MethodSettings)
	}
	hs.do("PATCH", base+"/stages/prod", fullToken, UpdateStageInput{PatchOperations: []PatchOperation{
		{Op: "replace", Path: "/*/*/throttling/rateLimit", Value: "fast"},
	}}).errorMessage(t, 400, ErrBadRequest)
}
