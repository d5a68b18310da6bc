package lambda

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/reqctx"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func sampleRequest() *integration.ProxyRequest {
	return &integration.ProxyRequest{
		HTTPMethod: "POST",
		Resource:   "/pets/{id}",
		Path:       "/pets/7",
		Header: http.Header{
			"Content-Type": {"application/json"},
			"X-Multi":      {"one", "two"},
		},
		Query:          url.Values{"tag": {"a", "b"}, "q": {"x"}},
		PathParams:     map[string]string{"id": "7"},
		StageVariables: map[string]string{"env": "dev"},
		Context: &reqctx.Context{
			RequestID: "req-1", ExtendedRequestID: "req-1", APIID: "abc123", Stage: "dev",
			ResourcePath: "/pets/{id}", ResourceID: "r1", HTTPMethod: "POST", Path: "/dev/pets/7",
			Protocol: "HTTP/1.1", RequestTime: "22/Nov/2026:20:16:33 +0000", RequestTimeEpoch: 1795378593000,
			DomainName: "api.example.com", AccountID: "123456789012",
			Identity: reqctx.Identity{SourceIP: "192.0.2.1", UserAgent: "curl/8"},
		},
		Body: []byte(`{"name":"rex"}`),
	}
}

func TestBuildEventGolden(t *testing.T) {
	tests := []struct {
		name string
		edit func(*integration.ProxyRequest)
	}{
		{"full", func(*integration.ProxyRequest) {}},
		{"bare", func(p *integration.ProxyRequest) {
			p.HTTPMethod, p.Header, p.Query, p.PathParams, p.StageVariables, p.Body = "GET", nil, nil, nil, nil, nil
		}},
		{"binary", func(p *integration.ProxyRequest) {
			p.Header = http.Header{"Content-Type": {"image/png"}}
			p.Body = []byte{0x89, 'P', 'N', 'G', 0}
			p.Binary = mustTypes("image/*")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := sampleRequest()
			tt.edit(p)
			b, err := BuildEvent(p)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := json.Indent(&out, b, "", "  "); err != nil {
				t.Fatal(err)
			}
			out.WriteByte('\n')
			path := filepath.Join("testdata", "event-"+tt.name+".json")
			if *update {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("event differs from %s (run with -update after checking):\n%s", path, out.Bytes())
			}
		})
	}
}
