package integrationrequest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/mappingtemplate"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/reqctx"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestPassthroughTable(t *testing.T) {
	// API Gateway's table, row by row: behaviour × (templates defined,
	// one matches the Content-Type).
	tests := []struct {
		behavior  string
		templates int
		matched   bool
		want      Outcome
	}{
		{model.PassthroughWhenNoMatch, 0, false, PassThrough},
		{model.PassthroughWhenNoMatch, 1, false, PassThrough},
		{model.PassthroughWhenNoMatch, 1, true, UseTemplate},
		{model.PassthroughWhenNoTemplates, 0, false, PassThrough},
		{model.PassthroughWhenNoTemplates, 1, false, Reject},
		{model.PassthroughWhenNoTemplates, 1, true, UseTemplate},
		{model.PassthroughNever, 0, false, Reject},
		{model.PassthroughNever, 1, false, Reject},
		{model.PassthroughNever, 1, true, UseTemplate},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d/%v", tt.behavior, tt.templates, tt.matched), func(t *testing.T) {
			if got := Passthrough(tt.behavior, tt.templates, tt.matched); got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPassthroughWithoutTemplates(t *testing.T) {
	for _, b := range []string{"", model.PassthroughWhenNoMatch, model.PassthroughWhenNoTemplates, model.PassthroughNever} {
		t.Run(b, func(t *testing.T) {
			s, err := Compile(&model.Integration{Type: model.IntegrationHTTP, URI: "http://127.0.0.1:9/x", PassthroughBehavior: b})
			if err != nil {
				t.Fatal(err)
			}
			v := &mapping.Values{Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("raw")}
			req, err := s.Build(context.Background(), &Input{Values: v, HTTPMethod: "POST"})
			if b == model.PassthroughNever {
				var ge *gatewayresponse.Error
				if !errors.As(err, &ge) || ge.Type != gatewayresponse.UnsupportedMediaType || ge.StatusCode() != 415 || ge.Message != "Unsupported Media Type" {
					t.Fatalf("err = %v, want 415 Unsupported Media Type", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(req.Body) != "raw" || req.Header.Get("Content-Type") != "text/plain" {
				t.Fatalf("body %q content type %q", req.Body, req.Header.Get("Content-Type"))
			}
		})
	}
}

func values() *mapping.Values {
	h := http.Header{}
	h.Add("X-Multi", "a")
	h.Add("X-Multi", "b")
	h.Set("Accept", "application/json")
	return &mapping.Values{
		Path:           map[string]string{"id": "a b/c", "proxy": "x/y z"},
		Greedy:         "proxy",
		Query:          url.Values{"q": {"1", "2"}, "single": {"s"}},
		Header:         h,
		Body:           []byte(`{"name":"rex","tags":["a","b"],"owner":{"id":7}}`),
		StageVariables: map[string]string{"host": "127.0.0.1:9", "version": "v2"},
		Context: &reqctx.Context{RequestID: "rid", Stage: "dev", Identity: reqctx.Identity{SourceIP: "192.0.2.1"},
			Authorizer: map[string]any{"principalId": "u1", "claims": map[string]any{"sub": "s1"}}},
	}
}

// TestParameterMappings runs each case through Build and compares the
// backend request with testdata/mappings.golden (go test -update rewrites it).
func TestParameterMappings(t *testing.T) {
	tests := []struct {
		name   string
		uri    string
		params map[string]string
	}{
		{"path param into uri", "http://127.0.0.1:9/pets/{petId}", map[string]string{"integration.request.path.petId": "method.request.path.id"}},
		{"greedy keeps slashes", "http://127.0.0.1:9/{proxy}", map[string]string{"integration.request.path.proxy": "method.request.path.proxy"}},
		{"stage variables in uri", "http://${stageVariables.host}/${stageVariables.version}/x", nil},
		{"querystring takes the last value", "http://127.0.0.1:9/", map[string]string{"integration.request.querystring.q": "method.request.querystring.q"}},
		{"multivalue querystring", "http://127.0.0.1:9/", map[string]string{"integration.request.multivaluequerystring.q": "method.request.multivaluequerystring.q"}},
		{"multivalue querystring into single", "http://127.0.0.1:9/", map[string]string{"integration.request.querystring.q": "method.request.multivaluequerystring.q"}},
		{"header and multivalue header", "http://127.0.0.1:9/", map[string]string{
			"integration.request.header.X-Last":          "method.request.header.X-Multi",
			"integration.request.multivalueheader.X-All": "method.request.multivalueheader.X-Multi",
			"integration.request.header.X-Joined":        "method.request.multivalueheader.X-Multi",
		}},
		{"body and JSONPath", "http://127.0.0.1:9/", map[string]string{
			"integration.request.header.X-Body":  "method.request.body",
			"integration.request.header.X-Name":  "method.request.body.name",
			"integration.request.header.X-Owner": "method.request.body.owner",
			"integration.request.header.X-Tag":   "method.request.body.tags[1]",
			"integration.request.querystring.o":  "method.request.body.$.owner.id",
		}},
		{"context, stage variables and literals", "http://127.0.0.1:9/", map[string]string{
			"integration.request.header.X-Rid":    "context.requestId",
			"integration.request.header.X-Ip":     "context.identity.sourceIp",
			"integration.request.header.X-Sub":    "context.authorizer.claims.sub",
			"integration.request.header.X-Ver":    "stageVariables.version",
			"integration.request.querystring.lit": "'a literal, with comma'",
		}},
		{"absent sources set nothing", "http://127.0.0.1:9/", map[string]string{
			"integration.request.header.X-None": "method.request.header.Missing",
			"integration.request.querystring.n": "method.request.querystring.missing",
			"integration.request.header.X-Sv":   "stageVariables.missing",
			"integration.request.header.X-Bp":   "method.request.body.nothing.here",
		}},
		{"uri query kept beside mapped", "http://127.0.0.1:9/x?fixed=1", map[string]string{"integration.request.querystring.single": "method.request.querystring.single"}},
	}
	var golden strings.Builder
	for _, tt := range tests {
		s, err := Compile(&model.Integration{Type: model.IntegrationHTTP, HTTPMethod: "POST", URI: tt.uri, RequestParameters: tt.params})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		req, err := s.Build(context.Background(), &Input{Values: values(), HTTPMethod: "GET"})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		fmt.Fprintf(&golden, "== %s\n%s %s\n", tt.name, req.Method, req.URL)
		keys := make([]string, 0, len(req.Header))
		for k := range req.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&golden, "%s: %q\n", k, req.Header[k])
		}
	}
	path := filepath.Join("testdata", "mappings.golden")
	if *update {
		if err := os.WriteFile(path, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if golden.String() != string(want) {
		t.Fatalf("mappings differ from %s:\n%s", path, golden.String())
	}
}

func TestBrokenMappingAtRequestTime(t *testing.T) {
	s, err := Compile(&model.Integration{Type: model.IntegrationHTTP, URI: "http://127.0.0.1:9/",
		RequestParameters: map[string]string{"integration.request.header.X": "method.request.body.a"}})
	if err != nil {
		t.Fatal(err)
	}
	v := values()
	v.Body = []byte("not json")
	_, err = s.Build(context.Background(), &Input{Values: v, HTTPMethod: "GET"})
	var ge *gatewayresponse.Error
	if !errors.As(err, &ge) || ge.StatusCode() != 500 || ge.Message != "Internal server error" {
		t.Fatalf("err = %v, want an internal 500", err)
	}
	if !strings.Contains(ge.Cause.Error(), `integration.requestParameters["integration.request.header.X"]`) {
		t.Fatalf("cause %q does not name the mapping", ge.Cause)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   model.Integration
		want string
	}{
		{"unknown target", model.Integration{Type: "MOCK", RequestParameters: map[string]string{"integration.request.cookie.x": "'a'"}}, `integration.requestParameters["integration.request.cookie.x"]: "integration.request.cookie.x" is not a valid target`},
		{"response source", model.Integration{Type: "MOCK", RequestParameters: map[string]string{"integration.request.header.x": "integration.response.body"}}, "an integration request cannot read integration.response.body"},
		{"unclosed literal", model.Integration{Type: "MOCK", RequestParameters: map[string]string{"integration.request.header.x": "'abc"}}, "lacks its closing quote"},
		{"bad JSONPath", model.Integration{Type: "MOCK", RequestParameters: map[string]string{"integration.request.header.x": "method.request.body.a[["}}, "body JSONPath"},
		{"unclosed placeholder", model.Integration{Type: "HTTP", URI: "http://h/{id"}, "integration.uri"},
		{"bad stage variable", model.Integration{Type: "HTTP", URI: "http://h/${other.x}"}, "want ${stageVariables.NAME}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(&tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPassthroughMatrixBuild(t *testing.T) {
	const tmpl = `rendered:$input.body`
	tests := []struct {
		behavior    string
		templates   bool
		contentType string
		want        string // the backend body, or "415"
	}{
		{model.PassthroughWhenNoMatch, true, "application/json", "rendered:raw"},
		{model.PassthroughWhenNoMatch, true, "text/plain", "raw"},
		{model.PassthroughWhenNoMatch, false, "text/plain", "raw"},
		{model.PassthroughWhenNoTemplates, true, "application/json", "rendered:raw"},
		{model.PassthroughWhenNoTemplates, true, "text/plain", "415"},
		{model.PassthroughWhenNoTemplates, false, "text/plain", "raw"},
		{model.PassthroughNever, true, "application/json", "rendered:raw"},
		{model.PassthroughNever, true, "text/plain", "415"},
		{model.PassthroughNever, false, "application/json", "415"},
		{model.PassthroughNever, true, "", "rendered:raw"}, // no Content-Type is application/json
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v/%s", tt.behavior, tt.templates, tt.contentType), func(t *testing.T) {
			in := &model.Integration{Type: model.IntegrationHTTP, URI: "http://127.0.0.1:9/", PassthroughBehavior: tt.behavior}
			if tt.templates {
				in.RequestTemplates = map[string]string{"application/json": tmpl}
			}
			s, err := Compile(in)
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{}
			if tt.contentType != "" {
				h.Set("Content-Type", tt.contentType)
			}
			v := &mapping.Values{Header: h, Body: []byte("raw")}
			req, err := s.Build(context.Background(), &Input{Values: v, HTTPMethod: "POST", Template: &mappingtemplate.Input{Body: v.Body, Context: &reqctx.Context{}}})
			if tt.want == "415" {
				var ge *gatewayresponse.Error
				if !errors.As(err, &ge) || ge.StatusCode() != 415 {
					t.Fatalf("err = %v, want 415", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(req.Body) != tt.want {
				t.Fatalf("body %q, want %q", req.Body, tt.want)
			}
		})
	}
}
