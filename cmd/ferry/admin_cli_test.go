package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
)

const cliToken = "cli-test-token-5e1f"

// cliHarness runs the real admin handler over the in-memory store and the
// CLI against it, as a user's shell would.
type cliHarness struct {
	t   *testing.T
	url string
	env map[string]string
}

func newCLIHarness(t *testing.T) *cliHarness {
	t.Helper()
	h, err := admin.NewHandler(admin.Config{Store: store.New(storetest.NewMemory()), Tokens: []admin.Token{admin.FullAccess(cliToken)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &cliHarness{t: t, url: srv.URL, env: map[string]string{"FERRY_ADMIN_URL": srv.URL, "FERRY_ADMIN_TOKEN": cliToken}}
}

// run runs one command and returns its exit code, stdout and stderr.
func (c *cliHarness) run(args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return c.env[k] }}
	code := runCLI(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// ok runs a command that must succeed and returns its stdout.
func (c *cliHarness) ok(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != 0 {
		c.t.Fatalf("ferry %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// fails runs a command that must fail and returns its stderr.
func (c *cliHarness) fails(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code == 0 {
		c.t.Fatalf("ferry %s succeeded; stdout: %s", strings.Join(args, " "), out)
	}
	if errs == "" {
		c.t.Fatalf("ferry %s failed without a message on stderr", strings.Join(args, " "))
	}
	return errs
}

func oneLine(t *testing.T, out string) string {
	t.Helper()
	if strings.Count(out, "\n") != 1 || strings.ContainsAny(strings.TrimSpace(out), " \t") {
		t.Fatalf("want one word on one line, got %q", out)
	}
	return strings.TrimSpace(out)
}

func TestCLIImportDeployAndInspect(t *testing.T) {
	c := newCLIHarness(t)
	id := oneLine(t, c.ok("import", "testdata/pets.yaml", "--name", "zoo"))
	if len(id) != 10 {
		t.Fatalf("api id %q", id)
	}

	out := c.ok("apis")
	if !strings.Contains(out, "ID") || !strings.Contains(out, id) || !strings.Contains(out, "zoo") {
		t.Fatalf("apis:\n%s", out)
	}
	var list struct {
		Item []struct{ ID, Name string } `json:"item"`
	}
	if err := json.Unmarshal([]byte(c.ok("apis", "--output", "json")), &list); err != nil || len(list.Item) != 1 || list.Item[0].ID != id {
		t.Fatalf("apis --output json: %+v %v", list, err)
	}

	// Overwrite keeps the id.
	if again := oneLine(t, c.ok("import", "--api-id", id, "testdata/pets.yaml")); again != id {
		t.Fatalf("overwrite printed %q, want %q", again, id)
	}

	d1 := oneLine(t, c.ok("deploy", id, "--stage", "prod", "--stage-var", "backend=b1", "--description", "first"))
	out = c.ok("stages", id)
	if !strings.Contains(out, "prod") || !strings.Contains(out, d1) || !strings.Contains(out, "backend=b1") || !strings.Contains(out, "online") {
		t.Fatalf("stages:\n%s", out)
	}
	d2 := oneLine(t, c.ok("deploy", id, "--stage", "prod"))
	out = c.ok("deployments", id)
	if !strings.Contains(out, d1) || !strings.Contains(out, d2) || strings.Index(out, d2) > strings.Index(out, d1) {
		t.Fatalf("deployments (newest first):\n%s", out)
	}
	if !strings.Contains(c.ok("deployments", id, "--output", "json"), `"item"`) {
		t.Fatal("deployments --output json is not the admin API's listing")
	}

	// get-integration prints what the AWS CLI prints: JSON, four-space indent.
	out = c.ok("get-integration", id, "get", "/pets")
	var integ map[string]any
	if err := json.Unmarshal([]byte(out), &integ); err != nil || integ["type"] != "MOCK" {
		t.Fatalf("get-integration: %v\n%s", err, out)
	}
	if !strings.Contains(out, "\n    \"type\": \"MOCK\"") {
		t.Fatalf("get-integration is not indented as the AWS CLI does:\n%s", out)
	}
	// A concrete path finds its resource too.
	if !strings.Contains(c.ok("get-integration", id, "GET", "/pets/42"), "MOCK") {
		t.Fatal("get-integration by a concrete path")
	}
	if msg := c.fails("get-integration", id, "GET", "/nowhere"); !strings.Contains(msg, "no resource matching /nowhere") {
		t.Fatalf("get-integration of a missing path: %s", msg)
	}

	// Export: current, and what a stage serves.
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	for _, args := range [][]string{{"export", id}, {"export", id, "--stage", "prod"}} {
		doc.Paths = nil
		if err := json.Unmarshal([]byte(c.ok(args...)), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Paths["/pets"] == nil {
			t.Fatalf("%v: %v %+v", args, err, doc)
		}
	}

	// test-invoke shows status, headers, body, latency and the log.
	out = c.ok("test-invoke", id, "GET", "/pets", "--query", "kind=cat", "--header", "Accept=application/json", "--stage-var", "v=1")
	for _, want := range []string{"Status: 200", "Latency: ", "X-Kind: pets", "Body:", "Log:", "Starting execution"} {
		if !strings.Contains(out, want) {
			t.Fatalf("test-invoke output lacks %q:\n%s", want, out)
		}
	}
	var inv admin.TestInvokeOutput
	if err := json.Unmarshal([]byte(c.ok("test-invoke", id, "GET", "/pets/7", "--output", "json")), &inv); err != nil || inv.Status != 200 {
		t.Fatalf("test-invoke --output json: %v %+v", err, inv)
	}
}

// TestCLIImportVariables checks --var and --region reach the importer's
// Fn::Sub resolution, and that a missing one is an import error naming it.
func TestCLIImportVariables(t *testing.T) {
	c := newCLIHarness(t)
	id := oneLine(t, c.ok("import", "testdata/sub.yaml", "--var", "WHO=ferry", "--region", "eu-west-3", "--account-id", "123456789012"))
	out := c.ok("get-integration", id, "GET", "/hello")
	if !strings.Contains(out, `\"who\": \"ferry\"`) || !strings.Contains(out, "eu-west-3") {
		t.Fatalf("variables not substituted:\n%s", out)
	}
	out = c.ok("test-invoke", id, "GET", "/hello")
	if !strings.Contains(out, `{"who": "ferry", "region": "eu-west-3"}`) {
		t.Fatalf("test-invoke body:\n%s", out)
	}
	if msg := c.fails("import", "testdata/sub.yaml", "--region", "eu-west-3"); !strings.Contains(msg, "WHO") || !strings.Contains(msg, "sub.yaml:") {
		t.Fatalf("missing --var: %s", msg)
	}
	if msg := c.fails("import", "testdata/sub.yaml", "--var", "WHO=a", "--var", "WHO=b"); !strings.Contains(msg, "twice") {
		t.Fatalf("repeated --var: %s", msg)
	}
}

func TestCLIStageLifecycle(t *testing.T) {
	c := newCLIHarness(t)
	id := oneLine(t, c.ok("import", "testdata/pets.yaml"))
	d1 := oneLine(t, c.ok("deploy", id, "--stage", "prod"))
	d2 := oneLine(t, c.ok("deploy", id, "--stage", "prod"))
	d3 := oneLine(t, c.ok("deploy", id, "--stage", "prod"))

	if got := oneLine(t, c.ok("stage", "rollback", id, "prod")); got != d2 {
		t.Fatalf("rollback went to %s, want the previous deployment %s", got, d2)
	}
	if got := oneLine(t, c.ok("stage", "rollback", id, "prod")); got != d1 {
		t.Fatalf("second rollback went to %s, want %s", got, d1)
	}
	if msg := c.fails("stage", "rollback", id, "prod"); !strings.Contains(msg, "nothing to roll back to") {
		t.Fatalf("rollback past the oldest: %s", msg)
	}
	if got := oneLine(t, c.ok("stage", "rollback", id, "prod", "--to", d3)); got != d3 {
		t.Fatalf("rollback --to went to %s, want %s", got, d3)
	}
	if msg := c.fails("stage", "rollback", id, "prod", "--to", "nope00"); !strings.Contains(msg, "nope00") {
		t.Fatalf("rollback to a missing deployment: %s", msg)
	}

	if out := c.ok("stage", "offline", id, "prod"); !strings.Contains(out, "offline") {
		t.Fatalf("stage offline: %s", out)
	}
	if !strings.Contains(c.ok("stages", id), "offline") {
		t.Fatal("stages does not show the stage offline")
	}
	c.ok("stage", "online", id, "prod")
	if strings.Contains(c.ok("stages", id), "offline") {
		t.Fatal("stage still offline")
	}

	// Deleting a served deployment is refused with the API's reason.
	if msg := c.fails("delete", "deployment", id, d3); !strings.Contains(msg, "ConflictException") || !strings.Contains(msg, "prod") {
		t.Fatalf("delete served deployment: %s", msg)
	}
	c.ok("delete", "deployment", id, d1)
	c.ok("delete", "stage", id, "prod")
	c.ok("delete", "deployment", id, d3)
	c.ok("delete", "api", id)
	if msg := c.fails("stages", id); !strings.Contains(msg, "NotFoundException") {
		t.Fatalf("stages of a deleted API: %s", msg)
	}
}

func TestCLIDomains(t *testing.T) {
	c := newCLIHarness(t)
	id := oneLine(t, c.ok("import", "testdata/pets.yaml"))
	c.ok("deploy", id, "--stage", "prod")
	if got := oneLine(t, c.ok("domain", "create", "API.example.com")); got != "api.example.com" {
		t.Fatalf("domain create printed %q", got)
	}
	c.ok("domain", "map", "api.example.com", "--base-path", "v1", "--api", id, "--stage", "prod")
	c.ok("domain", "map", "api.example.com", "--api", id, "--stage", "prod")
	out := c.ok("domain", "mappings", "api.example.com")
	if !strings.Contains(out, "v1") || !strings.Contains(out, "(none)") || !strings.Contains(out, id) {
		t.Fatalf("domain mappings:\n%s", out)
	}
	if !strings.Contains(c.ok("domain", "list"), "api.example.com") {
		t.Fatal("domain list")
	}
	if !strings.Contains(c.ok("domain", "list", "--output", "json"), `"domainName":"api.example.com"`) {
		t.Fatal("domain list --output json")
	}
	c.ok("delete", "mapping", "api.example.com", "v1")
	c.ok("delete", "mapping", "api.example.com", "(none)")
	if strings.Contains(c.ok("domain", "mappings", "api.example.com"), id) {
		t.Fatal("mappings left after delete")
	}
	c.ok("delete", "domain", "api.example.com")
	if msg := c.fails("domain", "mappings", "api.example.com"); !strings.Contains(msg, "NotFoundException") {
		t.Fatalf("mappings of a deleted domain: %s", msg)
	}
}

func TestCLIErrors(t *testing.T) {
	c := newCLIHarness(t)
	id := oneLine(t, c.ok("import", "testdata/pets.yaml"))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"import error names file and place", []string{"import", "testdata/broken.yaml"}, "testdata/broken.yaml:"},
		{"import error names the value", []string{"import", "testdata/broken.yaml"}, "teleport"},
		{"missing file", []string{"import", "testdata/none.yaml"}, "none.yaml"},
		{"bad --var", []string{"import", "testdata/pets.yaml", "--var", "novalue"}, "NAME=VALUE"},
		{"deploy without stage", []string{"deploy", id}, "--stage is required"},
		{"too many arguments", []string{"stages", id, "extra"}, "expected 1 argument"},
		{"missing argument", []string{"deployments"}, "expected 1 argument"},
		{"bad output", []string{"apis", "--output", "yaml"}, `--output "yaml"`},
		{"unknown flag", []string{"apis", "--colour"}, "colour"},
		{"unknown stage subcommand", []string{"stage", "pause", id, "prod"}, `"pause"`},
		{"unknown delete kind", []string{"delete", "universe", "x"}, `"universe"`},
		{"unknown domain subcommand", []string{"domain", "rename"}, `"rename"`},
		{"domain map without api", []string{"domain", "map", "x.example.com", "--stage", "s"}, "--api and --stage"},
		{"missing api", []string{"stages", "nope"}, "NotFoundException"},
		{"bad domain", []string{"domain", "create", "not a host"}, "BadRequestException"},
		{"unreachable server", []string{"apis", "--server", "http://127.0.0.1:1"}, "unreachable"},
		{"bad server URL", []string{"apis", "--server", "ftp://x"}, "not an http"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if msg := c.fails(tc.args...); !strings.Contains(msg, tc.want) {
				t.Fatalf("stderr does not contain %q:\n%s", tc.want, msg)
			}
		})
	}
}

func TestCLIHelp(t *testing.T) {
	c := newCLIHarness(t)
	for _, args := range [][]string{{"deploy", "-h"}, {"stage", "rollback", "--help"}, {"test-invoke", "-h"}} {
		code, out, errs := c.run(args...)
		if code != 0 || out != "" || !strings.Contains(errs, "Usage: ferry "+args[0]) || !strings.Contains(errs, "-server") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

func TestCLITokenSources(t *testing.T) {
	c := newCLIHarness(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	bad := filepath.Join(dir, "bad")
	empty := filepath.Join(dir, "empty")
	for f, v := range map[string]string{good: cliToken + "\n", bad: "wrong-token-value\n", empty: "\n"} {
		if err := os.WriteFile(f, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c.env["FERRY_ADMIN_TOKEN"] = ""
	c.ok("apis", "--token-file", good)
	msg := c.fails("apis", "--token-file", bad)
	if !strings.Contains(msg, "UnauthorizedException") || strings.Contains(msg, "wrong-token-value") {
		t.Fatalf("wrong token: %s", msg)
	}
	if msg := c.fails("apis", "--token-file", empty); !strings.Contains(msg, "is empty") {
		t.Fatalf("empty token file: %s", msg)
	}
	if msg := c.fails("apis", "--token-file", filepath.Join(dir, "none")); !strings.Contains(msg, "none") {
		t.Fatalf("missing token file: %s", msg)
	}
	// The environment wins over the file.
	c.env["FERRY_ADMIN_TOKEN"] = cliToken
	c.ok("apis", "--token-file", bad)
	// --server wins over FERRY_ADMIN_URL.
	c.env["FERRY_ADMIN_URL"] = "http://127.0.0.1:1"
	c.ok("apis", "--server", c.url)
}

func TestCLIDefaultTokenFile(t *testing.T) {
	c := newCLIHarness(t)
	c.env["FERRY_ADMIN_TOKEN"] = ""
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chdir(wd) })
	if msg := c.fails("apis"); !strings.Contains(msg, "FERRY_ADMIN_TOKEN") {
		t.Fatalf("no token anywhere: %s", msg)
	}
	// The file `ferry serve` generates in ./ferry-data is found by default.
	tok, _, _, err := admin.EnsureToken("ferry-data")
	if err != nil {
		t.Fatal(err)
	}
	if tok == cliToken {
		t.Fatal("generated token equals the test token")
	}
	if msg := c.fails("apis"); !strings.Contains(msg, "UnauthorizedException") {
		t.Fatalf("the default token file was not read: %s", msg)
	}
}

func TestMatchPath(t *testing.T) {
	cases := []struct {
		template, path string
		ok             bool
		score          int
	}{
		{"/", "/", true, 0},
		{"/pets", "/pets", true, 3},
		{"/pets", "/pets/1", false, 0},
		{"/pets/{id}", "/pets/1", true, 5},
		{"/pets/{id}", "/pets", false, 0},
		{"/pets/{proxy+}", "/pets/a/b", true, 3},
		{"/pets/{proxy+}", "/pets", false, 0},
		{"/{proxy+}", "/anything", true, 0},
		{"/cats/{id}", "/pets/1", false, 0},
	}
	for _, c := range cases {
		score, ok := matchPath(c.template, c.path)
		if ok != c.ok || (ok && score != c.score) {
			t.Errorf("matchPath(%q, %q) = %d, %v; want %d, %v", c.template, c.path, score, ok, c.score, c.ok)
		}
	}
}
