package awsservice_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/awsservice"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/oas"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// resolver gives every integration static keys from a fixed "default chain"
// and sends every service to endpoint.
func resolver(t testing.TB, endpoint string) *awsauth.Resolver {
	t.Helper()
	r, err := awsauth.NewResolver(awsauth.Config{Region: "us-east-1", EndpointURL: endpoint}, nil,
		awsauth.WithGetenv(func(string) string { return "" }),
		awsauth.WithBaseConfig(func(context.Context) (aws.Config, error) {
			return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDBENCH", "secret", "")}, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// seedStage compiles the seed's SNS definition with the AWS integration.
func seedStage(t testing.TB, endpoint string, rt http.RoundTripper) *pipeline.Stage {
	t.Helper()
	data, err := os.ReadFile("../../../examples/sns-publish.json")
	if err != nil {
		t.Fatal(err)
	}
	api, err := oas.Import(data, oas.ImportOptions{Filename: "sns-publish.json", Region: "us-east-1", AccountID: "123456789012",
		Vars: map[string]string{"TopicArn": "arn:aws:sns:us-east-1:123456789012:orders"}})
	if err != nil {
		t.Fatal(err)
	}
	// The seed names a role; these tests sign with the default chain's keys.
	for _, r := range api.Resources {
		for _, m := range r.ResourceMethods {
			m.MethodIntegration.Credentials = ""
		}
	}
	f := integration.Defaults()
	f[model.IntegrationAWS] = awsservice.Factory(resolver(t, endpoint))
	st, err := pipeline.Compile(api, &model.Stage{APIID: api.RestAPI.ID, StageName: "dev"}, pipeline.Options{Integrations: f, Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestSeedPublishRequest checks what the seed's integration sends: a signed
// POST with every parameter in the form body, none in the URL, and the
// XML answer of a query service turned into AWS's JSON.
func TestSeedPublishRequest(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, gotBody = r, string(b)
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`)
	}))
	defer srv.Close()
	st := seedStage(t, srv.URL, nil)

	body := `{"a": "b & c"}`
	req := httptest.NewRequest("POST", "/dev/test?Message=x&TopicArn=t", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	res := st.Serve(rec, req, &pipeline.Entry{Path: "/test", RequestID: "req-1", SourceIP: "127.0.0.1", Start: time.Now()})
	if res.Status != 200 || res.Err != nil {
		t.Fatalf("status %d, err %v, body %s", res.Status, res.Err, rec.Body.String())
	}
	if want := `{"PublishResponse":{"PublishResult":{"MessageId":"m-1","SequenceNumber":null},"ResponseMetadata":{"RequestId":"r-1"}}}`; rec.Body.String() != want {
		t.Errorf("answer %s\nwant   %s", rec.Body.String(), want)
	}
	if got.Method != "POST" || got.URL.RawQuery != "" {
		t.Errorf("request %s ?%s: want POST with no query string", got.Method, got.URL.RawQuery)
	}
	form, err := url.ParseQuery(gotBody)
	if err != nil {
		t.Fatal(err)
	}
	if form.Get("Action") != "Publish" || form.Get("Message") != body || form.Get("TopicArn") != "arn:aws:sns:us-east-1:123456789012:orders" || form.Get("Version") != "2010-03-31" {
		t.Errorf("form body %v", form)
	}
	auth := got.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDBENCH/") || !strings.Contains(auth, "/us-east-1/sns/aws4_request") {
		t.Errorf("Authorization %q: want a SigV4 signature scoped to us-east-1/sns", auth)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q: the seed maps it to application/x-www-form-urlencoded", ct)
	}
}

// TestCredentialFailureIs500 checks that credentials that cannot be had are
// API Gateway's 500, not an integration failure, and that nothing is sent.
func TestCredentialFailureIs500(t *testing.T) {
	called := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }))
	defer srv.Close()
	r, err := awsauth.NewResolver(awsauth.Config{Region: "us-east-1", EndpointURL: srv.URL}, nil,
		awsauth.WithGetenv(func(string) string { return "" }),
		awsauth.WithBaseConfig(func(context.Context) (aws.Config, error) { return aws.Config{Region: "us-east-1"}, nil }))
	if err != nil {
		t.Fatal(err)
	}
	b, err := awsservice.Factory(r)(integration.Config{Integration: &model.Integration{Type: "AWS", URI: "arn:aws:apigateway:us-east-1:sns:action/ListTopics"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b(context.Background(), &integration.Request{Header: http.Header{}})
	if err == nil || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("err = %v, want a credentials error", err)
	}
	if called {
		t.Error("a request was sent without credentials")
	}
}

// TestFactoryRejectsBadDefinitions checks deploy-time errors name the field.
func TestFactoryRejectsBadDefinitions(t *testing.T) {
	fac := awsservice.Factory(resolver(t, "http://127.0.0.1:1"))
	for _, c := range []struct {
		name string
		in   model.Integration
		want string
	}{
		{"not an arn", model.Integration{URI: "https://sns.amazonaws.com"}, "integration.uri"},
		{"caller credentials", model.Integration{URI: "arn:aws:apigateway:us-east-1:sns:action/Publish", Credentials: "arn:aws:iam::*:user/*"}, "integration.credentials"},
		{"action of a REST service", model.Integration{URI: "arn:aws:apigateway:us-east-1:s3:action/GetObject"}, "path/"},
		{"path without method", model.Integration{URI: "arn:aws:apigateway:us-east-1:s3:path/b/k"}, "integration.httpMethod"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.in.Type = "AWS"
			_, err := fac(integration.Config{Integration: &c.in})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}

type answer struct{}

func (answer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	const body = `{"PublishResponse":{"PublishResult":{"MessageId":"m-1"},"ResponseMetadata":{"RequestId":"r-1"}}}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// BenchmarkSeedPublish is ferry's own cost of the seed's SNS publish path:
// routing, parameter mapping, the VTL template, the form body, credentials
// and SigV4 signing, and the integration response — the network excluded
// (the transport answers in memory).
func BenchmarkSeedPublish(b *testing.B) {
	st := seedStage(b, "http://sns.invalid", answer{})
	body := `{"order": 42, "note": "a small message"}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/dev/test?Message=x&TopicArn=t", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		if res := st.Serve(rec, req, &pipeline.Entry{Path: "/test", RequestID: "r", SourceIP: "127.0.0.1", Start: time.Now()}); res.Status != 200 {
			b.Fatalf("status %d: %v", res.Status, res.Err)
		}
	}
}
