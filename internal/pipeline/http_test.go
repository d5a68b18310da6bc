package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// echo is a real backend on 127.0.0.1 that answers with what it received.
func echo(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/slow":
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		case "/status/404":
			w.WriteHeader(404)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Backend", "yes")
		w.Header().Set("Connection", "X-Hop")
		w.Header().Set("X-Hop", "must not pass")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"method": r.Method, "path": r.URL.EscapedPath(), "query": r.URL.RawQuery,
			"header": r.Header, "body": string(body), "host": r.Host,
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

type echoed struct {
	Method, Path, Query, Body, Host string
	Header                          http.Header
}

func decodeEcho(t *testing.T, body string) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("backend answer %q: %v", body, err)
	}
	return e
}

func httpMethod(typ, uri string, params map[string]string) *model.Method {
	return &model.Method{
		HTTPMethod: "ANY",
		MethodIntegration: &model.Integration{
			Type: typ, HTTPMethod: "ANY", URI: uri, RequestParameters: params,
			IntegrationResponses: map[string]*model.IntegrationResponse{
				"200": {StatusCode: "200", ResponseParameters: map[string]string{
					"method.response.header.X-From-Backend": "integration.response.header.X-Backend",
					"method.response.header.X-Body-Method":  "integration.response.body.method",
				}},
				"404": {StatusCode: "404", SelectionPattern: "404"},
			},
		},
	}
}

func TestHTTPProxy(t *testing.T) {
	srv := echo(t)
	api := newAPI(
		res("/{proxy+}", map[string]*model.Method{"ANY": httpMethod(model.IntegrationHTTPProxy, srv.URL+"/{proxy}",
			map[string]string{"integration.request.path.proxy": "method.request.path.proxy"})}),
		res("/mapped/{id}", map[string]*model.Method{"ANY": httpMethod(model.IntegrationHTTPProxy, srv.URL+"/items/{id}?fixed=1",
			map[string]string{
				"integration.request.path.id":            "method.request.path.id",
				"integration.request.header.X-Stage":     "stageVariables.env",
				"integration.request.querystring.source": "context.identity.sourceIp",
			})}),
	)
	s := compile(t, api, &model.Stage{StageName: "dev", Variables: map[string]string{"env": "test"}})

	a := do(t, s, "PUT", "/a/b%20c/d?x=1&x=2", "payload", map[string]string{"Connection": "X-Secret-Hop", "X-Secret-Hop": "1", "X-Client": "c"})
	if a.status != 200 {
		t.Fatalf("status %d %s", a.status, a.body)
	}
	e := decodeEcho(t, a.body)
	if e.Method != "PUT" || e.Path != "/a/b%20c/d" || e.Query != "x=1&x=2" || e.Body != "payload" {
		t.Fatalf("backend saw %+v", e)
	}
	if e.Header.Get("X-Client") != "c" || e.Header.Get("X-Secret-Hop") != "" {
		t.Fatalf("headers toward backend: %v", e.Header)
	}
	if a.header.Get("X-Backend") != "yes" || a.header.Get("X-Hop") != "" {
		t.Fatalf("headers back to client: %v", a.header)
	}
	if a.res.ResourcePath != "/{proxy+}" {
		t.Fatalf("ResourcePath %q", a.res.ResourcePath)
	}

	a = do(t, s, "GET", "/mapped/7?q=z", "", nil)
	e = decodeEcho(t, a.body)
	if e.Path != "/items/7" || e.Header.Get("X-Stage") != "test" {
		t.Fatalf("backend saw %+v", e)
	}
	for _, want := range []string{"fixed=1", "q=z", "source=192.0.2.7"} {
		if !strings.Contains(e.Query, want) {
			t.Errorf("query %q lacks %q", e.Query, want)
		}
	}

	a = do(t, s, "GET", "/status/404", "", nil)
	if a.status != 404 || a.body != "" {
		t.Fatalf("proxy must pass a 404 through: %d %q", a.status, a.body)
	}
}

