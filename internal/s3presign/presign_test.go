package s3presign

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// keys is a credential source that hands out fixed keys and records what
// it was asked for; the endpoint points at a loopback address.
type keys struct {
	asked []string
	fail  error
}

func (k *keys) Retrieve(_ context.Context, ref string, where awsauth.Where) (aws.Credentials, error) {
	k.asked = append(k.asked, ref+"@"+where.APIID+"/"+where.Stage)
	if k.fail != nil {
		return aws.Credentials{}, k.fail
	}
	return aws.Credentials{AccessKeyID: "AKIDPRESIGN", SecretAccessKey: "presign-secret"}, nil
}

func (k *keys) Endpoints() *awsauth.Endpoints {
	return awsauth.NewEndpoints(awsauth.Config{Endpoints: map[string]string{"s3": "http://127.0.0.1:9000"}}, func(string) string { return "" })
}

func method(verb, uri string, ext string) *model.Method {
	m := &model.Method{HTTPMethod: verb, MethodIntegration: &model.Integration{
		Type: model.IntegrationAWS, HTTPMethod: verb, URI: uri, Credentials: "kvm:s3/uploader",
		RequestParameters: map[string]string{
			"integration.request.path.bucket": "method.request.path.bucket",
			"integration.request.path.key":    "method.request.path.key",
		},
	}}
	if ext != "" {
		m.Extensions = map[string]json.RawMessage{Extension: json.RawMessage(ext)}
	}
	return m
}

func build(t *testing.T, creds Credentials, m *model.Method) pipeline.Guard {
	t.Helper()
	api := &model.API{RestAPI: model.RestAPI{ID: "api1"}}
	g, err := GuardFactory(creds)(api, &model.Stage{StageName: "v1"}, &model.Resource{Path: "/files/{bucket}/{key+}"}, m)
	if err != nil {
		t.Fatalf("GuardFactory: %v", err)
	}
	return g
}

func call(g pipeline.Guard, verb string, length int64, params map[string]string) (http.Header, error) {
	r := httptest.NewRequest(verb, "/files/x", nil)
	r.ContentLength = length
	gr := &pipeline.GuardRequest{HTTP: r, PathParams: params, Header: http.Header{}}
	err := g(context.Background(), gr)
	return gr.Header, err
}

func TestRedirect(t *testing.T) {
	const uri = "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}"
	tests := []struct {
		name     string
		verb     string
		ext      string
		length   int64
		redirect bool
		expires  string
	}{
		{"upload above the threshold", "PUT", `{"thresholdBytes": 1000, "expiresSeconds": 60}`, 1001, true, "60"},
		{"upload at the threshold goes through", "PUT", `{"thresholdBytes": 1000}`, 1000, false, ""},
		{"upload of unknown length goes through", "PUT", `{"thresholdBytes": 1000}`, -1, false, ""},
		{"always redirects a small upload", "PUT", `{"always": true}`, 1, true, "900"},
		{"always redirects a download", "GET", `{"always": true, "expiresSeconds": 5}`, 0, true, "5"},
		{"always redirects a delete", "DELETE", `{"always": true}`, 0, true, "900"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			creds := &keys{}
			g := build(t, creds, method(tc.verb, uri, tc.ext))
			h, err := call(g, tc.verb, tc.length, map[string]string{"bucket": "uploads", "key": "a/b c.bin"})
			if !tc.redirect {
				if err != nil || h.Get("Location") != "" {
					t.Fatalf("got %v, Location %q; want the call to go through", err, h.Get("Location"))
				}
				return
			}
			var ge *gatewayresponse.Error
			if !errors.As(err, &ge) || ge.StatusCode() != http.StatusTemporaryRedirect {
				t.Fatalf("got %v, want a 307", err)
			}
			u, err := url.Parse(h.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if u.Host != "127.0.0.1:9000" || u.Path != "/uploads/a/b c.bin" {
				t.Errorf("Location %s: want path-style /uploads/a/b c.bin on the overridden endpoint", u)
			}
			if q.Get("X-Amz-Expires") != tc.expires || q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" ||
				!strings.HasPrefix(q.Get("X-Amz-Credential"), "AKIDPRESIGN/") || !strings.Contains(q.Get("X-Amz-Credential"), "/us-east-1/s3/") {
				t.Errorf("Location query %v", q)
			}
			if len(creds.asked) == 0 {
				t.Error("presigned without asking for the integration's credentials")
			}
			for _, a := range creds.asked {
				if a != "kvm:s3/uploader@api1/v1" {
					t.Errorf("credentials asked for %q, want the integration's, in its API and stage", a)
				}
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", h.Get("Cache-Control"))
			}
		})
	}
}

func TestNoExtensionNoGuard(t *testing.T) {
	if g := build(t, &keys{}, method("PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", "")); g != nil {
		t.Fatal("an operation without the extension got a guard")
	}
}

func TestCredentialFailureIs500(t *testing.T) {
	g := build(t, &keys{fail: errors.New("kvm entry s3/uploader not found")}, method("PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"always": true}`))
	_, err := call(g, "PUT", 10, map[string]string{"bucket": "b", "key": "k"})
	if ge := gatewayresponse.From(err); ge.StatusCode() != 500 || strings.Contains(ge.Message, "kvm") {
		t.Fatalf("got %v; want a 500 whose client message hides the cause", err)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, verb, uri, ext, want string
	}{
		{"unknown field", "PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"threshold": 5}`, `unknown field "threshold"`},
		{"nothing to decide by", "PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"expiresSeconds": 5}`, "set thresholdBytes, or always"},
		{"negative threshold", "PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"thresholdBytes": -1}`, "negative"},
		{"expiry over seven days", "PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"always": true, "expiresSeconds": 604801}`, "expiresSeconds"},
		{"threshold on a download", "GET", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"thresholdBytes": 5}`, "set always: true"},
		{"not S3", "PUT", "arn:aws:apigateway:us-east-1:sqs:path/123/q", `{"always": true}`, "not an S3 object call"},
		{"an action URI", "PUT", "arn:aws:apigateway:us-east-1:s3:action/PutObject", `{"always": true}`, "not an S3 object call"},
		{"POST", "POST", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"always": true}`, "not POST"},
		{"not JSON", "PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `[1]`, Extension},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := &model.API{RestAPI: model.RestAPI{ID: "api1"}}
			_, err := GuardFactory(&keys{})(api, &model.Stage{StageName: "v1"}, &model.Resource{}, method(tc.verb, tc.uri, tc.ext))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestMissingPathMapping(t *testing.T) {
	m := method("PUT", "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}", `{"always": true}`)
	delete(m.MethodIntegration.RequestParameters, "integration.request.path.key")
	_, err := call(build(t, &keys{}, m), "PUT", 10, map[string]string{"bucket": "b", "key": "k"})
	if ge := gatewayresponse.From(err); ge.StatusCode() != 500 || !strings.Contains(ge.Cause.Error(), "{key}") {
		t.Fatalf("got %v, want a 500 naming the unfilled {key}", err)
	}
}

// FuzzParseConfig holds the extension's parser to an error or a config
// that makes sense, whatever an imported document holds.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"thresholdBytes": 10, "expiresSeconds": 60}`))
	f.Add([]byte(`{"always": true}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := ParseConfig(raw)
		if err != nil {
			return
		}
		if c.ExpiresSeconds < 1 || c.ExpiresSeconds > maxExpires || c.ThresholdBytes < 0 || (!c.Always && c.ThresholdBytes == 0) {
			t.Fatalf("%s parsed to %+v", raw, c)
		}
	})
}
