package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
	"github.com/ferrygw/ferry/internal/store/storetest"
)

const (
	secretsToken     = "secrets-3b7e1c9d2a4f" // read and secrets
	secretsOnlyToken = "secretsonly-6d2c8e"   // secrets without read
)

// newKVMHarness is the handler with a real kvm.Service over b, keys in a
// temporary data directory, and tokens of every useful combination.
func newKVMHarness(t *testing.T, b store.Backend, checkDeploy func(context.Context, *model.API, string, string) error) (*harness, *kvm.Service) {
	t.Helper()
	hs := &harness{t: t, st: store.New(b), logs: &bytes.Buffer{}}
	var svc *kvm.Service
	hs.h, svc = newKVMHandler(t, hs.st, hs.logs, checkDeploy, func() { hs.changes.Add(1) })
	return hs, svc
}

func newKVMHandler(tb testing.TB, st *store.Store, logs io.Writer, checkDeploy func(context.Context, *model.API, string, string) error, onChange func()) (http.Handler, *kvm.Service) {
	tb.Helper()
	keys, err := kvm.OpenMasterKeys(context.Background(), kvm.KeyConfig{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	svc := kvm.NewService(st, keys)
	h, err := NewHandler(Config{
		Store: st,
		Tokens: []Token{FullAccess(fullToken), {Value: readToken, Scopes: []Scope{ScopeRead}},
			{Value: writeToken, Scopes: []Scope{ScopeWrite}},
			{Value: secretsToken, Scopes: []Scope{ScopeRead, ScopeSecrets}},
			{Value: secretsOnlyToken, Scopes: []Scope{ScopeSecrets}}},
		Logger:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OnChange:    onChange,
		KVM:         svc,
		CheckDeploy: checkDeploy,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return h, svc
}

const (
	plainValue  = "region=eu-west-3"
	secretValue = `{"Version":1,"AccessKeyId":"AKIAKVMADMINTEST001","SecretAccessKey":"c2VjcmV0LWFkbWluLWt2bS10ZXN0"}`
)

var credsScope = kvm.StageScope("api1", "prod")

// seedKVM creates a plain global map and an encrypted stage map, each with
// one entry, through the admin API.
func seedKVM(hs *harness) {
	hs.t.Helper()
	hs.ok("POST", "/ferry/kvms", CreateKVMInput{Name: "settings", Scope: kvm.ScopeGlobal}, 201)
	hs.ok("POST", "/ferry/kvms", CreateKVMInput{Name: "creds", Scope: credsScope, Encrypted: true}, 201)
	hs.ok("PUT", KVMPath(kvm.ScopeGlobal, "settings", "entries", "region"), plainValue, 200)
	hs.ok("PUT", KVMPath(credsScope, "creds", "entries", "aws"), secretValue, 200)
}

func TestKVMTokenScopes(t *testing.T) {
	hs, _ := newKVMHarness(t, storetest.NewMemory(), nil)
	seedKVM(hs)
	secretPath := KVMPath(credsScope, "creds", "entries", "aws")
	plainPath := KVMPath(kvm.ScopeGlobal, "settings", "entries", "region")
	cases := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		status int
		// value is what the answer's value must be: "" for none (then
		// the answer must say why it was withheld).
		value string
	}{
		{"read token sees a plain value", "GET", plainPath, readToken, nil, 200, plainValue},
		{"read token sees only metadata of a secret", "GET", secretPath, readToken, nil, 200, ""},
		{"secrets token sees the secret", "GET", secretPath, secretsToken, nil, 200, secretValue},
		{"full token sees the secret", "GET", secretPath, fullToken, nil, 200, secretValue},
		{"secrets without read cannot read", "GET", secretPath, secretsOnlyToken, nil, 403, ""},
		{"write token cannot read", "GET", secretPath, writeToken, nil, 403, ""},
		{"write token cannot list", "GET", "/ferry/kvms?scope=global", writeToken, nil, 403, ""},
		{"read token cannot put", "PUT", secretPath, readToken, "x", 403, ""},
		{"secrets token cannot put", "PUT", secretPath, secretsToken, "x", 403, ""},
		{"read token cannot create", "POST", "/ferry/kvms", readToken, CreateKVMInput{Name: "m", Scope: "global"}, 403, ""},
		{"read token cannot delete", "DELETE", secretPath, readToken, nil, 403, ""},
		{"read token cannot rotate", "POST", "/ferry/kvms/rotate-key", readToken, nil, 403, ""},
		{"write token puts without seeing the value", "PUT", KVMPath(credsScope, "creds", "entries", "other"), writeToken, "v2-secret-value", 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := hs.do(c.method, c.path, c.token, c.body)
			if c.status == 403 {
				a.errorMessage(t, 403, ErrAccessDenied)
				return
			}
			if a.status != c.status {
				t.Fatalf("status %d, want %d: %s", a.status, c.status, a.body)
			}
			var e KVMEntry
			a.json(t, &e)
			got, included, err := e.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if c.value != "" {
				if !included || string(got) != c.value || e.Withheld != "" {
					t.Fatalf("value = %q (included %v, withheld %q), want %q", got, included, e.Withheld, c.value)
				}
			} else {
				if included || bytes.Contains(a.body, []byte("SecretAccessKey")) || bytes.Contains(a.body, []byte("v2-secret")) {
					t.Fatalf("answer carries the value: %s", a.body)
				}
				if c.method == "GET" && e.Withheld != withheldNoSecrets {
					t.Fatalf("withheld = %q, want the reason", e.Withheld)
				}
			}
			if !e.Exists || e.Key == "" || e.Size == 0 {
				t.Fatalf("metadata missing: %s", a.body)
			}
			if e.Encrypted && len(e.KeyID) != 8 {
				t.Fatalf("encrypted entry without the id of its sealing key: %s", a.body)
			}
		})
	}
}

// TestKVMMetadata checks the metadata of a secret matches what was stored,
// and that listings carry keys and sizes, never values.
func TestKVMMetadata(t *testing.T) {
	hs, _ := newKVMHarness(t, storetest.NewMemory(), nil)
	seedKVM(hs)
	var e KVMEntry
	hs.do("GET", KVMPath(credsScope, "creds", "entries", "aws"), readToken, nil).json(t, &e)
	if e.Size != len(secretValue) || !e.Encrypted || e.Scope != credsScope || e.Map != "creds" || e.Key != "aws" {
		t.Fatalf("metadata = %+v, want size %d in %s/creds", e.EntryInfo, len(secretValue), credsScope)
	}

	var entries list[kvm.EntryInfo]
	a := hs.do("GET", KVMPath(credsScope, "creds", "entries"), fullToken, nil)
	a.json(t, &entries)
	if len(entries.Item) != 1 || entries.Item[0].Key != "aws" || entries.Item[0].Size != len(secretValue) {
		t.Fatalf("entries = %s", a.body)
	}
	if bytes.Contains(a.body, []byte("AKIAKVMADMINTEST001")) {
		t.Fatalf("a listing holds the value: %s", a.body)
	}
	a = hs.do("GET", KVMPath(kvm.ScopeGlobal, "settings", "entries"), fullToken, nil)
	if bytes.Contains(a.body, []byte(plainValue)) {
		t.Fatalf("a listing of a plain map holds the value: %s", a.body)
	}

	var maps list[kvm.MapInfo]
	hs.ok("GET", "/ferry/kvms?scope="+credsScope, nil, 200).json(t, &maps)
	if len(maps.Item) != 1 || maps.Item[0].Name != "creds" || !maps.Item[0].Encrypted {
		t.Fatalf("maps of %s = %+v", credsScope, maps.Item)
	}
	var m kvm.MapInfo
	hs.ok("GET", KVMPath(kvm.ScopeGlobal, "settings"), nil, 200).json(t, &m)
	if m.Name != "settings" || m.Encrypted || m.CreatedDate == "" {
		t.Fatalf("describe map = %+v", m)
	}
	if n := hs.changes.Load(); n != 0 {
		t.Fatalf("map writes reported %d changes; they change no served API", n)
	}
}

func TestKVMErrors(t *testing.T) {
	hs, _ := newKVMHarness(t, storetest.NewMemory(), nil)
	seedKVM(hs)
	big := strings.Repeat("x", MaxKVMValueBytes+1)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		errType, inMessage string
	}{
		{"list without scope", "GET", "/ferry/kvms", nil, 400, ErrBadRequest, "scope query parameter is required"},
		{"list with a bad scope", "GET", "/ferry/kvms?scope=stage:abc", nil, 400, ErrBadRequest, `scope "stage:abc"`},
		{"create without scope", "POST", "/ferry/kvms", CreateKVMInput{Name: "m"}, 400, ErrBadRequest, "scope is required"},
		{"create with a bad name", "POST", "/ferry/kvms", CreateKVMInput{Name: "a b", Scope: "global"}, 400, ErrBadRequest, `map name "a b"`},
		{"create with an unknown field", "POST", "/ferry/kvms", `{"name":"m","scope":"global","encrypt":true}`, 400, ErrBadRequest, `unknown field "encrypt"`},
		{"create twice", "POST", "/ferry/kvms", CreateKVMInput{Name: "settings", Scope: "global"}, 409, ErrConflict, "already exists"},
		{"describe a missing map", "GET", KVMPath("global", "nope"), nil, 404, ErrNotFound, "nope"},
		{"bad scope in the path", "GET", KVMPath("planet", "settings"), nil, 400, ErrBadRequest, `scope "planet"`},
		{"missing entry", "GET", KVMPath("global", "settings", "entries", "nope"), nil, 404, ErrNotFound, "nope"},
		{"entry of a missing map", "PUT", KVMPath("global", "nope", "entries", "k"), "v", 404, ErrNotFound, "nope"},
		{"key with a control character", "PUT", KVMPath("global", "settings", "entries", "a\tb"), "v", 400, ErrBadRequest, "control character"},
		{"key that is not UTF-8", "PUT", KVMPath("global", "settings", "entries", "k\xff"), "v", 400, ErrBadRequest, "not valid UTF-8"},
		{"empty value", "PUT", KVMPath("global", "settings", "entries", "k"), "", 400, ErrBadRequest, "request body is empty"},
		{"value too large", "PUT", KVMPath("global", "settings", "entries", "k"), big, 413, ErrTooLarge, "65536 bytes"},
		{"delete a missing entry", "DELETE", KVMPath("global", "settings", "entries", "nope"), nil, 404, ErrNotFound, "nope"},
		{"delete a missing map", "DELETE", KVMPath("global", "nope"), nil, 404, ErrNotFound, "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := hs.do(c.method, c.path, fullToken, c.body).errorMessage(t, c.status, c.errType)
			if !strings.Contains(msg, c.inMessage) {
				t.Fatalf("message %q does not contain %q", msg, c.inMessage)
			}
		})
	}

	plain := newHarness(t)
	msg := plain.do("GET", "/ferry/kvms?scope=global", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	if !strings.Contains(msg, "not enabled") {
		t.Fatalf("without Config.KVM: %q", msg)
	}
}

// TestKVMDeleteAndEscaping covers names a router would mangle: a stage
// scope holds a '/', and keys may be '.', '..' or contain '/'.
func TestKVMDeleteAndEscaping(t *testing.T) {
	hs, _ := newKVMHarness(t, storetest.NewMemory(), nil)
	hs.ok("POST", "/ferry/kvms", CreateKVMInput{Name: "..", Scope: credsScope}, 201)
	keys := []string{".", "..", "/", "a/b", "../up", "sp ace?#", "%2F"}
	for i, k := range keys {
		hs.ok("PUT", KVMPath(credsScope, "..", "entries", k), "v"+string(rune('0'+i)), 200)
	}
	for i, k := range keys {
		var e KVMEntry
		hs.ok("GET", KVMPath(credsScope, "..", "entries", k), nil, 200).json(t, &e)
		if e.Key != k || e.Value == nil || *e.Value != "v"+string(rune('0'+i)) {
			t.Fatalf("entry %q read back as %+v", k, e)
		}
	}
	hs.ok("DELETE", KVMPath(credsScope, "..", "entries", "a/b"), nil, 202)
	var entries list[kvm.EntryInfo]
	hs.ok("GET", KVMPath(credsScope, "..", "entries"), nil, 200).json(t, &entries)
	if len(entries.Item) != len(keys)-1 {
		t.Fatalf("after deleting one entry: %+v", entries.Item)
	}
	hs.ok("DELETE", KVMPath(credsScope, ".."), nil, 202)
	hs.do("GET", KVMPath(credsScope, ".."), fullToken, nil).errorMessage(t, 404, ErrNotFound)
}

func TestKVMRotateKeepsValuesReadable(t *testing.T) {
	hs, _ := newKVMHarness(t, storetest.NewMemory(), nil)
	seedKVM(hs)
	path := KVMPath(credsScope, "creds", "entries", "aws")
	var before KVMEntry
	hs.ok("GET", path, nil, 200).json(t, &before)

	var rot RotateKeyOutput
	hs.ok("POST", "/ferry/kvms/rotate-key", nil, 200).json(t, &rot)
	if len(rot.KeyID) != 8 || rot.KeyID == before.KeyID {
		t.Fatalf("rotation answered key %q; the value was sealed with %q", rot.KeyID, before.KeyID)
	}
	var after KVMEntry
	hs.ok("GET", path, nil, 200).json(t, &after)
	if after.KeyID != rot.KeyID {
		t.Fatalf("after rotation the value is sealed with %q, want %q", after.KeyID, rot.KeyID)
	}
	if got, ok, _ := after.Bytes(); !ok || string(got) != secretValue {
		t.Fatalf("after rotation the secret reads %q", got)
	}
	var plain KVMEntry
	hs.ok("GET", KVMPath(kvm.ScopeGlobal, "settings", "entries", "region"), nil, 200).json(t, &plain)
	if plain.Value == nil || *plain.Value != plainValue {
		t.Fatalf("plain value after rotation: %+v", plain)
	}
	// A write token may rotate: rotation reveals nothing.
	if a := hs.do("POST", "/ferry/kvms/rotate-key", writeToken, nil); a.status != 200 {
		t.Fatalf("rotation with a write token: %d %s", a.status, a.body)
	}
}

// TestKVMBinaryValue checks a value that is not UTF-8 survives the JSON
// answer byte for byte.
func TestKVMBinaryValue(t *testing.T) {
	hs, _ := newKVMHarness(t, storetest.NewMemory(), nil)
	hs.ok("POST", "/ferry/kvms", CreateKVMInput{Name: "bin", Scope: "global", Encrypted: true}, 201)
	val := []byte{0xff, 0x00, 0xfe, 'k', 0x80}
	hs.ok("PUT", KVMPath("global", "bin", "entries", "k"), val, 200)
	var e KVMEntry
	hs.ok("GET", KVMPath("global", "bin", "entries", "k"), nil, 200).json(t, &e)
	got, ok, err := e.Bytes()
	if err != nil || !ok || !bytes.Equal(got, val) || e.ValueBase64 == nil || e.Value != nil {
		t.Fatalf("binary value read back as %x (%v, %v): %+v", got, ok, err, e)
	}
}

// TestKVMSecretReachesNeitherDiskNorLog writes secrets through the admin
// API over SQLite, reads them back, provokes errors on their entries, then
// searches the database files and the admin log for the plaintext. A
// plain map's value is the control: the search must find it on disk.
func TestKVMSecretReachesNeitherDiskNorLog(t *testing.T) {
	dir := t.TempDir()
	b, err := sqlite.Open(filepath.Join(dir, "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := newKVMHarness(t, b, nil)
	seedKVM(hs)
	const control = "plain-control-9c4e1a"
	hs.ok("PUT", KVMPath("global", "settings", "entries", "control"), control, 200)
	hs.ok("PUT", KVMPath(credsScope, "creds", "entries", "db"), "hunter2-admin-kvm-7731", 200)
	hs.ok("GET", KVMPath(credsScope, "creds", "entries", "aws"), nil, 200)
	hs.do("GET", KVMPath(credsScope, "creds", "entries", "aws"), readToken, nil)
	hs.do("PUT", KVMPath(credsScope, "missing", "entries", "aws"), fullToken, secretValue)
	hs.do("PUT", KVMPath(credsScope, "creds", "entries", "aws"), readToken, secretValue)
	hs.ok("POST", "/ferry/kvms/rotate-key", nil, 200)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	needles := []string{"AKIAKVMADMINTEST001", "c2VjcmV0LWFkbWluLWt2bS10ZXN0", "hunter2-admin-kvm-7731"}
	var disk []byte
	files, _ := filepath.Glob(filepath.Join(dir, "ferry.db*"))
	for _, f := range files {
		bs, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		disk = append(disk, bs...)
	}
	if !bytes.Contains(disk, []byte(control)) {
		t.Fatalf("the plain control value is in none of %v: the search cannot see stored values", files)
	}
	logs := hs.logs.String()
	if !strings.Contains(logs, "/ferry/kvms") || strings.Count(logs, "admin request") < 8 {
		t.Fatalf("the admin log did not record the requests, so its silence proves nothing:\n%s", logs)
	}
	for _, n := range needles {
		if bytes.Contains(disk, []byte(n)) {
			t.Errorf("the database files hold %q", n)
		}
		if strings.Contains(logs, n) {
			t.Errorf("the admin log holds %q:\n%s", n, logs)
		}
	}
}

// TestCheckDeployRefuses checks the hook runs before anything is stored
// on every path that points a stage at a deployment, with the stage name
// it will serve under.
func TestCheckDeployRefuses(t *testing.T) {
	var refuse bool
	var calls []string
	hook := func(_ context.Context, api *model.API, apiID, stage string) error {
		calls = append(calls, apiID+"/"+stage)
		if api == nil || api.RestAPI.ID != apiID {
			return errors.New("hook got the wrong API")
		}
		if refuse {
			return errors.New("GET /pets: integration.credentials: kvm:creds/aws: no such entry")
		}
		return nil
	}
	hs, _ := newKVMHarness(t, storetest.NewMemory(), hook)
	hs.seedAPI("api0000001")
	var d model.Deployment
	hs.ok("POST", "/restapis/api0000001/deployments", CreateDeploymentInput{StageName: "prod"}, 201).json(t, &d)

	refuse = true
	cases := []struct {
		name, method, path string
		body               any
		prefix             string
	}{
		{"deploy to a stage", "POST", "/restapis/api0000001/deployments", CreateDeploymentInput{StageName: "prod"}, "create deployment: "},
		{"deploy without a stage", "POST", "/restapis/api0000001/deployments", CreateDeploymentInput{}, "create deployment: "},
		{"create a stage", "POST", "/restapis/api0000001/stages", CreateStageInput{StageName: "beta", DeploymentID: d.ID}, "create stage beta: "},
		{"point a stage at a deployment", "PATCH", "/restapis/api0000001/stages/prod", UpdateStageInput{PatchOperations: []PatchOperation{
			{Op: "replace", Path: "/deploymentId", Value: d.ID}}}, "update stage: patchOperations[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := hs.do(c.method, c.path, fullToken, c.body).errorMessage(t, 400, ErrBadRequest)
			if !strings.HasPrefix(msg, c.prefix) || !strings.Contains(msg, "GET /pets: integration.credentials: kvm:creds/aws: no such entry") {
				t.Fatalf("message %q", msg)
			}
		})
	}
	var ds list[model.Deployment]
	hs.ok("GET", "/restapis/api0000001/deployments", nil, 200).json(t, &ds)
	if len(ds.Item) != 1 {
		t.Fatalf("a refused deployment was stored: %d deployments", len(ds.Item))
	}
	hs.do("GET", "/restapis/api0000001/stages/beta", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	want := []string{"api0000001/prod", "api0000001/prod", "api0000001/", "api0000001/beta", "api0000001/prod"}
	if strings.Join(calls, " ") != strings.Join(want, " ") {
		t.Fatalf("hook calls %v, want %v", calls, want)
	}
}

// BenchmarkKVMGetSecret measures reading a secret through the admin API:
// authentication twice (route, then the secrets scope), a store read and
// an AES-GCM open.
func BenchmarkKVMGetSecret(b *testing.B) {
	st := store.New(storetest.NewMemory())
	h, svc := newKVMHandler(b, st, io.Discard, nil, nil)
	ctx := context.Background()
	if _, err := svc.CreateMap(ctx, credsScope, "creds", true); err != nil {
		b.Fatal(err)
	}
	if err := svc.Put(ctx, credsScope, "creds", "aws", []byte(secretValue)); err != nil {
		b.Fatal(err)
	}
	path := KVMPath(credsScope, "creds", "entries", "aws")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+secretsToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// FuzzKVMEntryKey sends arbitrary entry keys through KVMPath and the
// router: a key kvm accepts must come back as the same entry, any other
// must be a 400, never a 404 from a mangled path or a 500.
func FuzzKVMEntryKey(f *testing.F) {
	for _, k := range []string{"k", ".", "..", "/", "a/b", "../x", "%2F", "sp ace", "q?x#y", "\t", "é", ""} {
		f.Add(k)
	}
	st := store.New(storetest.NewMemory())
	h, svc := newKVMHandler(f, st, io.Discard, nil, nil)
	if _, err := svc.CreateMap(context.Background(), credsScope, "m", false); err != nil {
		f.Fatal(err)
	}
	send := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://admin"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fullToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	f.Fuzz(func(t *testing.T, key string) {
		path := KVMPath(credsScope, "m", "entries", key)
		rec := send("PUT", path, "v:"+key)
		if kvm.ValidateEntryKey(key) != nil || !utf8.ValidString(key) {
			if rec.Code != 400 {
				t.Fatalf("invalid key %q: PUT %s = %d, want 400: %s", key, path, rec.Code, rec.Body)
			}
			return
		}
		if rec.Code != 200 {
			t.Fatalf("key %q: PUT %s = %d: %s", key, path, rec.Code, rec.Body)
		}
		rec = send("GET", path, "")
		var e KVMEntry
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != 200 {
			t.Fatalf("key %q: GET %s = %d: %s", key, path, rec.Code, rec.Body)
		}
		if v, ok, _ := e.Bytes(); e.Key != key || !ok || string(v) != "v:"+key {
			t.Fatalf("key %q came back as %q with value %q", key, e.Key, v)
		}
	})
}
