package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3StreamAPI serves /files/{bucket}/{key+} from S3 with the default
// credential chain: no request template, so bodies stream both ways;
// /templated/{bucket}/{key} has a template, so its bodies are buffered and
// bounded by the stage's payload limit.
func s3StreamAPI(t *testing.T) string {
	return writeFile(t, "s3stream.yaml", `openapi: 3.0.1
info: {title: big files, version: "1"}
x-amazon-apigateway-binary-media-types: ["image/png"]
paths:
  /files/{bucket}/{key+}:
    parameters:
      - {name: bucket, in: path, required: true, schema: {type: string}}
      - {name: key, in: path, required: true, schema: {type: string}}
    put:
      responses: {"200": {description: ok}, "400": {description: refused}}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        httpMethod: PUT
        requestParameters:
          integration.request.path.bucket: method.request.path.bucket
          integration.request.path.key: method.request.path.key
        responses:
          default: {statusCode: "200"}
          "4\\d\\d": {statusCode: "400"}
    get:
      responses: {"200": {description: ok}, "404": {description: missing}}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        httpMethod: GET
        requestParameters:
          integration.request.path.bucket: method.request.path.bucket
          integration.request.path.key: method.request.path.key
        responses:
          default: {statusCode: "200"}
          "404": {statusCode: "404"}
  /templated/{bucket}/{key}:
    parameters:
      - {name: bucket, in: path, required: true, schema: {type: string}}
      - {name: key, in: path, required: true, schema: {type: string}}
    put:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        httpMethod: PUT
        requestParameters:
          integration.request.path.bucket: method.request.path.bucket
          integration.request.path.key: method.request.path.key
        requestTemplates:
          application/json: '{"size": $input.body.length()}'
        responses:
          default: {statusCode: "200"}
`)
}

// stream is a reproducible pseudo-random byte stream: the test sends and
// checks gigabytes without holding or storing them.
type stream struct{ r *rand.ChaCha8 }

func newStream() *stream { return &stream{rand.NewChaCha8([32]byte{'f', 'e', 'r', 'r', 'y'})} }

func (s *stream) Read(p []byte) (int, error) { return s.r.Read(p) }

// sums returns the SHA-256 and MD5 of the first n bytes of the stream.
func sums(n int64) (sha, md string) {
	h, m := sha256.New(), md5.New()
	if _, err := io.Copy(io.MultiWriter(h, m), io.LimitReader(newStream(), n)); err != nil {
		panic(err) // a ChaCha8 reader does not fail
	}
	return hex.EncodeToString(h.Sum(nil)), hex.EncodeToString(m.Sum(nil))
}

