package awsauth

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ferrygw/ferry/internal/testenv"
)

// s3Call signs one S3 request with Sign and sends it to MinIO, which
// verifies the signature itself.
func s3Call(t *testing.T, m *testenv.MinIOServer, creds aws.Credentials, method, path string, body []byte, unsigned bool) (int, string) {
	t.Helper()
	ctx := context.Background()
	req, err := http.NewRequestWithContext(ctx, method, m.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hash := PayloadHash(body)
	if unsigned {
		hash = UnsignedPayload
	}
	if err := Sign(ctx, req, hash, creds, "s3", m.Region); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitMinIO retries a first call while MinIO answers 503 "not initialized":
// its readiness probe can pass a moment before S3 calls are served.
func waitMinIO(t *testing.T, call func() (int, string)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := call()
		if code == 200 {
			return
		}
		if code != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("first call to MinIO: %d %s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestSignS3AgainstMinIO(t *testing.T) {
	m := testenv.MinIO(t)
	root := aws.Credentials{AccessKeyID: m.AccessKey, SecretAccessKey: m.SecretKey}

	waitMinIO(t, func() (int, string) { return s3Call(t, m, root, "PUT", "/signed-bucket", nil, false) })
	tests := []struct {
		name     string
		key      string
		unsigned bool
	}{
		{"hashed payload", "/signed-bucket/plain.txt", false},
		{"unsigned payload", "/signed-bucket/streamed.txt", true},
		{"escaped key", "/signed-bucket/dir/a%20b%2Bc.txt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := []byte("ferry signed " + tt.name)
			if code, body := s3Call(t, m, root, "PUT", tt.key, content, tt.unsigned); code != 200 {
				t.Fatalf("PutObject: %d %s", code, body)
			}
			code, body := s3Call(t, m, root, "GET", tt.key, nil, false)
			if code != 200 || body != string(content) {
				t.Fatalf("GetObject: %d %q, want %q", code, body, content)
			}
		})
	}

	wrong := aws.Credentials{AccessKeyID: m.AccessKey, SecretAccessKey: m.SecretKey + "x"}
	code, body := s3Call(t, m, wrong, "GET", "/signed-bucket/plain.txt", nil, false)
	if code != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("wrong secret: %d %s, want 403 SignatureDoesNotMatch", code, body)
	}
}

func TestTransportAgainstMinIO(t *testing.T) {
	m := testenv.MinIO(t)
	client := &http.Client{Transport: &Transport{
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: m.AccessKey, SecretAccessKey: m.SecretKey}, nil
		}),
		Service: "s3", Region: m.Region,
	}}
	do := func(method, path string, body io.Reader, header http.Header) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, m.Endpoint+path, body)
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitMinIO(t, func() (int, string) { return do("PUT", "/rt-bucket", nil, nil) })
	if code, body := do("PUT", "/rt-bucket/hashed", strings.NewReader("hashed body"), nil); code != 200 {
		t.Fatalf("hashed PUT: %d %s", code, body)
	}
	// A streamed body: the transport must not read it to hash it.
	pr, pw := io.Pipe()
	go func() { pw.Write([]byte("streamed body")); pw.Close() }()
	req, _ := http.NewRequest("PUT", m.Endpoint+"/rt-bucket/streamed", pr)
	req.ContentLength = int64(len("streamed body"))
	req.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("streamed PUT: %d", resp.StatusCode)
	}
	for key, want := range map[string]string{"hashed": "hashed body", "streamed": "streamed body"} {
		if code, body := do("GET", "/rt-bucket/"+key, nil, nil); code != 200 || body != want {
			t.Fatalf("GET %s: %d %q", key, code, body)
		}
	}
}

func TestSignRejectsBadInput(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://127.0.0.1/", nil)
	good := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}
	for name, err := range map[string]error{
		"empty hash":    Sign(context.Background(), req, "", good, "s3", "us-east-1"),
		"no service":    Sign(context.Background(), req, EmptyPayloadHash, good, "", "us-east-1"),
		"no region":     Sign(context.Background(), req, EmptyPayloadHash, good, "s3", ""),
		"no access key": Sign(context.Background(), req, EmptyPayloadHash, aws.Credentials{}, "s3", "us-east-1"),
	} {
		if err == nil {
			t.Errorf("%s: signed", name)
		}
	}
	if PayloadHash(nil) != EmptyPayloadHash {
		t.Fatalf("PayloadHash(nil) = %s", PayloadHash(nil))
	}
}

func BenchmarkSign(b *testing.B) {
	creds := aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	body := []byte(`{"TableName":"t"}`)
	hash := PayloadHash(body)
	for b.Loop() {
		req, _ := http.NewRequest("POST", "https://dynamodb.us-east-1.amazonaws.com/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
		if err := Sign(context.Background(), req, hash, creds, "dynamodb", "us-east-1"); err != nil {
			b.Fatal(err)
		}
	}
}
