package awsservice_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/awsservice"
	"github.com/ferrygw/ferry/internal/model"
)

func s3Backend(t *testing.T, endpoint, method string, timeoutMillis int) integration.Backend {
	t.Helper()
	b, err := awsservice.Factory(resolver(t, endpoint))(integration.Config{
		Integration: &model.Integration{Type: model.IntegrationAWS, HTTPMethod: method,
			URI: "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", TimeoutInMillis: timeoutMillis},
		Where: method + " /files",
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// slowBody hands out its bytes with a pause before each read.
type slowBody struct {
	left  int
	pause time.Duration
}

func (s *slowBody) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := min(len(p), s.left, 1000)
	clear(p[:n])
	s.left -= n
	return n, nil
}

// A streamed upload is signed UNSIGNED-PAYLOAD, keeps its length, and the
// integration timeout counts from the end of the upload: an upload that
// lasts longer than the timeout still succeeds, while a server that then
// does not answer in time is a 504.
func TestStreamedUpload(t *testing.T) {
	var hash, auth string
	var length int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		hash, auth, length = r.Header.Get("X-Amz-Content-Sha256"), r.Header.Get("Authorization"), n
		if strings.HasSuffix(r.URL.Path, "/stall") {
			<-r.Context().Done()
			return
		}
		w.Header().Set("ETag", `"abc"`)
	}))
	defer srv.Close()
	put := s3Backend(t, srv.URL, "PUT", 200)

	body := &slowBody{left: 5000, pause: 60 * time.Millisecond} // about 300 ms to send
	resp, err := put(context.Background(), &integration.Request{
		Header: http.Header{}, Stream: body, ContentLength: 5000,
		PathParams: map[string]string{"bucket": "b", "key": "k"},
	})
	if err != nil {
		t.Fatalf("an upload longer than the timeout: %v", err)
	}
	resp.Stream.Close()
	if hash != "UNSIGNED-PAYLOAD" || !strings.Contains(auth, "AWS4-HMAC-SHA256") || length != 5000 {
		t.Errorf("S3 saw hash %q, auth %q, %d bytes; want a signed UNSIGNED-PAYLOAD upload of 5000", hash, auth, length)
	}
	if resp.Header.Get("ETag") != `"abc"` {
		t.Errorf("ETag %q", resp.Header.Get("ETag"))
	}

	start := time.Now()
	_, err = put(context.Background(), &integration.Request{
		Header: http.Header{}, Stream: strings.NewReader("x"), ContentLength: 1,
		PathParams: map[string]string{"bucket": "b", "key": "stall"},
	})
	if ge := gatewayresponse.From(err); err == nil || ge.StatusCode() != http.StatusGatewayTimeout {
		t.Fatalf("a stalled answer: %v, want a 504", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the timeout took %v to fire, want about 200ms", d)
	}
}

// A download comes back as a stream, its body unread until the caller
// reads it; closing it ends the call.
func TestStreamedDownload(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "11")
		io.WriteString(w, "hello world")
	}))
	defer srv.Close()
	get := s3Backend(t, srv.URL, "GET", 0)
	resp, err := get(context.Background(), &integration.Request{
		Header: http.Header{}, Stream: http.NoBody, PathParams: map[string]string{"bucket": "b", "key": "k"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Stream.Close()
	if resp.Body != nil {
		t.Errorf("the download was buffered: %q", resp.Body)
	}
	b, err := io.ReadAll(resp.Stream)
	if err != nil || string(b) != "hello world" || resp.Header.Get("Content-Length") != "11" {
		t.Errorf("got %q %v, Content-Length %q", b, err, resp.Header.Get("Content-Length"))
	}
}