// streamBytes is the size of the large-object test: 256 MiB by default,
// FERRY_S3STREAM_BYTES to change it (scripts/s3stream.sh runs 1 GiB).
func streamBytes(t *testing.T) int64 {
	v := os.Getenv("FERRY_S3STREAM_BYTES")
	if v == "" {
		return 256 << 20
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1<<20 {
		t.Fatalf("FERRY_S3STREAM_BYTES=%q: want a number of bytes of at least 1 MiB", v)
	}
	return n
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading ferry's memory: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM line %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

func send(t *testing.T, method, url string, body io.Reader, length int64, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	if length == 0 {
		req.Body = http.NoBody
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return resp
}

func drain(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sha reads a body to its end and returns its SHA-256 and length.
func sha(t *testing.T, r io.Reader) (string, int64) {
	t.Helper()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		t.Fatalf("reading the object: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n
}

func mibps(n int64, d time.Duration) float64 { return float64(n) / (1 << 20) / d.Seconds() }

// A large object goes through ferry to MinIO and back in constant memory,
// with matching checksums, its headers intact, ranges honoured, and a
// throughput measured beside a direct transfer to MinIO.
func TestS3StreamLargeObject(t *testing.T) {
	if testing.Short() {
		t.Skip("moves hundreds of MiB through MinIO; run without -short")
	}
	size := streamBytes(t)
	w := newAWSWorld(t, nil)
	w.createBucket(t, "big")
	f := startFerryWith(t, serveOptions{env: w.env})
	id := strings.TrimSpace(f.cli("import", s3StreamAPI(t)))
	f.cli("deploy", id, "--stage", "v1")
	base := fmt.Sprintf("%s/restapis/%s/v1/_user_request_/files/big", f.Data, id)
	wantSHA, wantMD5 := sums(size)

	start := time.Now()
	resp := send(t, "PUT", base+"/data/large.bin", io.LimitReader(newStream(), size), size, map[string]string{"Content-Type": "application/octet-stream"})
	if out := drain(t, resp); resp.StatusCode != 200 {
		t.Fatalf("PUT through ferry: %d %s", resp.StatusCode, out)
	}
	putFerry := time.Since(start)

	start = time.Now()
	resp = send(t, "GET", base+"/data/large.bin", nil, 0, nil)
	gotSHA, n := sha(t, resp.Body)
	resp.Body.Close()
	getFerry := time.Since(start)
	if resp.StatusCode != 200 || gotSHA != wantSHA || n != size {
		t.Fatalf("GET through ferry: %d, %d bytes, sha256 %s; want 200, %d bytes, %s", resp.StatusCode, n, gotSHA, size, wantSHA)
	}
	checks := map[string]string{
		"Content-Length": strconv.FormatInt(size, 10),
		"Content-Type":   "application/octet-stream",
		"ETag":           `"` + wantMD5 + `"`,
		"Accept-Ranges":  "bytes",
	}
	for k, v := range checks {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("GET %s = %q, want %q", k, got, v)
		}
	}
	if _, err := http.ParseTime(resp.Header.Get("Last-Modified")); err != nil {
		t.Errorf("GET Last-Modified %q: %v", resp.Header.Get("Last-Modified"), err)
	}

	rss := peakRSS(t, f.cmd.Process.Pid)
	t.Logf("ferry peak RSS (VmHWM) after PUT and GET of %d MiB: %.1f MiB", size>>20, float64(rss)/(1<<20))
	if rss >= 64<<20 {
		t.Errorf("ferry's peak RSS %d bytes, want below 64 MiB", rss)
	}

	// A range comes back as 206 with exactly its bytes.
	resp = send(t, "GET", base+"/data/large.bin", nil, 0, map[string]string{"Range": "bytes=1000-1999"})
	part := drain(t, resp)
	want := make([]byte, 2000)
	_, _ = io.ReadFull(newStream(), want)
	if resp.StatusCode != 206 || part != string(want[1000:]) || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 1000-1999/%d", size) {
		t.Errorf("ranged GET: %d %q, %d bytes; want 206 with bytes 1000-1999", resp.StatusCode, resp.Header.Get("Content-Range"), len(part))
	}
	// A conditional GET with the object's ETag is a 304.
	resp = send(t, "GET", base+"/data/large.bin", nil, 0, map[string]string{"If-None-Match": `"` + wantMD5 + `"`})
	if drain(t, resp); resp.StatusCode != 304 {
		t.Errorf("GET If-None-Match the ETag: %d, want 304", resp.StatusCode)
	}

	// The same transfer straight to MinIO, through presigned URLs, for comparison.
	pc := s3.NewPresignClient(w.s3Client())
	put, err := pc.PresignPutObject(bg(), &s3.PutObjectInput{Bucket: aws.String("big"), Key: aws.String("direct.bin")})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	resp = send(t, "PUT", put.URL, io.LimitReader(newStream(), size), size, nil)
	if out := drain(t, resp); resp.StatusCode != 200 {
		t.Fatalf("direct PUT: %d %s", resp.StatusCode, out)
	}
	putDirect := time.Since(start)
	get, err := pc.PresignGetObject(bg(), &s3.GetObjectInput{Bucket: aws.String("big"), Key: aws.String("direct.bin")})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	resp = send(t, "GET", get.URL, nil, 0, nil)
	directSHA, _ := sha(t, resp.Body)
	resp.Body.Close()
	getDirect := time.Since(start)
	if directSHA != wantSHA {
		t.Errorf("direct GET sha256 %s, want %s", directSHA, wantSHA)
	}
	t.Logf("throughput, %d MiB on loopback: PUT through ferry %.0f MiB/s, direct %.0f MiB/s; GET through ferry %.0f MiB/s, direct %.0f MiB/s",
		size>>20, mibps(size, putFerry), mibps(size, putDirect), mibps(size, getFerry), mibps(size, getDirect))
}

// A client that goes away mid-upload aborts the call to S3: no object is
// left behind, and ferry goes on serving.
func TestS3StreamClientDisconnect(t *testing.T) {
	w := newAWSWorld(t, nil)
	w.createBucket(t, "big")
	f := startFerryWith(t, serveOptions{env: w.env})
	id := strings.TrimSpace(f.cli("import", s3StreamAPI(t)))
	f.cli("deploy", id, "--stage", "v1")
	url := fmt.Sprintf("%s/restapis/%s/v1/_user_request_/files/big/gone.bin", f.Data, id)

	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "PUT", url, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = 64 << 20
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// Send 4 MiB of the promised 64, then hang up.
	if _, err := io.CopyN(pw, newStream(), 4<<20); err != nil {
		t.Fatalf("writing the first part: %v", err)
	}
	cancel()
	pw.CloseWithError(context.Canceled)
	if err := <-done; err == nil {
		t.Fatal("the canceled upload reported success")
	}
	// Give ferry and MinIO a moment to see the connection go.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := w.s3Client().HeadObject(bg(), &s3.HeadObjectInput{Bucket: aws.String("big"), Key: aws.String("gone.bin")})
		if err != nil && strings.Contains(err.Error(), "NotFound") {
			break
		}
		if err == nil {
			t.Fatal("an upload the client abandoned was stored in S3")
		}
		if time.Now().After(deadline) {
			t.Fatalf("HeadObject: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp := send(t, "PUT", url, strings.NewReader("after"), 5, nil)
	if out := drain(t, resp); resp.StatusCode != 200 {
		t.Fatalf("PUT after the abandoned one: %d %s", resp.StatusCode, out)
	}
}

func testPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			img.Set(x, y, color.NRGBA{uint8(x * 6), uint8(y * 8), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A PNG through an API with image/png in binaryMediaTypes arrives in S3
// byte-identical; it comes back as is to Accept image/png and base64-encoded
// to a text Accept, per API Gateway's response table; an 11 MB body to a
// templated integration is refused with 413.
func TestS3StreamBinaryAndLimit(t *testing.T) {
	w := newAWSWorld(t, nil)
	w.createBucket(t, "pics")
	f := startFerryWith(t, serveOptions{env: w.env})
	id := strings.TrimSpace(f.cli("import", s3StreamAPI(t)))
	f.cli("deploy", id, "--stage", "v1")
	pic := testPNG(t)

	resp, out := f.call("PUT", id, "v1", "/files/pics/a/b/logo.png", bytes.NewReader(pic), map[string]string{"Content-Type": "image/png"})
	if resp.StatusCode != 200 {
		t.Fatalf("PUT png: %d %s", resp.StatusCode, out)
	}
	if got := w.object(t, "pics", "a/b/logo.png"); got != string(pic) {
		t.Fatalf("S3 holds %d bytes that differ from the %d-byte PNG", len(got), len(pic))
	}
	tests := []struct {
		accept, want string
	}{
		{"image/png", string(pic)},
		{"application/json", base64.StdEncoding.EncodeToString(pic)},
		{"text/html,image/png;q=0.9", base64.StdEncoding.EncodeToString(pic)},
	}
	for _, tc := range tests {
		resp, out = f.call("GET", id, "v1", "/files/pics/a/b/logo.png", nil, map[string]string{"Accept": tc.accept})
		if resp.StatusCode != 200 || out != tc.want {
			t.Errorf("GET png with Accept %q: %d, %d bytes; want 200 and %d bytes", tc.accept, resp.StatusCode, len(out), len(tc.want))
		}
	}

	big := int64(11 << 20)
	resp = send(t, "PUT", fmt.Sprintf("%s/restapis/%s/v1/_user_request_/templated/pics/big.json", f.Data, id),
		io.LimitReader(newStream(), big), big, map[string]string{"Content-Type": "application/json"})
	if out := drain(t, resp); resp.StatusCode != 413 || !strings.Contains(out, "Request Too Long") {
		t.Fatalf("11 MB to a templated integration: %d %s; want 413 Request Too Long", resp.StatusCode, out)
	}
	resp, out = f.call("PUT", id, "v1", "/templated/pics/small.json", strings.NewReader(`"hi"`), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 200 || w.object(t, "pics", "small.json") != `{"size": 4}` {
		t.Fatalf("small body to the templated integration: %d %s", resp.StatusCode, out)
	}
}

// s3PresignAPI is an upload with x-ferry-s3-presign above 10 MB and a
// download that always redirects; URLs live for expires seconds.
func s3PresignAPI(t *testing.T, expires int) string {
	return writeFile(t, "s3presign.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: presigned, version: "1"}
paths:
  /big/{bucket}/{key+}:
    parameters:
      - {name: bucket, in: path, required: true, schema: {type: string}}
      - {name: key, in: path, required: true, schema: {type: string}}
    put:
      responses: {"200": {description: ok}}
      x-ferry-s3-presign: {thresholdBytes: 10485760, expiresSeconds: %[1]d}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        httpMethod: PUT
        requestParameters:
          integration.request.path.bucket: method.request.path.bucket
          integration.request.path.key: method.request.path.key
        responses:
          default: {statusCode: "200"}
    get:
      responses: {"200": {description: ok}}
      x-ferry-s3-presign: {always: true, expiresSeconds: %[1]d}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        httpMethod: GET
        requestParameters:
          integration.request.path.bucket: method.request.path.bucket
          integration.request.path.key: method.request.path.key
        responses:
          default: {statusCode: "200"}
`, expires))
}

// A 50 MB upload is answered 307 with a presigned URL; following it (with
// curl when installed, else Go's client) stores the object in MinIO, which
// checks the presigned signature; small uploads still go through ferry;
// the URL stops working once it expires.
func TestS3PresignedRedirect(t *testing.T) {
	const expires = 3
	w := newAWSWorld(t, nil)
	w.createBucket(t, "big")
	f := startFerryWith(t, serveOptions{env: w.env})
	id := strings.TrimSpace(f.cli("import", s3PresignAPI(t, expires)))
	f.cli("deploy", id, "--stage", "v1")
	url := fmt.Sprintf("%s/restapis/%s/v1/_user_request_/big/big/uploads/fifty.bin", f.Data, id)
	const size = 50 << 20
	wantSHA, _ := sums(size)

	// Asking first, without following: the answer is the redirect, sent
	// before ferry reads the body (the client waits for 100 Continue).
	noFollow := &http.Client{
		Transport:     &http.Transport{ExpectContinueTimeout: 10 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequest("PUT", url, io.LimitReader(newStream(), size))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Expect", "100-continue")
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatalf("PUT 50 MB: %v", err)
	}
	drain(t, resp)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusTemporaryRedirect || !strings.Contains(loc, "/big/uploads/fifty.bin?") || !strings.Contains(loc, "X-Amz-Expires=3") {
		t.Fatalf("PUT 50 MB: %d Location %q; want 307 to a presigned URL of big/uploads/fifty.bin valid 3 s", resp.StatusCode, loc)
	}
	if _, err := w.s3Client().HeadObject(bg(), &s3.HeadObjectInput{Bucket: aws.String("big"), Key: aws.String("uploads/fifty.bin")}); err == nil {
		t.Fatal("the object exists before anyone followed the redirect")
	}

	// Following the redirect.
	if curl, err := exec.LookPath("curl"); err == nil {
		file := filepath.Join(t.TempDir(), "fifty.bin")
		out, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(out, newStream(), size); err != nil {
			t.Fatal(err)
		}
		out.Close()
		cmd := exec.Command(curl, "-sS", "--fail", "--location", "--upload-file", file, url)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("curl --location --upload-file: %v\n%s", err, b)
		}
	} else {
		body := make([]byte, size)
		_, _ = io.ReadFull(newStream(), body)
		resp, err := http.DefaultClient.Do(mustRequest(t, "PUT", url, bytes.NewReader(body)))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("PUT following redirects: %v %v", resp, err)
		}
		drain(t, resp)
	}
	obj, err := w.s3Client().GetObject(bg(), &s3.GetObjectInput{Bucket: aws.String("big"), Key: aws.String("uploads/fifty.bin")})
	if err != nil {
		t.Fatalf("the followed redirect stored nothing: %v", err)
	}
	got, n := sha(t, obj.Body)
	obj.Body.Close()
	if got != wantSHA || n != size {
		t.Fatalf("MinIO holds %d bytes, sha256 %s; want %d bytes, %s", n, got, size, wantSHA)
	}

	// Below the threshold the upload goes through ferry.
	resp, out := f.call("PUT", id, "v1", "/big/big/small.txt", strings.NewReader("small"), nil)
	if resp.StatusCode != 200 || w.object(t, "big", "small.txt") != "small" {
		t.Fatalf("small PUT: %d %s", resp.StatusCode, out)
	}
	// A download always redirects, and following it gets the object.
	resp, out = f.call("GET", id, "v1", "/big/big/small.txt", nil, nil)
	if resp.StatusCode != 200 || out != "small" || resp.Request.URL.Host == strings.TrimPrefix(f.Data, "http://") {
		t.Fatalf("GET with always: %d %q from %s; want the object from MinIO", resp.StatusCode, out, resp.Request.URL.Host)
	}

	// The URL expires as configured.
	time.Sleep((expires + 2) * time.Second)
	resp = send(t, "PUT", loc, strings.NewReader("late"), 4, nil)
	if body := drain(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Fatalf("PUT to the presigned URL after %d s: %d %s; want 403 expired", expires+2, resp.StatusCode, body)
	}
}

func mustRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
