package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		name, header string
		want         authHeader
		wantErr      string
	}{
		{"sdk form", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd",
			authHeader{AccessKey: "AKID", Date: "20260101", Region: "us-east-1", Service: "sns", SignedHeaders: "host;x-amz-date", Signature: "abcd"}, ""},
		{"no spaces after commas", "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/s3/aws4_request,SignedHeaders=host,Signature=ff",
			authHeader{AccessKey: "AKID", Date: "20260101", Region: "eu-west-1", Service: "s3", SignedHeaders: "host", Signature: "ff"}, ""},
		{"sigv2", "AWS AKID:sig", authHeader{}, "must start with AWS4-HMAC-SHA256"},
		{"empty", "", authHeader{}, "must start with AWS4-HMAC-SHA256"},
		{"no signature", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, SignedHeaders=host",
			authHeader{}, "'Signature'"},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1, SignedHeaders=host, Signature=ab",
			authHeader{}, "Credential must have the form"},
		{"part without equals", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, junk, Signature=ab",
			authHeader{}, "is not key=value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAuthorization(tt.header)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Message, tt.wantErr) || err.Code != "IncompleteSignature" {
					t.Fatalf("parseAuthorization = %+v, %+v; want IncompleteSignature mentioning %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseAuthorization = %+v, %+v; want %+v", got, err, tt.want)
			}
		})
	}
}

// FuzzParseAuthorization feeds untrusted Authorization headers to the parser:
// it must never panic, and what it accepts must have every part filled in.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd")
	f.Add("AWS4-HMAC-SHA256 Credential=/////, SignedHeaders==, Signature==")
	f.Add("AWS4-HMAC-SHA256 ,,,")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if err != nil {
			return
		}
		if a.SignedHeaders == "" || a.Signature == "" || a.Service == "" && a.Region == "" && a.Date == "" && a.AccessKey == "" {
			t.Fatalf("accepted %q as %+v with parts missing", h, a)
		}
	})
}

func TestGoawsEnvironmentRejectsBadNames(t *testing.T) {
	tests := []struct {
		name string
		cfg  GoawsConfig
		want string
	}{
		{"account id", GoawsConfig{AccountID: "12"}, "not 12 digits"},
		{"queue with slash", GoawsConfig{AccountID: "123456789012", Queues: []string{"a/b"}}, `queue 0: name "a/b"`},
		{"empty topic", GoawsConfig{AccountID: "123456789012", Topics: []GoawsTopic{{}}}, `topic 0: name ""`},
		{"subscription queue", GoawsConfig{AccountID: "123456789012", Topics: []GoawsTopic{{Name: "t",
			Subscriptions: []GoawsSubscription{{Queue: "bad queue"}}}}}, `topic "t" subscription 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := goawsEnvironment(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("goawsEnvironment error %v; want one mentioning %s", err, tt.want)
			}
		})
	}
}

// BenchmarkVerify measures one verification of a signed 1 KiB request: the
// front's cost per request on top of the proxying.
func BenchmarkVerify(b *testing.B) {
	creds := NewCredentials(map[string]Cred{"AKID": {SecretKey: "secret"}})
	now := time.Now()
	v := newVerifier("sns", "us-east-1", creds, func() time.Time { return now })
	body := []byte("Action=Publish&Message=" + strings.Repeat("x", 1000))
	r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"},
		r, hex.EncodeToString(sum[:]), "sns", "us-east-1", now)
	if err != nil {
		b.Fatal(err)
	}
	r.Host = r.URL.Host
	b.ReportAllocs()
	for b.Loop() {
		if _, aerr := v.verify(r, body); aerr != nil {
			b.Fatalf("verify: %+v", aerr)
		}
	}
}
