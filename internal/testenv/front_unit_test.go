package testenv_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/ferrygw/ferry/internal/testenv"
)

// signedReq describes a request the test signs with the SDK's signer; each case
// changes one thing from a request the front must accept.
type signedReq struct {
	service, region      string
	accessKey, secretKey string
	token                string
	when                 time.Time
	body                 string
	contentSha256        string // sent as X-Amz-Content-Sha256 when set
	afterSigning         func(r *http.Request)
}

func (s signedReq) do(t *testing.T, front string) (status int, code string) {
	t.Helper()
	body := s.body
	// The signer sorts the query it signs into RawQuery: a=1&b=2 reaches the front.
	r, err := http.NewRequest(http.MethodPost, front+"/some/path?b=2&a=1", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	if s.contentSha256 != "" {
		r.Header.Set("X-Amz-Content-Sha256", s.contentSha256)
		hash = s.contentSha256
	}
	creds := aws.Credentials{AccessKeyID: s.accessKey, SecretAccessKey: s.secretKey, SessionToken: s.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hash, s.service, s.region, s.when); err != nil {
		t.Fatal(err)
	}
	if s.afterSigning != nil {
		s.afterSigning(r)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, errorCode(data)
}

// errorCode reads the code from an AWS error body in any of the shapes the
// front writes, or "" for a body that is not one.
func errorCode(body []byte) string {
	var q struct {
		Code string `xml:"Error>Code"`
	}
	if xml.Unmarshal(body, &q) == nil && q.Code != "" {
		return q.Code
	}
	var s3 struct {
		Code string `xml:"Code"`
	}
	if xml.Unmarshal(body, &s3) == nil && s3.Code != "" {
		return s3.Code
	}
	var j struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(body, &j) == nil {
		return j.Type
	}
	return ""
}

func TestFrontVerifiesSignatures(t *testing.T) {
	var upstreamHost string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamHost = r.Host
		io.WriteString(w, "upstream answered")
	}))
	t.Cleanup(upstream.Close)
	reg := testenv.NewCredentials(map[string]testenv.Cred{
		"AKIDTEMP": {SecretKey: "temp-secret", SessionToken: "the-token"},
	})
	f := testenv.NewAWSFront(t, testenv.FrontConfig{
		Upstream: upstream.URL, Service: "sns", Region: "us-east-1", Registry: reg,
		Credentials: map[string]testenv.Cred{"AKIDLONG": {SecretKey: "long-secret"}},
	})
	now := time.Now()
	good := signedReq{service: "sns", region: "us-east-1", accessKey: "AKIDLONG", secretKey: "long-secret",
		when: now, body: "Action=Publish&Message=hello"}
	with := func(change func(*signedReq)) signedReq { s := good; change(&s); return s }
	sha := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }

	tests := []struct {
		name       string
		req        signedReq
		wantStatus int
		wantCode   string
	}{
		{"long-term key", good, 200, ""},
		{"temporary key with its token", with(func(s *signedReq) { s.accessKey, s.secretKey, s.token = "AKIDTEMP", "temp-secret", "the-token" }), 200, ""},
		{"declared body hash", with(func(s *signedReq) { s.contentSha256 = sha(s.body) }), 200, ""},
		{"unsigned payload", with(func(s *signedReq) { s.contentSha256 = "UNSIGNED-PAYLOAD" }), 200, ""},
		{"clock skew under 15 minutes", with(func(s *signedReq) { s.when = now.Add(-14 * time.Minute) }), 200, ""},
		{"wrong service", with(func(s *signedReq) { s.service = "sqs" }), 403, "SignatureDoesNotMatch"},
		{"wrong region", with(func(s *signedReq) { s.region = "eu-west-1" }), 403, "SignatureDoesNotMatch"},
		{"unknown key", with(func(s *signedReq) { s.accessKey = "AKIDNOBODY" }), 403, "InvalidClientTokenId"},
		{"wrong secret", with(func(s *signedReq) { s.secretKey = "guessed" }), 403, "SignatureDoesNotMatch"},
		{"body changed after signing", with(func(s *signedReq) {
			s.afterSigning = func(r *http.Request) {
				r.Body = io.NopCloser(strings.NewReader("Action=Publish&Message=hellp"))
			}
		}), 403, "SignatureDoesNotMatch"},
		{"body differs from declared hash", with(func(s *signedReq) { s.contentSha256 = sha("something else") }), 403, "SignatureDoesNotMatch"},
		{"signed header changed", with(func(s *signedReq) {
			s.afterSigning = func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }
		}), 403, "SignatureDoesNotMatch"},
		{"query changed", with(func(s *signedReq) {
			s.afterSigning = func(r *http.Request) { r.URL.RawQuery = "a=1&b=3" }
		}), 403, "SignatureDoesNotMatch"},
		{"expired date", with(func(s *signedReq) { s.when = now.Add(-16 * time.Minute) }), 403, "SignatureDoesNotMatch"},
		{"date in the future", with(func(s *signedReq) { s.when = now.Add(16 * time.Minute) }), 403, "SignatureDoesNotMatch"},
		{"temporary key without token", with(func(s *signedReq) { s.accessKey, s.secretKey = "AKIDTEMP", "temp-secret" }), 403, "InvalidClientTokenId"},
		{"temporary key with wrong token", with(func(s *signedReq) { s.accessKey, s.secretKey, s.token = "AKIDTEMP", "temp-secret", "stolen" }), 403, "InvalidClientTokenId"},
		{"token on a long-term key", with(func(s *signedReq) { s.token = "the-token" }), 403, "InvalidClientTokenId"},
		{"token swapped after signing", with(func(s *signedReq) {
			s.accessKey, s.secretKey, s.token = "AKIDTEMP", "temp-secret", "the-token"
			s.afterSigning = func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", "other") }
		}), 403, "InvalidClientTokenId"},
		{"no Authorization", with(func(s *signedReq) {
			s.afterSigning = func(r *http.Request) { r.Header.Del("Authorization") }
		}), 403, "MissingAuthenticationToken"},
		{"not SigV4", with(func(s *signedReq) {
			s.afterSigning = func(r *http.Request) { r.Header.Set("Authorization", "AWS AKIDLONG:c2ln") }
		}), 400, "IncompleteSignature"},
		{"no X-Amz-Date", with(func(s *signedReq) {
			s.afterSigning = func(r *http.Request) { r.Header.Del("X-Amz-Date") }
		}), 400, "IncompleteSignature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.Requests())
			status, code := tt.req.do(t, f.URL)
			if status != tt.wantStatus || code != tt.wantCode {
				t.Fatalf("got %d %q; want %d %q (refusals: %+v)", status, code, tt.wantStatus, tt.wantCode, f.Refused())
			}
			accepted := len(f.Requests()) - before
			if want := map[bool]int{true: 1, false: 0}[tt.wantStatus == 200]; accepted != want {
				t.Errorf("front recorded %d new requests; want %d", accepted, want)
			}
		})
	}
	reqs := f.Requests()
	if len(reqs) == 0 || string(reqs[0].Body) != good.body || reqs[0].AccessKey != "AKIDLONG" || reqs[0].RawQuery != "a=1&b=2" {
		t.Errorf("first recorded request = %+v; want the good request's body, key and query", reqs[0])
	}
	if !strings.HasPrefix(f.URL, "http://"+upstreamHost) {
		t.Errorf("upstream saw Host %q; want the front's own host, as signed", upstreamHost)
	}
}

