package admin

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkAuthorize measures the constant-time token check every request
// pays, with three tokens configured.
func BenchmarkAuthorize(b *testing.B) {
	ts, err := newTokenSet([]Token{FullAccess(fullToken), {Value: readToken, Scopes: []Scope{ScopeRead}},
		{Value: writeToken, Scopes: []Scope{ScopeWrite}}})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/restapis", nil)
	req.Header.Set("Authorization", "Bearer "+readToken)
	b.ReportAllocs()
	for b.Loop() {
		if ae := ts.authorize(req); ae != nil {
			b.Fatal(ae)
		}
	}
}

// BenchmarkGetIntegration measures one read through routing, auth and the
// in-memory store: the admin API's floor per call.
func BenchmarkGetIntegration(b *testing.B) {
	hs := newHarness(b)
	hs.seedAPI("api0000001")
	req := httptest.NewRequest(http.MethodGet, "/restapis/api0000001/resources/pets01/methods/GET/integration", nil)
	req.Header.Set("Authorization", "Bearer "+fullToken)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		hs.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
