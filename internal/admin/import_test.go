package admin

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportOverwriteExport(t *testing.T) {
	hs := newHarness(t)
	doc := readTestdata(t, "pets.yaml")

	var api model.RestAPI
	hs.ok("POST", "/restapis?mode=import&name=zoo&filename=pets.yaml", doc, 201).json(t, &api)
	if len(api.ID) != 10 || api.Name != "zoo" || api.CreatedDate == "" {
		t.Fatalf("imported = %+v", api)
	}
	var rs struct {
		Item []model.Resource `json:"item"`
	}
	hs.ok("GET", "/restapis/"+api.ID+"/resources", nil, 200).json(t, &rs)
	paths := map[string]string{}
	for _, r := range rs.Item {
		paths[r.Path] = r.ID
	}
	if paths["/pets"] == "" || paths["/pets/{petId}"] == "" {
		t.Fatalf("resources after import = %+v", rs.Item)
	}

	// Overwrite keeps the id and the creation date, and replaces the tree.
	smaller := strings.Replace(string(doc), "  /pets/{petId}:", "  /cats/{petId}:", 1)
	var over model.RestAPI
	hs.ok("PUT", "/restapis/"+api.ID+"?mode=overwrite", smaller, 200).json(t, &over)
	if over.ID != api.ID || over.CreatedDate != api.CreatedDate || over.Name != "pets" {
		t.Fatalf("overwritten = %+v, imported = %+v", over, api)
	}
	rs.Item = nil
	hs.ok("GET", "/restapis/"+api.ID+"/resources", nil, 200).json(t, &rs)
	var got []string
	for _, r := range rs.Item {
		got = append(got, r.Path)
	}
	if !containsAll(got, "/", "/pets", "/cats", "/cats/{petId}") {
		t.Fatalf("resources after overwrite = %v", got)
	}
	for _, p := range got {
		if p == "/pets/{petId}" {
			t.Fatalf("overwrite kept the old resource: %v", got)
		}
	}

	// Export of the current definition, and of a stage's snapshot.
	hs.ok("POST", "/restapis/"+api.ID+"/deployments", CreateDeploymentInput{StageName: "prod"}, 201)
	hs.ok("PUT", "/restapis/"+api.ID+"?mode=overwrite", doc, 200)
	current := hs.ok("GET", "/ferry/restapis/"+api.ID+"/exports/oas30", nil, 200)
	deployed := hs.ok("GET", "/restapis/"+api.ID+"/stages/prod/exports/oas30", nil, 200)
	var cur, dep struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	current.json(t, &cur)
	deployed.json(t, &dep)
	if cur.OpenAPI == "" || cur.Paths["/pets/{petId}"] == nil {
		t.Fatalf("current export lacks /pets/{petId}: %s", current.body)
	}
	if dep.Paths["/cats/{petId}"] == nil || dep.Paths["/pets/{petId}"] != nil {
		t.Fatalf("stage export is not the deployed snapshot: %s", deployed.body)
	}
	if ct := deployed.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("export Content-Type = %q", ct)
	}
	hs.do("GET", "/restapis/"+api.ID+"/stages/prod/exports/swagger", fullToken, nil).errorMessage(t, 400, ErrBadRequest)
	hs.do("GET", "/restapis/"+api.ID+"/stages/nope/exports/oas30", fullToken, nil).errorMessage(t, 404, ErrNotFound)

	// The export imports again.
	hs.ok("POST", "/restapis?mode=import", current.body, 201)
}

