package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/storetest"
)

var _ Store = (*store.Store)(nil)

const (
	fullToken  = "full-4f2b9c0e7d1a"
	readToken  = "read-8c1d2e3f4a5b"
	writeToken = "write-0a9b8c7d6e5f"
)

// harness is a handler over the in-memory store, with a count of the
// writes it reported and everything it logged.
type harness struct {
	t       testing.TB
	h       http.Handler
	st      *store.Store
	changes atomic.Int64
	logs    *bytes.Buffer
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	return newHarnessOn(t, storetest.NewMemory())
}

func newHarnessOn(t testing.TB, b store.Backend) *harness {
	t.Helper()
	hs := &harness{t: t, st: store.New(b), logs: &bytes.Buffer{}}
	h, err := NewHandler(Config{
		Store: hs.st,
		Tokens: []Token{FullAccess(fullToken), {Value: readToken, Scopes: []Scope{ScopeRead}},
			{Value: writeToken, Scopes: []Scope{ScopeWrite}}},
		Logger:   slog.New(slog.NewTextHandler(hs.logs, nil)),
		OnChange: func() { hs.changes.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	hs.h = h
	return hs
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, a.body)
	}
}

// errorMessage checks the answer is API Gateway's error shape and returns the message.
func (a answer) errorMessage(t *testing.T, status int, typ string) string {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body %s", a.status, status, a.body)
	}
	if got := a.header.Get("x-amzn-ErrorType"); got != typ {
		t.Fatalf("x-amzn-ErrorType = %q, want %q", got, typ)
	}
	var m map[string]any
	a.json(t, &m)
	msg, ok := m["message"].(string)
	if !ok || msg == "" || len(m) != 1 {
		t.Fatalf("error body %s is not {\"message\": ...}", a.body)
	}
	return msg
}

func (hs *harness) do(method, path, token string, body any) answer {
	hs.t.Helper()
	if token == "" {
		return hs.doRaw(method, path, "", body)
	}
	return hs.doRaw(method, path, "Bearer "+token, body)
}

// doRaw sends a request with the given Authorization header ("" for none).
func (hs *harness) doRaw(method, path, authorization string, body any) answer {
	hs.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			hs.t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req := httptest.NewRequest(method, path, rd)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	hs.h.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// ok sends a request with the full token and fails unless it gets want.
func (hs *harness) ok(method, path string, body any, want int) answer {
	hs.t.Helper()
	a := hs.do(method, path, fullToken, body)
	if a.status != want {
		hs.t.Fatalf("%s %s = %d, want %d: %s", method, path, a.status, want, a.body)
	}
	return a
}

// seedAPI stores a small API: "/" and "/pets" with a MOCK GET.
func (hs *harness) seedAPI(id string) *model.API {
	hs.t.Helper()
	api := &model.API{
		RestAPI: model.RestAPI{ID: id, Name: "pets-" + id, RootResourceID: "root01"},
		Resources: []*model.Resource{
			{ID: "root01", Path: "/"},
			{ID: "pets01", ParentID: "root01", PathPart: "pets", Path: "/pets", ResourceMethods: map[string]*model.Method{
				"GET": {HTTPMethod: "GET", AuthorizationType: "NONE",
					MethodResponses: map[string]*model.MethodResponse{"200": {StatusCode: "200",
						ResponseParameters: map[string]bool{"method.response.header.X-Kind": false}}},
					MethodIntegration: &model.Integration{Type: model.IntegrationMock,
						IntegrationResponses: map[string]*model.IntegrationResponse{
							"200": {StatusCode: "200", ResponseParameters: map[string]string{
								"method.response.header.X-Kind": "'pets'"}}}}},
			}},
		},
	}
	if err := hs.st.CreateAPI(context.Background(), api); err != nil {
		hs.t.Fatal(err)
	}
	return api
}
