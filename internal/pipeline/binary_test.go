package pipeline

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// mirror answers with the request's own body and Content-Type, so a test
// sees both what the integration received and what the client gets back.
func mirror(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func binaryMethod(uri, reqHandling, respHandling string, templates map[string]string) *model.Method {
	return &model.Method{HTTPMethod: "POST", MethodIntegration: &model.Integration{
		Type: model.IntegrationHTTP, HTTPMethod: "POST", URI: uri,
		ContentHandling: reqHandling, RequestTemplates: templates,
		IntegrationResponses: map[string]*model.IntegrationResponse{
			"200": {StatusCode: "200", ContentHandling: respHandling, ResponseParameters: map[string]string{
				"method.response.header.Content-Type": "integration.response.header.Content-Type",
			}},
		},
	}}
}

func TestContentHandling(t *testing.T) {
	srv := mirror(t)
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
	b64 := base64.StdEncoding.EncodeToString([]byte(png))
	api := newAPI(
		res("/plain", map[string]*model.Method{"POST": binaryMethod(srv.URL, "", "", nil)}),
		res("/to-text", map[string]*model.Method{"POST": binaryMethod(srv.URL, "CONVERT_TO_TEXT", "", nil)}),
		res("/to-binary", map[string]*model.Method{"POST": binaryMethod(srv.URL, "CONVERT_TO_BINARY", "", nil)}),
		res("/template", map[string]*model.Method{"POST": binaryMethod(srv.URL, "CONVERT_TO_TEXT", "", map[string]string{
			"image/png": `{"image": "$input.body"}`,
		})}),
		res("/answer-binary", map[string]*model.Method{"POST": binaryMethod(srv.URL, "", "CONVERT_TO_BINARY", nil)}),
		res("/answer-text", map[string]*model.Method{"POST": binaryMethod(srv.URL, "", "CONVERT_TO_TEXT", nil)}),
	)
	api.RestAPI.BinaryMediaTypes = []string{"image/png", "application/octet-stream"}
	s := compile(t, api, nil)
	tests := []struct {
		name, path, contentType, accept, body string
		status                                int
		want                                  string
	}{
		{"binary in, binary Accept: unchanged both ways", "/plain", "image/png", "image/png", png, 200, png},
		{"binary in, text Accept: answer base64-encoded", "/plain", "image/png", "application/json", png, 200, b64},
		{"binary in, browser Accept judged by its first type", "/plain", "image/png", "text/html,image/png,*/*", png, 200, b64},
		{"text in, text Accept: unchanged", "/plain", "application/json", "application/json", `{"a":1}`, 200, `{"a":1}`},
		{"text answer to binary Accept is decoded", "/plain", "text/plain", "image/png", b64, 200, png},
		{"text answer to binary Accept that is not base64 is a 500", "/plain", "text/plain", "image/png", "hello!", 500, `{"message": "Internal server error"}`},
		{"CONVERT_TO_TEXT sends binary as base64", "/to-text", "image/png", "image/png", png, 200, b64},
		{"CONVERT_TO_TEXT leaves text alone", "/to-text", "text/plain", "text/plain", "hello", 200, "hello"},
		{"CONVERT_TO_BINARY decodes text", "/to-binary", "text/plain", "text/plain", b64, 200, png},
		{"CONVERT_TO_BINARY leaves binary alone", "/to-binary", "application/octet-stream", "application/octet-stream", png, 200, png},
		{"CONVERT_TO_BINARY of bad base64 is a 500", "/to-binary", "text/plain", "text/plain", "%%% not base64", 500, `{"message": "Internal server error"}`},
		{"$input.body sees base64 of a converted binary", "/template", "image/png", "image/png", png, 200, `{"image": "` + b64 + `"}`},
		{"response CONVERT_TO_BINARY decodes text", "/answer-binary", "text/plain", "text/plain", b64, 200, png},
		{"response CONVERT_TO_BINARY keeps binary", "/answer-binary", "image/png", "text/plain", png, 200, png},
		{"response CONVERT_TO_TEXT encodes binary for a binary Accept", "/answer-text", "image/png", "image/png", png, 200, b64},
		{"response CONVERT_TO_TEXT keeps text for a binary Accept", "/answer-text", "text/plain", "image/png", "hello", 200, "hello"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, s, "POST", tc.path, tc.body, map[string]string{"Content-Type": tc.contentType, "Accept": tc.accept})
			if a.status != tc.status || a.body != tc.want {
				t.Fatalf("got %d %q (%v), want %d %q", a.status, a.body, a.res.Err, tc.status, tc.want)
			}
		})
	}
}

func TestContentHandlingCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(in *model.Integration)
		binary  []string
		wantErr string
	}{
		{"bad request handling", func(in *model.Integration) { in.ContentHandling = "CONVERT" }, nil, "integration.contentHandling"},
		{"bad response handling", func(in *model.Integration) { in.IntegrationResponses["200"].ContentHandling = "TEXT" }, nil, `integrationResponses["200"].contentHandling`},
		{"bad binary media type", func(in *model.Integration) {}, []string{"png"}, "binaryMediaTypes[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := binaryMethod("http://127.0.0.1:9", "", "", nil)
			tc.mutate(m.MethodIntegration)
			api := newAPI(res("/x", map[string]*model.Method{"POST": m}))
			api.RestAPI.BinaryMediaTypes = tc.binary
			_, err := Compile(api, &model.Stage{StageName: "dev"}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error about %s", err, tc.wantErr)
			}
		})
	}
}

// Import-time checks report a binary media type that could never match,
// rather than leaving it to fail at deployment.
func TestCheckBinaryMediaTypes(t *testing.T) {
	api := newAPI(res("/x", map[string]*model.Method{"POST": binaryMethod("http://127.0.0.1:9", "", "", nil)}))
	api.RestAPI.BinaryMediaTypes = []string{"image/png", "jpeg"}
	if err := Check(api, Options{}); err == nil || !strings.Contains(err.Error(), `binaryMediaTypes[1] "jpeg"`) {
		t.Fatalf("Check: %v, want the bad entry named", err)
	}
}

// With "*/*" every payload is binary, and so is a missing Accept (taken
// as application/json): a JSON answer reaches any client unchanged.
func TestEverythingBinary(t *testing.T) {
	srv := mirror(t)
	api := newAPI(res("/m", map[string]*model.Method{"POST": binaryMethod(srv.URL, "", "", nil)}))
	api.RestAPI.BinaryMediaTypes = []string{"*/*"}
	s := compile(t, api, nil)
	for _, accept := range []string{"", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"} {
		a := do(t, s, "POST", "/m", `{"ok": true}`, map[string]string{"Accept": accept, "Content-Type": "application/json"})
		if a.status != 200 || a.body != `{"ok": true}` {
			t.Errorf("Accept %q: %d %q (%v)", accept, a.status, a.body, a.res.Err)
		}
	}
}
