package pipeline

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// discard is a ResponseWriter that keeps nothing, so benchmarks measure the
// pipeline rather than a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }

func BenchmarkServeMock(b *testing.B) {
	m := mock("bench")
	s := compile(b, newAPI(res("/pets/{id}", map[string]*model.Method{"GET": m})), nil)
	r := httptest.NewRequest("GET", "/pets/7", nil)
	e := &Entry{Path: "/pets/7", RequestID: "r", SourceIP: "192.0.2.1"}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		if res := s.Serve(w, r, e); res.Status != 200 {
			b.Fatalf("status %d: %v", res.Status, res.Err)
		}
	}
}

func BenchmarkServeHTTPProxy(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	s := compile(b, newAPI(res("/{proxy+}", map[string]*model.Method{"ANY": httpMethod(model.IntegrationHTTPProxy, srv.URL+"/{proxy}",
		map[string]string{"integration.request.path.proxy": "method.request.path.proxy"})})), nil)
	e := &Entry{Path: "/pets/7", RequestID: "r", SourceIP: "192.0.2.1"}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		r := httptest.NewRequest("GET", "/pets/7", nil)
		if res := s.Serve(w, r, e); res.Status != 200 {
			b.Fatalf("status %d: %v", res.Status, res.Err)
		}
	}
}

func BenchmarkServeHTTPTemplates(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":7,"name":"rex","tags":["a","b"]}`))
	}))
	defer srv.Close()
	m := httpMethod(model.IntegrationHTTP, srv.URL+"/pets/{id}", map[string]string{"integration.request.path.id": "method.request.path.id"})
	m.MethodIntegration.RequestTemplates = map[string]string{"application/json": `{"id": "$input.params('id')", "ip": "$context.identity.sourceIp"}`}
	m.MethodIntegration.IntegrationResponses["200"].ResponseTemplates = map[string]string{"application/json": `#set($p = $input.path('$'))
{"pet": "$p.name", "tags": $input.json('$.tags')}`}
	s := compile(b, newAPI(res("/pets/{id}", map[string]*model.Method{"GET": m})), nil)
	e := &Entry{Path: "/pets/7", RequestID: "r", SourceIP: "192.0.2.1"}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		r := httptest.NewRequest("GET", "/pets/7", nil)
		if res := s.Serve(w, r, e); res.Status != 200 {
			b.Fatalf("status %d: %v", res.Status, res.Err)
		}
	}
}
