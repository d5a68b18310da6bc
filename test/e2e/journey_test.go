package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

var idRE = regexp.MustCompile(`^[a-z0-9]{10}$`)

// importAndDeploy imports a definition, deploys it to stage and returns the API id.
func importAndDeploy(t *testing.T, f *ferry, file, stage string, extra ...string) string {
	t.Helper()
	id := strings.TrimSpace(f.cli("import", file))
	if !idRE.MatchString(id) {
		t.Fatalf("ferry import printed %q, want the API id alone", id)
	}
	dep := strings.TrimSpace(f.cli(append([]string{"deploy", id, "--stage", stage}, extra...)...))
	if dep == "" || strings.ContainsAny(dep, " \n") {
		t.Fatalf("ferry deploy printed %q, want the deployment id alone", dep)
	}
	return id
}

func TestMockAPIJourney(t *testing.T) {
	f := startFerry(t, "")
	id := importAndDeploy(t, f, repoFile(t, "examples/mock.yaml"), "demo")

	resp, body := f.call("GET", id, "demo", "/hello?name=ferry", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /hello: status %d, body %s", resp.StatusCode, body)
	}
	var got struct{ Greeting, Stage, RequestID string }
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("GET /hello: body is not JSON: %v: %s", err, body)
	}
	if got.Greeting != "hello, ferry" || got.Stage != "demo" || got.RequestID == "" {
		t.Errorf("GET /hello: got %+v", got)
	}

	// The execute-api host form reaches the same stage.
	req, _ := http.NewRequest("GET", f.Data+"/demo/teapot", nil)
	req.Host = id + ".execute-api.localhost"
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if r2.StatusCode != 418 || !strings.Contains(string(b2), "I am a teapot") {
		t.Errorf("GET /demo/teapot on the execute-api host: %d %s", r2.StatusCode, b2)
	}

	for _, path := range []string{"/nowhere", "/hello/deeper"} {
		resp, body := f.call("GET", id, "demo", path, nil, nil)
		if resp.StatusCode != 403 || !strings.Contains(body, `"Missing Authentication Token"`) {
			t.Errorf("GET %s: want 403 Missing Authentication Token, got %d %s", path, resp.StatusCode, body)
		}
	}
	resp, body = f.call("GET", "nosuchapi0", "demo", "/hello", nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "Missing Authentication Token") {
		t.Errorf("unknown API: want 403, got %d %s", resp.StatusCode, body)
	}
	resp, _ = f.call("GET", id, "nostage", "/hello", nil, nil)
	if resp.StatusCode != 403 {
		t.Errorf("unknown stage: want 403, got %d", resp.StatusCode)
	}
}

func TestHTTPProxyToBackend(t *testing.T) {
	type seen struct {
		Method, Path, Query, Body, RequestID string
	}
	got := make(chan seen, 1)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Get("X-Ferry-Request-Id")}
		w.Header().Set("X-Backend", "yes")
		w.WriteHeader(201)
		io.WriteString(w, "created")
	}))
	defer backend.Close()

	f := startFerry(t, "")
	host := strings.TrimPrefix(backend.URL, "http://")
	id := importAndDeploy(t, f, repoFile(t, "examples/http-proxy.yaml"), "demo", "--stage-var", "backend="+host)

	resp, body := f.call("POST", id, "demo", "/svc/orders/42?x=1&y=two", strings.NewReader(`{"order":42}`), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 201 || body != "created" || resp.Header.Get("X-Backend") != "yes" {
		t.Fatalf("proxy answer: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	s := <-got
	if s.Method != "POST" || s.Path != "/orders/42" || s.Body != `{"order":42}` || s.RequestID == "" {
		t.Errorf("backend saw %+v", s)
	}
	if !strings.Contains(s.Query, "x=1") || !strings.Contains(s.Query, "y=two") {
		t.Errorf("backend saw query %q, want x=1 and y=two", s.Query)
	}
}

func TestTestInvokeShowsExecutionLog(t *testing.T) {
	f := startFerry(t, "")
	id := strings.TrimSpace(f.cli("import", repoFile(t, "examples/mock.yaml")))
	out := f.cli("test-invoke", id, "GET", "/hello", "--query", "name=log")
	for _, want := range []string{"200", "hello, log", "Method request", "Method completed with status: 200"} {
		if !strings.Contains(out, want) {
			t.Errorf("test-invoke output lacks %q:\n%s", want, out)
		}
	}
}

func TestCustomDomainBasePath(t *testing.T) {
	f := startFerry(t, "")
	id := importAndDeploy(t, f, repoFile(t, "examples/mock.yaml"), "demo")
	f.cli("domain", "create", "api.example.test")
	f.cli("domain", "map", "api.example.test", "--base-path", "v1", "--api", id, "--stage", "demo")

	req, _ := http.NewRequest("GET", f.Data+"/v1/hello?name=domain", nil)
	req.Host = "api.example.test"
	var status int
	var body string
	// The mapping reaches the data plane on the next reload; the admin API kicks one at once.
	for i := 0; i < 50; i++ {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status, body = resp.StatusCode, string(b)
		if status == 200 {
			break
		}
		sleepBriefly()
	}
	if status != 200 || !strings.Contains(body, "hello, domain") {
		t.Fatalf("custom domain: %d %s", status, body)
	}
}
