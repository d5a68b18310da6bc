package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/awsservice"
	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
)

const kvmReadToken = "cli-kvm-read-only-81d2"

// kvmCLI is the real admin handler with key-value maps, over SQLite and
// master keys in a temporary data directory, wired as ferry serve wires
// it, with the CLI pointed at it.
type kvmCLI struct {
	*cliHarness
	dir     string
	backend interface{ Close() error }
	logs    *bytes.Buffer
}

func newKVMCLI(t *testing.T) *kvmCLI {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	backend, err := sqlite.Open(filepath.Join(dir, "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = backend.Close() })
	st := store.New(backend)
	keys, err := kvm.OpenMasterKeys(ctx, kvm.KeyConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	kv := kvm.NewService(st, keys)
	resolver, err := awsauth.NewResolver(awsauth.Config{}, kv)
	if err != nil {
		t.Fatal(err)
	}
	integrations := integration.Defaults()
	integrations[model.IntegrationAWS] = awsservice.Factory(resolver)
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := admin.NewHandler(admin.Config{
		Store:       st,
		Tokens:      []admin.Token{admin.FullAccess(cliToken), {Value: kvmReadToken, Scopes: []admin.Scope{admin.ScopeRead}}},
		Pipeline:    pipeline.Options{Logger: log, Integrations: integrations},
		Logger:      log,
		KVM:         kv,
		CheckDeploy: deployCredentialsCheck(resolver),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &kvmCLI{
		cliHarness: &cliHarness{t: t, url: srv.URL, env: map[string]string{"FERRY_ADMIN_URL": srv.URL, "FERRY_ADMIN_TOKEN": cliToken}},
		dir:        dir, backend: backend, logs: logs,
	}
}

// runIn runs a command with stdin and the given token.
func (c *kvmCLI) runIn(stdin, token string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "FERRY_ADMIN_TOKEN" {
			return token
		}
		return c.env[k]
	}}
	code := runCLI(context.Background(), env, args)
	return code, out.String(), errb.String()
}

const (
	cliSecret = `{"Version":1,"AccessKeyId":"AKIACLIKVMTEST00001","SecretAccessKey":"Y2xpLWt2bS1zZWNyZXQtdmFsdWU"}`
	cliPass   = "pa55-cli-kvm-f00d\n"
)

func TestCLIKVMLifecycle(t *testing.T) {
	c := newKVMCLI(t)
	scope := kvm.StageScope("api1", "prod")
	if out := c.ok("kvm", "create", "creds", "--encrypted", "--scope", scope); out != "created encrypted map creds in "+scope+"\n" {
		t.Fatalf("create: %q", out)
	}
	c.ok("kvm", "create", "settings")

	// From stdin, byte for byte: the trailing newline stays.
	code, out, errs := c.runIn(cliPass, cliToken, "kvm", "put", "creds", "db", "--from-stdin", "--scope", scope)
	if code != 0 || !strings.Contains(out, "put db in creds ("+scope+"): 18 bytes, sealed with master key ") {
		t.Fatalf("put --from-stdin: %d %q %q", code, out, errs)
	}
	file := filepath.Join(t.TempDir(), "aws.json")
	if err := os.WriteFile(file, []byte(cliSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("kvm", "put", "creds", "aws", "--from-file", file, "--scope", scope)
	code, _, errs = c.run("kvm", "put", "settings", "color", "blue")
	if code != 0 || !strings.Contains(errs, "shell history") {
		t.Fatalf("put VALUE: exit %d, want 0 with a warning on stderr; stderr %q", code, errs)
	}

	if got := c.ok("kvm", "get", "creds", "db", "--scope", scope); got != cliPass {
		t.Fatalf("get = %q, want %q exactly", got, cliPass)
	}
	if got := c.ok("kvm", "get", "settings", "color"); got != "blue" {
		t.Fatalf("get plain = %q", got)
	}
	var e admin.KVMEntry
	if err := json.Unmarshal([]byte(c.ok("kvm", "get", "creds", "aws", "--scope", scope, "--output", "json")), &e); err != nil || e.Value == nil || *e.Value != cliSecret {
		t.Fatalf("get --output json: %v %+v", err, e)
	}

	// A read-only token gets the metadata and a failure, never the value.
	code, out, errs = c.runIn("", kvmReadToken, "kvm", "get", "creds", "aws", "--scope", scope)
	if code == 0 || strings.Contains(out, "AKIACLIKVMTEST00001") || !strings.Contains(out, "sealed with") ||
		!strings.Contains(out, fmt.Sprintf("%d bytes", len(cliSecret))) || !strings.Contains(errs, `lacks the "secrets" scope`) {
		t.Fatalf("get with a read token: exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
	code, out, _ = c.runIn("", kvmReadToken, "kvm", "get", "creds", "aws", "--scope", scope, "--metadata")
	if code != 0 || !strings.Contains(out, "sealed with") || strings.Contains(out, "AKIA") {
		t.Fatalf("get --metadata with a read token: exit %d %q", code, out)
	}
	if code, _, errs = c.runIn("x", kvmReadToken, "kvm", "put", "creds", "aws", "--from-stdin", "--scope", scope); code == 0 || !strings.Contains(errs, `"write" scope`) {
		t.Fatalf("put with a read token: exit %d %q", code, errs)
	}

	out = c.ok("kvm", "list", "--scope", scope)
	if !strings.Contains(out, "NAME") || !strings.Contains(out, "creds") || !strings.Contains(out, "true") {
		t.Fatalf("list maps:\n%s", out)
	}
	out = c.ok("kvm", "list", "creds", "--scope", scope)
	if !strings.Contains(out, "aws") || !strings.Contains(out, "db") || strings.Contains(out, "AKIA") || strings.Contains(out, "pa55") {
		t.Fatalf("list entries:\n%s", out)
	}
	var maps struct {
		Item []kvm.MapInfo `json:"item"`
	}
	if err := json.Unmarshal([]byte(c.ok("kvm", "list", "--output", "json")), &maps); err != nil || len(maps.Item) != 1 || maps.Item[0].Name != "settings" {
		t.Fatalf("list --output json: %v %+v", err, maps)
	}

	before := c.ok("kvm", "list", "creds", "--scope", scope, "--output", "json")
	keyID := oneLine(t, c.ok("kvm", "rotate-key"))
	if len(keyID) != 8 || strings.Contains(before, keyID) {
		t.Fatalf("rotate-key printed %q; before rotation: %s", keyID, before)
	}
	if got := c.ok("kvm", "get", "creds", "aws", "--scope", scope); got != cliSecret {
		t.Fatalf("after rotation get = %q", got)
	}
	if !strings.Contains(c.ok("kvm", "list", "creds", "--scope", scope), keyID) {
		t.Fatal("entries are not sealed with the new key after rotation")
	}

	c.ok("kvm", "delete", "creds", "db", "--scope", scope)
	if msg := c.fails("kvm", "get", "creds", "db", "--scope", scope); !strings.Contains(msg, "NotFoundException") {
		t.Fatalf("get after delete: %s", msg)
	}
	c.ok("kvm", "delete", "settings")
	if msg := c.fails("kvm", "list", "settings"); !strings.Contains(msg, "settings") || !strings.Contains(msg, "NotFound") {
		t.Fatalf("list of a deleted map: %s", msg)
	}

	// The secrets went through the admin API and the log: neither the
	// database files nor the log may hold them. "blue" would have been on
	// disk; the stored plain value below is the control.
	c.ok("kvm", "create", "control")
	c.ok("kvm", "put", "control", "k", "plain-cli-control-2e9a")
	if err := c.backend.Close(); err != nil {
		t.Fatal(err)
	}
	var disk []byte
	files, _ := filepath.Glob(filepath.Join(c.dir, "ferry.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		disk = append(disk, b...)
	}
	if !bytes.Contains(disk, []byte("plain-cli-control-2e9a")) {
		t.Fatalf("the control value is in none of %v", files)
	}
	if !strings.Contains(c.logs.String(), "/ferry/kvms") {
		t.Fatalf("the admin log recorded no kvm request:\n%s", c.logs.String())
	}
	for _, n := range []string{"AKIACLIKVMTEST00001", "Y2xpLWt2bS1zZWNyZXQtdmFsdWU", "pa55-cli-kvm-f00d"} {
		if bytes.Contains(disk, []byte(n)) {
			t.Errorf("the database holds %q", n)
		}
		if strings.Contains(c.logs.String(), n) {
			t.Errorf("the admin log holds %q", n)
		}
	}
}

func TestCLIKVMUsageErrors(t *testing.T) {
	c := newKVMCLI(t)
	c.ok("kvm", "create", "m")
	big := strings.Repeat("v", admin.MaxKVMValueBytes+1)
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"unknown subcommand", "", []string{"kvm", "show"}, `unknown subcommand "show"`},
		{"bad scope", "", []string{"kvm", "list", "--scope", "stage:abc"}, `--scope: kvm: scope "stage:abc"`},
		{"no value", "", []string{"kvm", "put", "m", "k"}, "exactly one way"},
		{"two values", "x", []string{"kvm", "put", "m", "k", "v", "--from-stdin"}, "exactly one way"},
		{"empty stdin", "", []string{"kvm", "put", "m", "k", "--from-stdin"}, "the value is empty"},
		{"too large", big, []string{"kvm", "put", "m", "k", "--from-stdin"}, "larger than 65536 bytes"},
		{"missing file", "", []string{"kvm", "put", "m", "k", "--from-file", "/nonexistent/v"}, "--from-file: open /nonexistent/v"},
		{"missing map", "x", []string{"kvm", "put", "nope", "k", "--from-stdin"}, "nope"},
		{"too many arguments", "", []string{"kvm", "get", "m", "k", "extra"}, "expected 2 argument(s)"},
		{"create twice", "", []string{"kvm", "create", "m"}, "already exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := c.runIn(tc.stdin, cliToken, tc.args...)
			if code == 0 || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want it to contain %q", code, errs, tc.want)
			}
		})
	}
	if out := c.ok("kvm", "help"); !strings.Contains(out, "--from-stdin") || !strings.Contains(out, "shell history") {
		t.Fatalf("help:\n%s", out)
	}
	if code, _, errs := c.run("kvm", "put", "-h"); code != 0 || !strings.Contains(errs, "--from-file") {
		t.Fatalf("kvm put -h: exit %d, usage %q", code, errs)
	}
}

// TestDeployChecksKVMCredentials deploys an API whose AWS integration takes
// its credentials from kvm:creds/aws: a missing entry, an entry that is not
// credential_process JSON and one that lacks a field each fail the deploy
// with a message naming the method, never quoting the entry; a good entry in
// the stage's own scope passes for that stage only.
func TestDeployChecksKVMCredentials(t *testing.T) {
	c := newKVMCLI(t)
	id := oneLine(t, c.ok("import", "testdata/kvm-creds.yaml"))
	apiScope := kvm.APIScope(id)
	c.ok("kvm", "create", "creds", "--encrypted", "--scope", apiScope)

	const leaked = "TOPSECRETdeploycheck42"
	cases := []struct {
		name, entry, want string
	}{
		{"missing entry", "", "no such entry"},
		{"not JSON", `{"Version":1,"SecretAccessKey":"` + leaked + `"`, "not credential_process JSON"},
		{"no access key id", `{"Version":1,"SecretAccessKey":"` + leaked + `"}`, "AccessKeyId is missing"},
		{"wrong version", `{"Version":2,"AccessKeyId":"AKIA1","SecretAccessKey":"` + leaked + `"}`, "Version is 2, want 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.entry != "" {
				if code, _, errs := c.runIn(tc.entry, cliToken, "kvm", "put", "creds", "aws", "--from-stdin", "--scope", apiScope); code != 0 {
					t.Fatalf("put: %s", errs)
				}
			}
			msg := c.fails("deploy", id, "--stage", "prod")
			for _, want := range []string{"BadRequestException", "POST /queue: integration.credentials:", "kvm:creds/aws", tc.want} {
				if !strings.Contains(msg, want) {
					t.Errorf("deploy error lacks %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, leaked) || strings.Contains(msg, "GET /pets") {
				t.Errorf("deploy error quotes the entry or blames a method without credentials:\n%s", msg)
			}
		})
	}
	if strings.Contains(c.logs.String(), leaked) {
		t.Fatalf("the admin log holds the secret:\n%s", c.logs.String())
	}

	// A good entry in prod's own scope: prod deploys, beta does not.
	prodScope := kvm.StageScope(id, "prod")
	c.ok("kvm", "create", "creds", "--encrypted", "--scope", prodScope)
	good := `{"Version":1,"AccessKeyId":"AKIADEPLOYCHECK0001","SecretAccessKey":"` + leaked + `"}`
	if code, _, errs := c.runIn(good, cliToken, "kvm", "put", "creds", "aws", "--from-stdin", "--scope", prodScope); code != 0 {
		t.Fatalf("put: %s", errs)
	}
	d := oneLine(t, c.ok("deploy", id, "--stage", "prod"))
	if msg := c.fails("deploy", id, "--stage", "beta"); !strings.Contains(msg, "Version is 2, want 1") {
		t.Fatalf("beta resolves the API scope's broken entry; got:\n%s", msg)
	}
	if len(d) != 6 {
		t.Fatalf("deployment id %q", d)
	}
}

// validatorFunc lets a test stand in for awsauth.Resolver.
type validatorFunc func(ctx context.Context, ref string, where awsauth.Where) error

func (f validatorFunc) ValidateCredentialsRef(ctx context.Context, ref string, where awsauth.Where) error {
	return f(ctx, ref, where)
}

// TestDeployCredentialsCheckSelects checks which integrations the deploy
// check resolves, with which scopes, and that every failure is reported in
// path order, not only the first.
func TestDeployCredentialsCheckSelects(t *testing.T) {
	method := func(typ, creds string) *model.Method {
		return &model.Method{MethodIntegration: &model.Integration{Type: typ, Credentials: creds}}
	}
	api := &model.API{RestAPI: model.RestAPI{ID: "api1"}, Resources: []*model.Resource{
		{Path: "/z", ResourceMethods: map[string]*model.Method{"post": method(model.IntegrationAWS, "kvm:m/z")}},
		{Path: "/a", ResourceMethods: map[string]*model.Method{
			"GET":    method(model.IntegrationAWSProxy, "kvm:m/a"),
			"PUT":    method(model.IntegrationAWS, "arn:aws:iam::123456789012:role/r"),
			"DELETE": method(model.IntegrationAWS, ""),
			"PATCH":  method(model.IntegrationHTTP, "kvm:m/http"),
			"HEAD":   {},
		}},
		{Path: "/bad", ResourceMethods: map[string]*model.Method{"GET": method(model.IntegrationAWS, "kvm:nomap")}},
	}, Authorizers: []*model.Authorizer{
		{Name: "tokens", AuthorizerCredentials: "kvm:m/auth"},
		{Name: "byrole", AuthorizerCredentials: "arn:aws:iam::123456789012:role/r"},
	}}
	var seen []string
	check := deployCredentialsCheck(validatorFunc(func(_ context.Context, ref string, w awsauth.Where) error {
		seen = append(seen, ref+"@"+w.APIID+"/"+w.Stage)
		if ref == "kvm:m/http" {
			t.Errorf("an HTTP integration's credentials were resolved")
		}
		return errors.New("unresolved")
	}))

	err := check(context.Background(), api, "api1", "prod")
	want := "GET /a: integration.credentials: unresolved\n" +
		"GET /bad: integration.credentials: unresolved\n" +
		"POST /z: integration.credentials: unresolved\n" +
		"authorizer \"tokens\": authorizerCredentials: unresolved"
	if err == nil || err.Error() != want {
		t.Fatalf("err =\n%v\nwant\n%s", err, want)
	}
	if strings.Join(seen, " ") != "kvm:m/a@api1/prod kvm:nomap@api1/prod kvm:m/z@api1/prod kvm:m/auth@api1/prod" {
		t.Fatalf("resolved %v", seen)
	}

	// Without a stage only the syntax is checked: nothing is resolved.
	seen = nil
	err = check(context.Background(), api, "api1", "")
	if err == nil || !strings.HasPrefix(err.Error(), "GET /bad: integration.credentials: ") || strings.Contains(err.Error(), "\n") || len(seen) != 0 {
		t.Fatalf("without a stage: err %v, resolved %v", err, seen)
	}
}