func TestHTTP(t *testing.T) {
	srv := echo(t)
	api := newAPI(res("/pets/{id}", map[string]*model.Method{"GET": httpMethod(model.IntegrationHTTP, srv.URL+"/${stageVariables.prefix}/{petId}",
		map[string]string{
			"integration.request.path.petId":     "method.request.path.id",
			"integration.request.header.X-Multi": "method.request.multivalueheader.X-In",
		})}),
		res("/status/{code}", map[string]*model.Method{"GET": httpMethod(model.IntegrationHTTP, srv.URL+"/status/{code}",
			map[string]string{"integration.request.path.code": "method.request.path.code"})}),
	)
	s := compile(t, api, &model.Stage{StageName: "dev", Variables: map[string]string{"prefix": "v1"}})
	r := httptest.NewRequest("GET", "/pets/a%2Fb?dropped=1", nil)
	r.Header.Add("X-In", "one")
	r.Header.Add("X-In", "two")
	r.Header.Set("X-Not-Mapped", "x")
	w := httptest.NewRecorder()
	res := s.Serve(w, r, &Entry{Path: r.URL.EscapedPath(), SourceIP: "192.0.2.7"})
	if w.Code != 200 {
		t.Fatalf("status %d %s (%v)", w.Code, w.Body, res.Err)
	}
	e := decodeEcho(t, w.Body.String())
	if e.Path != "/v1/a%2Fb" || e.Query != "" || e.Header.Get("X-Not-Mapped") != "" || e.Header.Get("X-Multi") != "one,two" {
		t.Fatalf("backend saw %+v", e)
	}
	if w.Header().Get("X-From-Backend") != "yes" || w.Header().Get("X-Body-Method") != "GET" || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("method response headers %v", w.Header())
	}
	if res.IntegrationLatency <= 0 {
		t.Fatalf("IntegrationLatency = %v", res.IntegrationLatency)
	}
	a := do(t, s, "GET", "/status/404", "", nil)
	if a.status != 404 {
		t.Fatalf("selection by backend status: %d", a.status)
	}
}

func TestIntegrationTimeoutAndFailure(t *testing.T) {
	srv := echo(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	slow := httpMethod(model.IntegrationHTTP, srv.URL+"/slow", nil)
	slow.MethodIntegration.TimeoutInMillis = 100
	slowProxy := httpMethod(model.IntegrationHTTPProxy, srv.URL+"/slow", nil)
	slowProxy.MethodIntegration.TimeoutInMillis = 100
	api := newAPI(
		res("/slow", map[string]*model.Method{"GET": slow}),
		res("/slowproxy", map[string]*model.Method{"GET": slowProxy}),
		res("/down", map[string]*model.Method{"GET": httpMethod(model.IntegrationHTTP, closed+"/x", nil)}),
	)
	s := compile(t, api, nil)
	tests := []struct {
		path, body string
		status     int
	}{
		{"/slow", `{"message": "Endpoint request timed out"}`, 504},
		{"/slowproxy", `{"message": "Endpoint request timed out"}`, 504},
		{"/down", `{"message": "Internal server error"}`, 504},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			start := time.Now()
			a := do(t, s, "GET", tt.path, "", nil)
			if a.status != tt.status || a.body != tt.body {
				t.Fatalf("got %d %s", a.status, a.body)
			}
			if a.res.Err == nil {
				t.Fatal("no internal reason in Result.Err")
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v; the timeout is 100ms", d)
			}
		})
	}
}

func TestClientCancelStopsBackend(t *testing.T) {
	gotCancel := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			close(gotCancel)
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	api := newAPI(res("/", map[string]*model.Method{"GET": httpMethod(model.IntegrationHTTPProxy, srv.URL, nil)}))
	s := compile(t, api, nil)
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	done := make(chan Result)
	go func() { done <- s.Serve(httptest.NewRecorder(), r, &Entry{Path: "/"}) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-gotCancel:
	case <-time.After(2 * time.Second):
		t.Fatal("backend call not canceled with the client")
	}
	<-done
}

func TestHTTPProxyStreamsChunks(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		<-release
		_, _ = io.WriteString(w, "data: second\n\n")
	}))
	defer srv.Close()
	defer close(release)
	s := compile(t, newAPI(res("/events", map[string]*model.Method{"GET": httpMethod(model.IntegrationHTTPProxy, srv.URL, nil)})), nil)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Serve(w, r, &Entry{Path: r.URL.EscapedPath()})
	}))
	defer front.Close()
	resp, err := http.Get(front.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64)
	done := make(chan string)
	go func() {
		n, _ := resp.Body.Read(buf)
		done <- string(buf[:n])
	}()
	select {
	case got := <-done:
		if got != "data: first\n\n" {
			t.Fatalf("first chunk %q", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the first event did not arrive before the stream ended: the proxy buffers")
	}
}
