package pipeline

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

// objectStore is a stand-in for an S3 integration that answers every call
// with a streamed object and records whether the request body streamed.
type objectStore struct {
	status  int
	header  http.Header
	body    func() io.Reader
	request *integration.Request
}

func (o *objectStore) factory(integration.Config) (integration.Backend, error) {
	return func(_ context.Context, req *integration.Request) (*integration.Response, error) {
		o.request = req
		if req.Stream != nil {
			_, _ = io.Copy(io.Discard, req.Stream)
		}
		return &integration.Response{Status: o.status, Header: o.header.Clone(), Stream: io.NopCloser(o.body())}, nil
	}, nil
}

func objectAPI(ir *model.IntegrationResponse, templates map[string]string) *model.API {
	m := &model.Method{HTTPMethod: "ANY", MethodIntegration: &model.Integration{
		Type: model.IntegrationAWS, HTTPMethod: "GET", URI: "arn:aws:apigateway:us-east-1:s3:path/b/{key}",
		RequestParameters:    map[string]string{"integration.request.path.key": "method.request.path.key"},
		RequestTemplates:     templates,
		IntegrationResponses: map[string]*model.IntegrationResponse{"200": ir},
	}}
	api := newAPI(res("/o/{key}", map[string]*model.Method{"ANY": m}))
	api.RestAPI.BinaryMediaTypes = []string{"image/png"}
	return api
}

func objectStage(t testing.TB, api *model.API, o *objectStore) *Stage {
	t.Helper()
	f := integration.Defaults()
	f[model.IntegrationAWS] = o.factory
	s, err := Compile(api, &model.Stage{StageName: "dev"}, Options{Integrations: f, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStreamedObject(t *testing.T) {
	png := "\x89PNG\r\n\x1a\nbytes"
	objHeader := http.Header{
		"Content-Type": {"image/png"}, "Content-Length": {"13"}, "Etag": {`"e1"`},
		"Last-Modified": {"Sun, 22 Nov 2026 20:00:00 GMT"}, "Content-Range": {"bytes 0-12/99"}, "X-Amz-Request-Id": {"r1"},
	}
	plain := &model.IntegrationResponse{StatusCode: "200"}
	mapsType := &model.IntegrationResponse{StatusCode: "200", ResponseParameters: map[string]string{
		"method.response.header.Content-Type": "'application/x-custom'",
	}}
	templated := &model.IntegrationResponse{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `{"n": "$input.body.length()"}`}}
	tests := []struct {
		name         string
		ir           *model.IntegrationResponse
		reqTemplates map[string]string
		backend      int
		accept       string
		status       int
		body         string
		header       map[string]string
		streamedIn   bool
	}{
		{"object headers pass through", plain, nil, 200, "image/png", 200, png,
			map[string]string{"Content-Type": "image/png", "Content-Length": "13", "ETag": `"e1"`, "Last-Modified": "Sun, 22 Nov 2026 20:00:00 GMT", "X-Amz-Request-Id": ""}, true},
		{"a range keeps its 206", plain, nil, 206, "image/png", 206, png, map[string]string{"Content-Range": "bytes 0-12/99"}, true},
		{"a mapped Content-Type wins", mapsType, nil, 200, "image/png", 200, png, map[string]string{"Content-Type": "application/x-custom"}, true},
		{"a text Accept buffers and encodes", plain, nil, 200, "application/json", 200, "iVBORw0KGgpieXRlcw==", nil, true},
		{"a response template buffers and sees a binary as base64", templated, nil, 200, "application/json", 200, `{"n": "20"}`, map[string]string{"Content-Type": "application/json"}, true},
		{"a request template buffers the request", plain, map[string]string{"application/json": `{}`}, 200, "image/png", 200, png, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := &objectStore{status: tc.backend, header: objHeader, body: func() io.Reader { return strings.NewReader(png) }}
			s := objectStage(t, objectAPI(tc.ir, tc.reqTemplates), o)
			a := do(t, s, "PUT", "/o/k", "uploaded", map[string]string{"Accept": tc.accept, "Content-Type": "application/json"})
			if a.status != tc.status || a.body != tc.body {
				t.Fatalf("got %d %q (%v), want %d %q", a.status, a.body, a.res.Err, tc.status, tc.body)
			}
			for k, v := range tc.header {
				if got := a.header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if streamed := o.request.Stream != nil; streamed != tc.streamedIn {
				t.Errorf("request body streamed = %v, want %v", streamed, tc.streamedIn)
			}
		})
	}
}

// zeroObject is an object of n zero bytes that is never held whole.
type zeroObject struct{ left int64 }

func (z *zeroObject) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > z.left {
		n = z.left
	}
	clear(p[:n])
	z.left -= n
	return int(n), nil
}

// BenchmarkStreamedObject serves a 64 MiB object through an S3-style
// route; allocations per operation stay flat however large the object.
func BenchmarkStreamedObject(b *testing.B) {
	const size = 64 << 20
	o := &objectStore{status: 200, header: http.Header{"Content-Type": {"application/octet-stream"}, "Content-Length": {"67108864"}},
		body: func() io.Reader { return &zeroObject{left: size} }}
	s := objectStage(b, objectAPI(&model.IntegrationResponse{StatusCode: "200"}, nil), o)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("GET", "/o/k", nil)
		w := &discardWriter{h: http.Header{}}
		s.Serve(w, r, &Entry{Path: "/o/k", Start: fixedNow()})
		if w.n != size {
			b.Fatalf("served %d bytes", w.n)
		}
	}
}

type discardWriter struct {
	h http.Header
	n int64
}

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) WriteHeader(int)     {}
func (d *discardWriter) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	return len(p), nil
}

// closeRecorder is an object body that notes how much was read and
// whether the pipeline closed it.
type closeRecorder struct {
	zeroObject
	read   int64
	closed bool
}

func (c *closeRecorder) Read(p []byte) (int, error) {
	n, err := c.zeroObject.Read(p)
	c.read += int64(n)
	return n, err
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// hangUp is a client that goes away after its first megabyte.
type hangUp struct {
	discardWriter
}

func (h *hangUp) Write(p []byte) (int, error) {
	if h.n >= 1<<20 {
		return 0, io.ErrClosedPipe
	}
	return h.discardWriter.Write(p)
}

// A client that stops reading a download ends the integration call: the
// object's stream is closed (which cancels the call to S3) after little
// more than what the client took.
func TestStreamedObjectClientGone(t *testing.T) {
	body := &closeRecorder{zeroObject: zeroObject{left: 1 << 30}}
	f := integration.Defaults()
	f[model.IntegrationAWS] = func(integration.Config) (integration.Backend, error) {
		return func(context.Context, *integration.Request) (*integration.Response, error) {
			return &integration.Response{Status: 200, Header: http.Header{"Content-Length": {"1073741824"}}, Stream: body}, nil
		}, nil
	}
	s, err := Compile(objectAPI(&model.IntegrationResponse{StatusCode: "200"}, nil), &model.Stage{StageName: "dev"}, Options{Integrations: f})
	if err != nil {
		t.Fatal(err)
	}
	w := &hangUp{discardWriter{h: http.Header{}}}
	s.Serve(w, httptest.NewRequest("GET", "/o/k", nil), &Entry{Path: "/o/k"})
	if !body.closed {
		t.Error("the object's stream was left open after the client went away")
	}
	if body.read > 2<<20 {
		t.Errorf("read %d bytes of the object for a client that took 1 MiB", body.read)
	}
}