func containsAll(have []string, want ...string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func TestImportErrors(t *testing.T) {
	hs := newHarness(t)
	doc := readTestdata(t, "pets.yaml")
	broken := strings.Replace(string(doc), "type: mock\n        passthroughBehavior", "type: teleport\n        passthroughBehavior", 1)
	broken = strings.Replace(broken, "        type: mock\n        responses", "        type: warp\n        responses", 1)
	cases := []struct {
		name, method, path string
		body               string
		status             int
		want               []string
	}{
		{"bad document, every problem with its place", "POST", "/restapis?mode=import&filename=pets.yaml", broken, 400,
			[]string{"pets.yaml:", "GET /pets", "teleport", "\n", "GET /pets/{petId}", "warp"}},
		{"not a document", "POST", "/restapis?mode=import&filename=x.json", "{", 400, []string{"x.json"}},
		{"empty body", "POST", "/restapis?mode=import", "", 400, []string{"body is empty"}},
		{"no mode", "POST", "/restapis", string(doc), 400, []string{"mode=import"}},
		{"unknown query", "POST", "/restapis?mode=import&nmae=x", string(doc), 400, []string{"nmae"}},
		{"bad var", "POST", "/restapis?mode=import&var=novalue", string(doc), 400, []string{`"novalue"`}},
		{"bad failonwarnings", "POST", "/restapis?mode=import&failonwarnings=yes", string(doc), 400, []string{"failonwarnings"}},
		{"merge mode", "PUT", "/restapis/abc?mode=merge", string(doc), 400, []string{"overwrite"}},
		{"overwrite of a missing API", "PUT", "/restapis/nope?mode=overwrite", string(doc), 404, []string{"nope"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ := map[int]string{400: ErrBadRequest, 404: ErrNotFound}[c.status]
			msg := hs.do(c.method, c.path, fullToken, c.body).errorMessage(t, c.status, typ)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message does not contain %q:\n%s", w, msg)
				}
			}
		})
	}
	if n := hs.changes.Load(); n != 0 {
		t.Fatalf("OnChange called %d times though every import failed", n)
	}
}

func TestParseImportQuery(t *testing.T) {
	q, _ := url.ParseQuery("mode=import&name=n&region=eu-west-1&accountId=123&var=A=1&var=B=x=y&filename=f.yaml&failonwarnings=true")
	opts, err := parseImportQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	want := ImportOptions{Filename: "f.yaml", Name: "n", Region: "eu-west-1", AccountID: "123",
		Vars: map[string]string{"A": "1", "B": "x=y"}, FailOnWarnings: true}
	if opts.Name != want.Name || opts.Region != want.Region || opts.AccountID != want.AccountID ||
		opts.Filename != want.Filename || !opts.FailOnWarnings || len(opts.Vars) != 2 || opts.Vars["B"] != "x=y" {
		t.Fatalf("opts = %+v, want %+v", opts, want)
	}
	q, _ = url.ParseQuery("var=A=1&var=A=2")
	if _, err := parseImportQuery(q); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("duplicate var: err = %v", err)
	}
}

func TestTestInvoke(t *testing.T) {
	hs := newHarness(t)
	var api model.RestAPI
	hs.ok("POST", "/restapis?mode=import", readTestdata(t, "pets.yaml"), 201).json(t, &api)
	var rs struct {
		Item []model.Resource `json:"item"`
	}
	hs.ok("GET", "/restapis/"+api.ID+"/resources", nil, 200).json(t, &rs)
	ids := map[string]string{}
	for _, r := range rs.Item {
		ids[r.Path] = r.ID
	}
	var out TestInvokeOutput
	hs.ok("POST", "/restapis/"+api.ID+"/resources/"+ids["/pets"]+"/methods/GET",
		TestInvokeInput{PathWithQueryString: "/pets?kind=cat", Headers: map[string]string{"Accept": "application/json"}}, 200).json(t, &out)
	if out.Status != 200 || out.Headers["X-Kind"] != "pets" || !strings.Contains(out.Log, "Starting execution") {
		t.Fatalf("test invoke = %+v", out)
	}
	// No body at all is a GET of the resource's own path.
	out = TestInvokeOutput{}
	hs.ok("POST", "/restapis/"+api.ID+"/resources/"+ids["/pets"]+"/methods/GET", nil, 200).json(t, &out)
	if out.Status != 200 {
		t.Fatalf("bodiless test invoke = %+v", out)
	}
	msg := hs.do("POST", "/restapis/"+api.ID+"/resources/"+ids["/pets/{petId}"]+"/methods/GET", fullToken,
		TestInvokeInput{PathWithQueryString: "/dogs/1"}).errorMessage(t, 400, ErrBadRequest)
	if !strings.Contains(msg, "/dogs/1") {
		t.Fatalf("mismatched path message %q", msg)
	}
	hs.do("POST", "/restapis/"+api.ID+"/resources/"+ids["/pets"]+"/methods/DELETE", fullToken, TestInvokeInput{}).errorMessage(t, 404, ErrNotFound)
	if n := hs.changes.Load(); n != 1 {
		t.Fatalf("OnChange called %d times; test-invoke must not count as a write", n)
	}
}
