package testenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// MinIOServer is a running MinIO server: S3 and STS, and the only local server that
// verifies SigV4 itself.
type MinIOServer struct {
	// Endpoint is the server's base URL, http://127.0.0.1:PORT. S3 clients must use
	// path-style addressing against it.
	Endpoint string
	// AccessKey and SecretKey are the root credentials, fresh for each server.
	// STS AssumeRole accepts them (MinIO ignores RoleArn and ExternalId; an
	// AWSFront checks those).
	AccessKey, SecretKey string
	// Region is the region MinIO signs and verifies with: "us-east-1".
	Region string
	// DataDir is the directory MinIO stores buckets in, removed after the test.
	DataDir string
}

// MinIO starts a MinIO server with fresh root credentials and an empty data
// directory, and stops it when the test ends.
func MinIO(t testing.TB) *MinIOServer {
	t.Helper()
	bin := requireBinary(t, "minio")
	port, consolePort := FreePort(t), FreePort(t)
	m := &MinIOServer{
		Endpoint:  loopbackURL(port),
		AccessKey: "ferry" + randomHex(t, 6),
		SecretKey: randomHex(t, 20),
		Region:    "us-east-1",
		DataDir:   t.TempDir(),
	}
	env := []string{
		"MINIO_ROOT_USER=" + m.AccessKey,
		"MINIO_ROOT_PASSWORD=" + m.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_REGION=" + m.Region,
		// MinIO's config and certs live under $HOME/.minio: keep them per test.
		"HOME=" + t.TempDir(),
	}
	p := startProcess(t, "minio", m.DataDir, env, bin, "server", "--quiet",
		"--address", "127.0.0.1:"+strconv.Itoa(port),
		"--console-address", "127.0.0.1:"+strconv.Itoa(consolePort),
		m.DataDir)
	// The health endpoints answer before the object layer is up; an anonymous
	// ListBuckets answers 503 XMinioServerNotInitialized until it is.
	p.waitReady(t, 120*time.Second, httpStatus("GET", m.Endpoint+"/", 403))
	// IAM comes up after the object layer: until it does, AssumeRole answers
	// 400 InvalidParameterValue "Server not initialized".
	p.waitReady(t, 60*time.Second, m.stsReady)
	return m
}

// stsReady succeeds once a signed AssumeRole with the root credentials
// answers 200.
func (m *MinIOServer) stsReady(ctx context.Context) error {
	form := "Action=AssumeRole&Version=2011-06-15&RoleSessionName=testenv-ready&DurationSeconds=900" +
		"&RoleArn=" + url.QueryEscape("arn:aws:iam::123456789012:role/testenv-ready")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Endpoint+"/", strings.NewReader(form))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(form))
	creds := aws.Credentials{AccessKeyID: m.AccessKey, SecretAccessKey: m.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sts", m.Region, time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("STS AssumeRole: status %d: %s", resp.StatusCode, b)
	}
	return nil
}

// randomHex returns n random bytes as hex, for credentials no two tests share.
func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("testenv: random: %v", err)
	}
	return hex.EncodeToString(b)
}
