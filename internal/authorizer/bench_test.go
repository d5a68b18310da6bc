package authorizer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
)

func benchRequest() *pipeline.GuardRequest {
	r := httptest.NewRequest("GET", "http://gw.example/prod/pets/42", nil)
	r.Header.Set("Authorization", "Bearer good-1")
	return &pipeline.GuardRequest{
		HTTP: r, APIID: "abc123", Stage: "prod", ResourcePath: "/pets/{id}", HTTPMethod: "GET",
		PathParams: map[string]string{"id": "42"}, Context: &reqctx.Context{AccountID: "123456789012"}, Header: http.Header{},
	}
}

// BenchmarkLambdaCached is the per-call cost of a TOKEN authorizer whose
// answer is cached: token, method ARN, cache lookup, policy evaluation.
func BenchmarkLambdaCached(b *testing.B) {
	fl := &fakeLambda{answer: okAnswer(policyFor("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/*"))}
	g := guardFor(b, New(Options{Invoke: fl.factory}), testAPI(tokenAuthorizer(nil)), "CUSTOM")
	gr := benchRequest()
	ctx := context.Background()
	if err := g(ctx, gr); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := g(ctx, gr); err != nil {
			b.Fatal(err)
		}
	}
	if fl.calls.Load() != 1 {
		b.Fatalf("function invoked %d times", fl.calls.Load())
	}
}

// BenchmarkJWTCached is the per-call cost of a JWT authorizer for a token
// already verified: header, cache lookup, scope check.
func BenchmarkJWTCached(b *testing.B) {
	is := newIssuer(b)
	a := New(Options{RootCAs: is.pool})
	g := guardFor(b, a, testAPI(jwtDef(is)), "CUSTOM", "orders/read")
	gr := benchRequest()
	gr.HTTP.Header.Set("Authorization", "Bearer "+is.sign(b, "k1", map[string]any{"iss": testIss, "aud": "orders-api",
		"exp": time.Now().Add(time.Hour).Unix(), "scope": "orders/read"}))
	ctx := context.Background()
	if err := g(ctx, gr); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := g(ctx, gr); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	p, err := ParsePolicy([]byte(policyJSON(`[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/*/DELETE/*"},` +
		`{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:abc123/prod/*/pets/*"}]`)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if p.Decide(arnGetPet) != Allow {
			b.Fatal("not allowed")
		}
	}
}
