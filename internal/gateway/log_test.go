package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/pipeline"
)

func TestRequestLogLine(t *testing.T) {
	tests := []struct {
		name   string
		level  slog.Level
		path   string
		want   map[string]any // fields checked; nil means no line at all
		hasErr bool
	}{
		{name: "no API", level: slog.LevelInfo, path: "/nowhere",
			want: map[string]any{"level": "INFO", "msg": "request", "status": 403.0, "method": "GET", "route": "", "api": "", "sourceIp": "192.0.2.9"}},
		{name: "stage that failed to compile", level: slog.LevelInfo, path: "/restapis/a1/dev/_user_request_/x",
			want: map[string]any{"level": "ERROR", "status": 500.0, "api": "a1", "stage": "dev", "err": "boom"}, hasErr: true},
		{name: "info off", level: slog.LevelWarn, path: "/nowhere", want: nil},
		{name: "errors still logged when info is off", level: slog.LevelWarn, path: "/restapis/a1/dev/_user_request_/x",
			want: map[string]any{"level": "ERROR", "status": 500.0}, hasErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			g := New(Config{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: tt.level}))})
			g.current.Store(&table{stages: map[string]map[string]*servedStage{"a1": {"dev": {err: errors.New("boom")}}}})
			r := httptest.NewRequest("GET", tt.path, nil)
			r.RemoteAddr = "192.0.2.9:4000"
			g.ServeHTTP(httptest.NewRecorder(), r)
			if tt.want == nil {
				if buf.Len() != 0 {
					t.Fatalf("logged %q, want nothing", buf.String())
				}
				return
			}
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("log line %q: %v", buf.String(), err)
			}
			for k, v := range tt.want {
				if line[k] != v {
					t.Errorf("%s = %v, want %v (line %s)", k, line[k], v, buf.String())
				}
			}
			for _, k := range []string{"time", "requestId", "latencyMs", "integrationLatencyMs"} {
				if _, ok := line[k]; !ok {
					t.Errorf("line lacks %s: %s", k, buf.String())
				}
			}
			if _, ok := line["err"]; ok != tt.hasErr {
				t.Errorf("err present = %v, want %v", ok, tt.hasErr)
			}
			if _, ok := line["source"]; ok {
				t.Errorf("line names a source location: %s", buf.String())
			}
		})
	}
}

func BenchmarkRequestLog(b *testing.B) {
	g := New(Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	r := httptest.NewRequest("GET", "/restapis/a1/dev/_user_request_/pets/7", nil)
	res := pipeline.Result{Status: 200, ResourcePath: "/pets/{id}", IntegrationLatency: 1234 * time.Microsecond}
	b.ReportAllocs()
	for b.Loop() {
		g.logRequest(r, "c0ffee00-0000-4000-8000-000000000000", "a1", "dev", "192.0.2.9", res, 2345*time.Microsecond)
	}
}
