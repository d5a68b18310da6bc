package gateway

import (
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// TestResolve covers the three ways a request names an API stage, and what
// does not name one.
func TestResolve(t *testing.T) {
	tb := &table{
		stages: map[string]map[string]*servedStage{
			"abc123defg": {"prod": {}, "dev": {}},
			"off0000000": {"prod": {}},
		},
		domains: buildDomains([]*model.BasePathMapping{
			{DomainName: "API.Example.com", BasePath: "v1", RestAPIID: "abc123defg", Stage: "prod"},
			{DomainName: "api.example.com", BasePath: "(none)", RestAPIID: "abc123defg", Stage: "dev"},
			{DomainName: "only.example.com", BasePath: "v2", RestAPIID: "abc123defg", Stage: "prod"},
		}),
		disabledExecuteAPI: map[string]bool{"off0000000": true},
	}
	for _, c := range []struct {
		name, host, path string
		api, stage, rest string
		ok               bool
	}{
		{"execute-api host", "abc123defg.execute-api.us-east-1.amazonaws.com", "/prod/pets/1", "abc123defg", "prod", "/pets/1", true},
		{"execute-api host with port", "abc123defg.execute-api.localhost:8080", "/dev", "abc123defg", "dev", "/", true},
		{"execute-api host, unknown stage", "abc123defg.execute-api.localhost", "/nope/x", "abc123defg", "nope", "/x", false},
		{"user request path", "anything", "/restapis/abc123defg/prod/_user_request_/pets/%2F", "abc123defg", "prod", "/pets/%2F", true},
		{"user request path, root", "anything", "/restapis/abc123defg/dev/_user_request_", "abc123defg", "dev", "/", true},
		{"user request path, no marker", "anything", "/restapis/abc123defg/dev/pets", "", "", "", false},
		{"user request path, trailing slash", "anything", "/restapis/abc123defg/dev/_user_request_/", "abc123defg", "dev", "/", true},
		{"user request path, deep", "anything", "/restapis/abc123defg/dev/_user_request_/a//b/c/", "abc123defg", "dev", "/a//b/c/", true},
		{"user request path, marker later", "anything", "/restapis/abc123defg/dev/x/_user_request_/a", "", "", "", false},
		{"user request path, no stage", "anything", "/restapis/abc123defg", "", "", "", false},
		{"user request path, unknown stage", "anything", "/restapis/abc123defg/nope/_user_request_/a", "abc123defg", "nope", "/a", false},
		{"custom domain base path", "api.example.com", "/v1/pets", "abc123defg", "prod", "/pets", true},
		{"custom domain is case-insensitive", "API.EXAMPLE.COM:443", "/v1", "abc123defg", "prod", "/", true},
		{"custom domain (none) mapping", "api.example.com", "/other/x", "abc123defg", "dev", "/other/x", true},
		{"custom domain without (none)", "only.example.com", "/other", "", "", "", false},
		{"disabled execute-api endpoint", "off0000000.execute-api.localhost", "/prod/x", "", "", "", false},
		{"disabled endpoint, user request path", "x", "/restapis/off0000000/prod/_user_request_/x", "", "", "", false},
		{"unknown host", "example.org", "/prod/x", "", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			api, stage, rest, ok := tb.resolve(c.host, c.path)
			if ok != c.ok || (c.ok && (api != c.api || stage != c.stage || rest != c.rest)) {
				t.Errorf("resolve(%q, %q) = %q %q %q %v, want %q %q %q %v", c.host, c.path, api, stage, rest, ok, c.api, c.stage, c.rest, c.ok)
			}
		})
	}
}

func BenchmarkResolveUserRequest(b *testing.B) {
	tb := &table{stages: map[string]map[string]*servedStage{"abc123defg": {"prod": {}}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, ok := tb.resolve("127.0.0.1:8080", "/restapis/abc123defg/prod/_user_request_/svc/items/1"); !ok {
			b.Fatal("not resolved")
		}
	}
}
