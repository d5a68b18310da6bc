package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// badInputAPI maps a query value into a header and a path parameter into an
// HTTP URI path, the two places where a client's bytes become part of a
// request ferry sends.
func badInputAPI(t *testing.T, backend string) string {
	return writeFile(t, "bad-input.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: bad-input, version: "1"}
paths:
  /h:
    get:
      parameters: [{name: v, in: query, schema: {type: string}}]
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://%[1]s/h
        requestParameters:
          integration.request.header.X-From-Query: method.request.querystring.v
  /files/{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://%[1]s/base/{name}
        requestParameters:
          integration.request.path.name: method.request.path.name
  /any/{rest+}:
    get:
      parameters: [{name: rest, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://%[1]s/base/{rest}
        requestParameters:
          integration.request.path.rest: method.request.path.rest
`, backend))
}

// rawGet sends a request line exactly as given, bypassing the client's own
// cleaning of paths and values.
func rawGet(t *testing.T, base, target string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = target // sent verbatim as the request target
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Hostile values in mapped parameters: every row gets a clear answer, none
// reaches the backend in a form that escapes its slot, and ferry keeps
// serving without leaking goroutines.
func TestBadInputInMappedParameters(t *testing.T) {
	var mu sync.Mutex
	var seen []string // escaped paths and injected headers the backend saw
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.EscapedPath()+" injected="+r.Header.Get("X-Injected"))
		mu.Unlock()
		io.WriteString(w, "ok")
	}))
	defer backend.Close()
	f := startFerry(t, "")
	id := strings.TrimSpace(f.cli("import", badInputAPI(t, strings.TrimPrefix(backend.URL, "http://"))))
	f.cli("deploy", id, "--stage", "s")
	base := "/restapis/" + id + "/s/_user_request_"

	rows := []struct {
		name, target string
		wantStatus   []int
	}{
		{"CRLF in a value mapped into a header", base + "/h?v=a%0d%0aX-Injected:%20yes", []int{400, 500, 502, 504}},
		{"LF alone in a mapped header", base + "/h?v=a%0aX-Injected:%20yes", []int{400, 500, 502, 504}},
		{"invalid UTF-8 in a mapped header", base + "/h?v=%ff%fe%fd", []int{200}},
		{"invalid UTF-8 in a path parameter", base + "/files/%ff%fe", []int{200}},
		{"dot-dot as a path parameter", base + "/files/..", []int{400}},
		{"encoded dot-dot as a path parameter", base + "/files/%2e%2e", []int{400}},
		{"encoded slash and dot-dot inside a parameter", base + "/files/..%2f..%2fetc%2fpasswd", []int{400}},
		{"dot-dot inside a greedy parameter", base + "/any/a/../../etc/passwd", []int{400}},
		{"plain greedy path still works", base + "/any/a/b%20c/d", []int{200}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			status, body := rawGet(t, f.Data, r.target)
			ok := false
			for _, w := range r.wantStatus {
				ok = ok || status == w
			}
			if !ok {
				t.Errorf("%s: %d %s, want one of %v", r.target, status, body, r.wantStatus)
			}
			if status >= 400 && !strings.Contains(body, `"message"`) {
				t.Errorf("%s: %d %q is not a gateway response", r.target, status, body)
			}
		})
	}
	mu.Lock()
	for _, s := range seen {
		if strings.Contains(s, "injected=yes") {
			t.Errorf("a header was injected: backend saw %s", s)
		}
		if !strings.HasPrefix(s, "/base/") && !strings.HasPrefix(s, "/h ") {
			t.Errorf("a path parameter climbed out of its URI: backend saw %s", s)
		}
		if strings.Contains(s, "/../") || strings.HasSuffix(strings.Fields(s)[0], "/..") {
			t.Errorf("a dot-dot segment reached the backend: %s", s)
		}
	}
	mu.Unlock()
	if status, body := rawGet(t, f.Data, base+"/h?v=fine"); status != 200 || body != "ok" {
		t.Fatalf("after the bad rows a normal call answered %d %s", status, body)
	}
}
