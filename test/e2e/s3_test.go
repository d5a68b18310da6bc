package e2e

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3API is an S3 path/ integration for GET and PUT of one object, signed
// with the credentials named by creds.
func s3API(t *testing.T, creds string) string {
	return writeFile(t, "s3.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: files, version: "1"}
paths:
  /files/{bucket}/{key}:
    parameters:
      - {name: bucket, in: path, required: true, schema: {type: string}}
      - {name: key, in: path, required: true, schema: {type: string}}
    put:
      responses: {"200": {description: ok}, "403": {description: refused}}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        httpMethod: PUT
        credentials: %[1]q
        requestParameters:
          integration.request.path.bucket: method.request.path.bucket
          integration.request.path.key: method.request.path.key
        responses:
          default: {statusCode: "200"}
          "403": {statusCode: "403"}
    get:
      responses: {"200": {description: ok}, "403": {description: refused}, "404": {description: missing}}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}
        httpMethod: GET
        credentials: %[1]q
        requestParameters:
          integration.request.path.bucket: method.request.path.bucket
          integration.request.path.key: method.request.path.key
        responses:
          default: {statusCode: "200"}
          "403": {statusCode: "403"}
          "404": {statusCode: "404"}
`, creds))
}

// s3Client talks to MinIO directly with its root keys, to set up and check.
func (w *awsWorld) s3Client() *s3.Client {
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider(w.minio.AccessKey, w.minio.SecretKey, "")}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(w.minio.Endpoint); o.UsePathStyle = true })
}

func (w *awsWorld) createBucket(t *testing.T, name string) {
	t.Helper()
	if _, err := w.s3Client().CreateBucket(bg(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
}

func (w *awsWorld) object(t *testing.T, bucket, key string) string {
	t.Helper()
	out, err := w.s3Client().GetObject(bg(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// S3 GET and PUT through an assumed role with an external id: MinIO verifies
// every signature, the STS front checks the external id, and a role whose
// configured external id is wrong gets a 500 with the reason in the log.
func TestS3ThroughAssumedRoleWithExternalID(t *testing.T) {
	const (
		good = "arn:aws:iam::123456789012:role/s3-writer"
		bad  = "arn:aws:iam::123456789012:role/s3-misconfigured"
	)
	w := newAWSWorld(t, map[string]string{good: "ext-7f3a", bad: "the-right-one"})
	w.createBucket(t, "uploads")
	f := startFerryWith(t, serveOptions{env: w.env, config: fmt.Sprintf(`aws:
  region: us-east-1
  roles:
    - arn: %s
      externalId: ext-7f3a
      sessionName: ferry-e2e
    - arn: %s
      externalId: not-the-right-one
`, good, bad)})

	id := strings.TrimSpace(f.cli("import", s3API(t, good)))
	f.cli("deploy", id, "--stage", "v1")
	content := "hello S3, from ferry: \u00e9\u00e8 & ünïcode\n"
	resp, out := f.call("PUT", id, "v1", "/files/uploads/notes.txt", strings.NewReader(content), map[string]string{"Content-Type": "text/plain"})
	if resp.StatusCode != 200 {
		t.Fatalf("PUT through the role: %d %s", resp.StatusCode, out)
	}
	if got := w.object(t, "uploads", "notes.txt"); got != content {
		t.Fatalf("MinIO holds %q, want %q", got, content)
	}
	resp, out = f.call("GET", id, "v1", "/files/uploads/notes.txt", nil, nil)
	if resp.StatusCode != 200 || out != content {
		t.Fatalf("GET through the role: %d %q", resp.StatusCode, out)
	}
	// A key with a space and a slash reaches S3 as that very key, escaped once.
	resp, out = f.call("PUT", id, "v1", "/files/uploads/reports%202026%2Fq1%2Bq2.csv", strings.NewReader("q"), map[string]string{"Content-Type": "text/csv"})
	if resp.StatusCode != 200 {
		t.Fatalf("PUT of a key with a space and a slash: %d %s", resp.StatusCode, out)
	}
	if got := w.object(t, "uploads", "reports 2026/q1+q2.csv"); got != "q" {
		t.Fatalf("MinIO holds %q under the key, want \"q\"", got)
	}
	resp, _ = f.call("GET", id, "v1", "/files/uploads/absent.txt", nil, nil)
	if resp.StatusCode != 404 {
		t.Errorf("GET of a missing object: %d, want the 404 integration response", resp.StatusCode)
	}

	id2 := strings.TrimSpace(f.cli("import", s3API(t, bad)))
	f.cli("deploy", id2, "--stage", "v1")
	resp, out = f.call("GET", id2, "v1", "/files/uploads/notes.txt", nil, nil)
	if resp.StatusCode != 500 || !strings.Contains(out, "Internal server error") {
		t.Fatalf("a role assumed with the wrong external id: %d %s; want 500 Internal server error", resp.StatusCode, out)
	}
	if !f.waitLog("AccessDenied") {
		t.Errorf("the log should say why the credentials failed (STS AccessDenied)")
	}
}
