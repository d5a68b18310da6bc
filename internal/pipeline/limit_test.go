package pipeline

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// zeros is an endless body that counts what was read from it, so a test
// sends 11 MB without holding 11 MB.
type zeros struct{ read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.read += int64(len(p))
	return len(p), nil
}

func templated() *model.API {
	m := &model.Method{HTTPMethod: "POST", MethodIntegration: &model.Integration{
		Type:             model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		IntegrationResponses: map[string]*model.IntegrationResponse{
			"200": {StatusCode: "200"},
		},
	}}
	return newAPI(res("/upload", map[string]*model.Method{"POST": m}))
}

func serveBody(s *Stage, body *zeros, length int64) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/upload", body)
	r.ContentLength = length
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.Serve(w, r, &Entry{Path: "/upload", RequestID: "req-1", Start: fixedNow()})
	return w
}

// An 11 MB body with a Content-Length is refused before ferry reads or
// allocates it.
func TestPayloadLimitByContentLength(t *testing.T) {
	s := compile(t, templated(), nil)
	const eleven = 11 << 20
	body := &zeros{}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w := serveBody(s, body, eleven)
	runtime.ReadMemStats(&after)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d %s, want 413", w.Code, w.Body)
	}
	if !strings.Contains(w.Body.String(), "Request Too Long") {
		t.Errorf("body %q, want API Gateway's REQUEST_TOO_LARGE message", w.Body)
	}
	if body.read != 0 {
		t.Errorf("read %d bytes of a body declared too large", body.read)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<10 {
		t.Errorf("refusing the body allocated %d bytes", alloc)
	}
	allocs := testing.AllocsPerRun(20, func() { serveBody(s, &zeros{}, eleven) })
	if allocs > 200 {
		t.Errorf("%.0f allocations per refused request", allocs)
	}
}

// A body of unknown length is read through a limited reader: it is
// refused once it passes the limit, having held at most limit+1 bytes.
func TestPayloadLimitChunked(t *testing.T) {
	stage := &model.Stage{StageName: "dev", Variables: map[string]string{PayloadLimitVariable: "65536"}}
	s := compile(t, templated(), stage)
	body := &zeros{}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w := serveBody(s, body, -1)
	runtime.ReadMemStats(&after)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d %s, want 413", w.Code, w.Body)
	}
	if body.read > 1<<20 {
		t.Errorf("read %d bytes of a chunked body over a 64 KiB limit", body.read)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("refusing a chunked body over 64 KiB allocated %d bytes", alloc)
	}
}

func TestPayloadLimitSetting(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		length int64
		status int
	}{
		{"default allows 10 MB", "", 10 << 20, 200},
		{"default refuses 10 MB + 1", "", 10<<20 + 1, 413},
		{"stage limit allows its size", "1000", 1000, 200},
		{"stage limit refuses one more", "1000", 1001, 413},
		{"stage limit raised above 10 MB", "20000000", 11 << 20, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stage := &model.Stage{StageName: "dev"}
			if tc.value != "" {
				stage.Variables = map[string]string{PayloadLimitVariable: tc.value}
			}
			s := compile(t, templated(), stage)
			r := httptest.NewRequest("POST", "/upload", strings.NewReader(strings.Repeat(" ", int(tc.length))))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			s.Serve(w, r, &Entry{Path: "/upload", Start: fixedNow()})
			if w.Code != tc.status {
				t.Fatalf("status %d %s, want %d", w.Code, w.Body, tc.status)
			}
		})
	}
}

func TestPayloadLimitBadSetting(t *testing.T) {
	for _, v := range []string{"ten", "0", "-5", "1e6"} {
		stage := &model.Stage{StageName: "dev", Variables: map[string]string{PayloadLimitVariable: v}}
		_, err := Compile(templated(), stage, Options{})
		if err == nil || !strings.Contains(err.Error(), PayloadLimitVariable) {
			t.Errorf("%s=%q: got %v, want an error naming the variable", PayloadLimitVariable, v, err)
		}
	}
}
