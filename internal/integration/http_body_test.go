package integration

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// TestHTTPRequestBody checks what reaches the backend for each way a body
// is handed over: none, buffered, streamed with a length, streamed chunked.
func TestHTTPRequestBody(t *testing.T) {
	type seen struct {
		body     string
		length   int64
		chunked  bool
		hasCLHdr bool
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{body: string(b), length: r.ContentLength, chunked: len(r.TransferEncoding) > 0, hasCLHdr: r.Header.Get("Content-Length") != ""}
	}))
	defer srv.Close()
	u, err := url.Parse(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		method string
		body   []byte
		stream func() io.Reader // a new reader for each call
		length int64
		want   seen
	}{
		{name: "GET, streamed NoBody", method: "GET", stream: func() io.Reader { return http.NoBody }, length: 0, want: seen{length: 0}},
		{name: "GET, nothing", method: "GET", want: seen{length: 0}},
		{name: "POST, buffered", method: "POST", body: []byte(`{"a":1}`), want: seen{body: `{"a":1}`, length: 7, hasCLHdr: true}},
		{name: "POST, empty buffered", method: "POST", body: []byte{}, want: seen{length: 0, hasCLHdr: true}},
		{name: "POST, streamed with length", method: "POST", stream: func() io.Reader { return strings.NewReader("hello") }, length: 5, want: seen{body: "hello", length: 5, hasCLHdr: true}},
		{name: "POST, streamed chunked", method: "POST", stream: func() io.Reader { return strings.NewReader("chunks") }, length: -1, want: seen{body: "chunks", length: -1, chunked: true}},
		{name: "POST, stream of length 0 sends nothing", method: "POST", stream: func() io.Reader { return strings.NewReader("ignored") }, length: 0, want: seen{length: 0, hasCLHdr: true}},
	}
	for _, stream := range []bool{false, true} {
		call, err := NewHTTP(Config{Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: srv.URL + "/{p}"}, Stream: stream})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(tt.name+" stream="+strconv.FormatBool(stream), func(t *testing.T) {
				var body io.Reader
				if tt.stream != nil {
					body = tt.stream()
				}
				resp, err := call(context.Background(), &Request{Method: tt.method, URL: u, Header: http.Header{"X-A": {"1"}},
					Body: tt.body, Stream: body, ContentLength: tt.length})
				if err != nil {
					select { // a request that reached the backend must not block the next one
					case <-got:
					default:
					}
					t.Fatal(err)
				}
				if resp.Stream != nil {
					resp.Stream.Close()
				}
				s := <-got
				// Go's client sends Content-Length: 0 for a POST without a body and none for a GET.
				if tt.method == "GET" {
					tt.want.hasCLHdr = false
				}
				if s != tt.want {
					t.Fatalf("backend saw %+v, want %+v", s, tt.want)
				}
			})
		}
	}
}
