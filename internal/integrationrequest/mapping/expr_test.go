package mapping

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/reqctx"
)

func TestParseSourceRoundTrip(t *testing.T) {
	for _, s := range []string{
		"method.request.path.id", "method.request.querystring.q", "method.request.multivaluequerystring.q",
		"method.request.header.Accept", "method.request.multivalueheader.X", "method.request.body",
		"method.request.body.a.b", "integration.response.header.X", "integration.response.multivalueheader.X",
		"integration.response.body", "integration.response.body.items[0]", "context.requestId",
		"context.identity.sourceIp", "stageVariables.host", "'literal'", "''",
	} {
		src, err := ParseSource(s)
		if err != nil {
			t.Errorf("ParseSource(%q): %v", s, err)
			continue
		}
		if got := src.String(); got != s {
			t.Errorf("ParseSource(%q).String() = %q", s, got)
		}
	}
}

func TestParseSourceErrors(t *testing.T) {
	for _, s := range []string{"", "'", "'abc", "method.request.path.", "method.request.cookie.x", "stageVariables.", "context.", "method.request.header.a b", "method.request.body.[[", "request.header.x"} {
		if src, err := ParseSource(s); err == nil {
			t.Errorf("ParseSource(%q) = %+v, want an error", s, src)
		}
	}
}

func TestEvalContextAndResponse(t *testing.T) {
	v := &Values{
		Context:    &reqctx.Context{RequestTimeEpoch: 1700000000123, Authorizer: map[string]any{"n": 3.0, "obj": map[string]any{"k": "v"}}},
		RespHeader: http.Header{"X-A": {"1", "2"}},
		Host:       "api.example.test",
		RespBody:   []byte(`{"items":[{"id":1},{"id":2}],"s":"x"}`),
	}
	tests := []struct{ src, want string }{
		{"context.requestTimeEpoch", "1700000000123"},
		{"context.authorizer.n", "3"},
		{"context.authorizer.obj", `{"k":"v"}`},
		{"context.authorizer.obj.k", "v"},
		{"context.authorizer.none", "<absent>"},
		{"context.nosuch", "<absent>"},
		{"integration.response.header.X-A", "2"},
		{"integration.response.multivalueheader.X-A", "1|2"},
		{"integration.response.body.s", "x"},
		{"integration.response.body.items[1].id", "2"},
		{"integration.response.body.items[*].id", "[1,2]"},
		{"method.request.header.host", "api.example.test"},
		{"method.request.multivalueheader.Host", "api.example.test"},
	}
	for _, tt := range tests {
		src, err := ParseSource(tt.src)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := src.Eval(v)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		got := strings.Join(vals, "|")
		if vals == nil {
			got = "<absent>"
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func FuzzParseMappingExpression(f *testing.F) {
	for _, s := range []string{"method.request.path.id", "method.request.body.$.a[0].b", "'x'", "context.authorizer.claims.sub",
		"integration.response.body.a..b", "stageVariables.x", "method.request.body.a[?(@.x > 1)]",
		"integration.response.body.$", "method.request.body.$[0]", "method.request.body.$..b"} {
		f.Add(s, []byte(`{"a":[{"b":1}]}`))
	}
	f.Fuzz(func(t *testing.T, expr string, body []byte) {
		src, err := ParseSource(expr)
		if err != nil {
			return
		}
		v := &Values{Body: body, RespBody: body, Context: &reqctx.Context{}, Header: http.Header{}, RespHeader: http.Header{}}
		// Evaluation may fail on a body that is not JSON, but must not panic.
		_, _ = src.Eval(v)
		again, err := ParseSource(src.String())
		if err != nil {
			t.Fatalf("%q parsed, but its String() %q does not: %v", expr, src.String(), err)
		}
		if again.Kind != src.Kind || again.Name != src.Name {
			t.Fatalf("%q round-trips to %+v, want %+v", expr, again, src)
		}
	})
}