func TestFrontRejectsBadConfig(t *testing.T) {
	// NewAWSFront fails the test on bad config; check the messages through a
	// recorder so this test itself can pass.
	tests := []struct {
		name string
		cfg  testenv.FrontConfig
		want string
	}{
		{"no upstream", testenv.FrontConfig{Service: "sns"}, "upstream"},
		{"relative upstream", testenv.FrontConfig{Upstream: "127.0.0.1:9", Service: "sns"}, "not an absolute URL"},
		{"no service", testenv.FrontConfig{Upstream: "http://127.0.0.1:9"}, "service"},
		{"roles on a non-sts front", testenv.FrontConfig{Upstream: "http://127.0.0.1:9", Service: "sns",
			Roles: map[string]string{"arn:aws:iam::1:role/r": ""}}, "roles"},
		{"credential without secret", testenv.FrontConfig{Upstream: "http://127.0.0.1:9", Service: "sns",
			Credentials: map[string]testenv.Cred{"AKID": {}}}, "secret key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &fatalRecorder{TB: t}
			func() {
				defer func() { _ = recover() }()
				testenv.NewAWSFront(rec, tt.cfg)
			}()
			if !strings.Contains(rec.msg, tt.want) {
				t.Errorf("NewAWSFront failed with %q; want a message mentioning %q", rec.msg, tt.want)
			}
		})
	}
}

// fatalRecorder captures Fatalf instead of ending the test, and stops the
// caller by panicking, which the test recovers.
type fatalRecorder struct {
	testing.TB
	msg string
}

type stopped struct{}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmtSprintf(format, args...)
	panic(stopped{})
}

func (r *fatalRecorder) Helper() {}
