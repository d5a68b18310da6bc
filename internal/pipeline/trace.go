package pipeline

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/integration"
)

// tracer writes test-invoke's execution log. Every method is a no-op on a
// nil tracer, so serving outside test-invoke pays one nil check per line.
type tracer struct {
	b   strings.Builder
	now func() time.Time
}

// logTime is the timestamp format of API Gateway's execution log.
const logTime = "Mon Jan 02 15:04:05 UTC 2006"

// maxLoggedBody caps a body in the log the way API Gateway truncates them.
const maxLoggedBody = 32 << 10

func (t *tracer) logf(format string, args ...any) {
	if t == nil {
		return
	}
	for i, a := range args {
		if b, ok := a.([]byte); ok {
			if len(b) > maxLoggedBody {
				args[i] = string(b[:maxLoggedBody]) + " [TRUNCATED]"
			} else {
				args[i] = string(b)
			}
		}
	}
	t.b.WriteString(t.now().UTC().Format(logTime))
	t.b.WriteString(" : ")
	fmt.Fprintf(&t.b, format, args...)
	t.b.WriteByte('\n')
}

// secretHeaders are shown masked: the log is returned to API callers.
var secretHeaders = map[string]bool{
	"Authorization":        true,
	"Proxy-Authorization":  true,
	"X-Api-Key":            true,
	"Cookie":               true,
	"Set-Cookie":           true,
	"X-Amz-Security-Token": true,
}

func (t *tracer) headers(label string, h http.Header) {
	if t == nil {
		return
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := strings.Join(h[k], ",")
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			v = mask(v)
		}
		parts = append(parts, k+"="+v)
	}
	t.logf("%s: {%s}", label, strings.Join(parts, ", "))
}

// mask keeps the last four characters of a secret, as API Gateway's log does.
func mask(v string) string {
	if len(v) <= 4 {
		return "****"
	}
	return strings.Repeat("*", 12) + v[len(v)-4:]
}

func (t *tracer) methodRequest(x *exchange) {
	if t == nil {
		return
	}
	t.logf("HTTP Method: %s, Resource Path: %s", x.r.Method, x.rc.Path)
	t.logf("Method request path: %s", stringMap(x.vals.Path))
	t.logf("Method request query string: %s", queryMap(x.r.URL.Query()))
	t.headers("Method request headers", x.r.Header)
}

func (t *tracer) endpointRequest(req *integration.Request) {
	if t == nil {
		return
	}
	if req.URL != nil {
		t.logf("Endpoint request URI: %s", req.URL.Redacted())
	}
	t.headers("Endpoint request headers", req.Header)
	if req.Stream == nil {
		t.logf("Endpoint request body after transformations: %s", req.Body)
	}
	if req.URL != nil {
		t.logf("Sending request to %s", req.URL.Redacted())
	}
}

func (t *tracer) endpointResponse(resp *integration.Response) {
	if t == nil {
		return
	}
	t.logf("Received response. Status: %d", resp.Status)
	t.headers("Endpoint response headers", resp.Header)
	if resp.Stream == nil {
		t.logf("Endpoint response body before transformations: %s", resp.Body)
	}
}

func stringMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func queryMap(q url.Values) string {
	m := make(map[string]string, len(q))
	for k, vs := range q {
		m[k] = strings.Join(vs, ",")
	}
	return stringMap(m)
}
