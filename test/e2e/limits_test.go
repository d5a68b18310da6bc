package e2e

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pacedBackend is a local HTTP backend that streams its answer slowly,
// counts the bodies it receives, and at /big sends as much as it can,
// reporting on bigDone how that ended.
func pacedBackend(t *testing.T, chunks int, every time.Duration, bigDone chan<- error) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ErrorLog: log.New(io.Discard, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n, err := io.Copy(io.Discard, r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			fmt.Fprintf(w, "received %d", n)
			return
		}
		if r.URL.Path == "/big" {
			chunk := make([]byte, 1<<20)
			var err error
			for n := 0; n < 1<<10 && err == nil; n++ {
				_, err = w.Write(chunk)
			}
			bigDone <- err
			return
		}
		rc := http.NewResponseController(w)
		for i := range chunks {
			fmt.Fprintf(w, "chunk %02d\n", i)
			if err := rc.Flush(); err != nil {
				return
			}
			time.Sleep(every)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

const pacedAPI = `openapi: 3.0.1
info: {title: paced, version: "1"}
paths:
  /{proxy+}:
    x-amazon-apigateway-any-method:
      parameters: [{name: proxy, in: path, required: true, schema: {type: string}}]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: http://%s/{proxy}
        requestParameters: {integration.request.path.proxy: method.request.path.proxy}
  /buffered:
    post:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        passthroughBehavior: WHEN_NO_TEMPLATES
        requestTemplates: {application/json: '{"statusCode": 200, "size": "$util.escapeJavaScript($input.body).length()"}'}
        responses: {default: {statusCode: "200"}}
`

// TestLimitsLongTransfersPassStallsAreCut runs ferry serve with readTimeout
// and writeTimeout of 1s: a response streamed for 3s and an upload
// trickled for 3s pass through whole, while an upload that stalls for
// longer than readTimeout, and a client that stops reading a download,
// are cut off.
func TestLimitsLongTransfersPassStallsAreCut(t *testing.T) {
	const chunks, every = 15, 200 * time.Millisecond
	bigDone := make(chan error, 1)
	backend := pacedBackend(t, chunks, every, bigDone)
	f := startFerryWith(t, serveOptions{config: "limits:\n  readTimeout: 1s\n  writeTimeout: 1s\n  minBodyRate: 1024\n"})
	id := importAndDeploy(t, f, writeFile(t, "paced.yaml", fmt.Sprintf(pacedAPI, backend)), "prod")

	t.Run("a 3s response stream", func(t *testing.T) {
		start := time.Now()
		resp, body := f.call("GET", id, "prod", "/stream", nil, nil)
		took := time.Since(start)
		var want strings.Builder
		for i := range chunks {
			fmt.Fprintf(&want, "chunk %02d\n", i)
		}
		if resp.StatusCode != 200 || body != want.String() {
			t.Fatalf("status %d, body %q; want the %d chunks whole", resp.StatusCode, body, chunks)
		}
		if took < 2500*time.Millisecond {
			t.Errorf("the stream took %v; the backend paces it over about 3s", took)
		}
		t.Logf("%d bytes streamed over %v through readTimeout and writeTimeout of 1s", len(body), took.Round(time.Millisecond))
	})

	upload := func(t *testing.T, path string, pieces int, size int, pause time.Duration) (*http.Response, string, time.Duration) {
		pr, pw := io.Pipe()
		go func() {
			piece := []byte(strings.Repeat("u", size))
			for range pieces {
				if _, err := pw.Write(piece); err != nil {
					return
				}
				time.Sleep(pause)
			}
			pw.Close()
		}()
		defer pr.Close()
		start := time.Now()
		url := fmt.Sprintf("%s/restapis/%s/prod/_user_request_%s", f.Data, id, path)
		req, err := http.NewRequest("POST", url, pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			return nil, err.Error(), time.Since(start)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), time.Since(start)
	}

	t.Run("a 3s trickled upload", func(t *testing.T) {
		resp, body, took := upload(t, "/upload", 15, 4096, every)
		if resp == nil || resp.StatusCode != 200 || body != "received "+strconv.Itoa(15*4096) {
			t.Fatalf("upload: %v %q", resp, body)
		}
		if took < 2500*time.Millisecond {
			t.Errorf("the upload took %v; the client paces it over about 3s", took)
		}
		t.Logf("%d bytes uploaded over %v through readTimeout of 1s", 15*4096, took.Round(time.Millisecond))
	})

	t.Run("a stalled body that ferry reads itself", func(t *testing.T) {
		resp, body, took := upload(t, "/buffered", 2, 1024, 5*time.Second)
		if resp == nil || resp.StatusCode != http.StatusRequestTimeout || took > 4*time.Second {
			t.Fatalf("answered %v %q after %v, want 408 after about readTimeout (1s)", resp, body, took)
		}
		t.Logf("stalled body refused after %v: %s %s", took.Round(time.Millisecond), resp.Status, body)
	})

	t.Run("a streamed upload that stalls", func(t *testing.T) {
		resp, body, took := upload(t, "/upload", 2, 4096, 5*time.Second)
		if resp == nil || resp.StatusCode != http.StatusRequestTimeout {
			t.Fatalf("a stalled upload was answered %v %q, want 408", resp, body)
		}
		if took > 4*time.Second {
			t.Errorf("the stalled upload was answered after %v, want about readTimeout (1s)", took)
		}
		status := "no answer: " + body
		if resp != nil {
			status = resp.Status + " " + body
		}
		t.Logf("stalled upload cut after %v: %s", took.Round(time.Millisecond), status)
	})
	t.Run("a client that stops reading", func(t *testing.T) {
		start := time.Now()
		resp, err := http.Get(fmt.Sprintf("%s/restapis/%s/prod/_user_request_/big", f.Data, id))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		// Read nothing: ferry must give up on this client and, with it,
		// stop pulling from the backend.
		select {
		case err := <-bigDone:
			if err == nil {
				t.Fatal("the backend sent its whole gigabyte to a client that reads nothing")
			}
			t.Logf("the backend's stream ended %v after the request: %v", time.Since(start).Round(time.Millisecond), err)
		case <-time.After(30 * time.Second):
			t.Fatal("ferry kept the stalled download open for 30s")
		}
	})
}
