package pipeline

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// resource builds a resource whose id is derived from its path.
func res(path string, methods map[string]*model.Method) *model.Resource {
	return &model.Resource{ID: "r" + strings.NewReplacer("/", "_", "{", "", "}", "", "+", "").Replace(path), Path: path, ResourceMethods: methods}
}

func newAPI(res ...*model.Resource) *model.API {
	return &model.API{RestAPI: model.RestAPI{ID: "a1b2c3d4e5", Name: "test"}, Resources: res}
}

// mock is a MOCK method answering 200 with a header naming its resource, so
// routing tests see which one matched.
func mock(tag string) *model.Method {
	return &model.Method{
		HTTPMethod:        "GET",
		AuthorizationType: "NONE",
		MethodIntegration: &model.Integration{
			Type: model.IntegrationMock,
			IntegrationResponses: map[string]*model.IntegrationResponse{
				"200": {StatusCode: "200", ResponseParameters: map[string]string{
					"method.response.header.X-Matched": "'" + tag + "'",
				}},
			},
		},
	}
}

func compile(t testing.TB, api *model.API, stage *model.Stage) *Stage {
	t.Helper()
	if stage == nil {
		stage = &model.Stage{StageName: "dev"}
	}
	s, err := Compile(api, stage, Options{Now: fixedNow})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func fixedNow() time.Time { return time.Date(2026, 11, 22, 20, 16, 33, 0, time.UTC) }

type answer struct {
	status int
	header http.Header
	body   string
	res    Result
}

// do serves one request; target is the path after the stage, with query.
func do(t testing.TB, s *Stage, method, target, body string, header map[string]string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	res := s.Serve(w, r, &Entry{Path: r.URL.EscapedPath(), DomainName: "example.test", RequestID: "req-1", SourceIP: "192.0.2.7", Start: fixedNow()})
	if res.Status != w.Code {
		t.Errorf("Result.Status = %d, written %d", res.Status, w.Code)
	}
	return answer{status: w.Code, header: w.Header(), body: w.Body.String(), res: res}
}
