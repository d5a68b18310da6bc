package awsproto_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/awsproto"
	"github.com/ferrygw/ferry/internal/testenv"
)

// send resolves the endpoint as ferry does (AWS_ENDPOINT_URL_<SERVICE>),
// builds the request, signs it and returns the answer.
func send(t *testing.T, env map[string]string, uri string, in awsproto.RequestInput, creds aws.Credentials) (int, string) {
	t.Helper()
	u, err := awsproto.ParseServiceURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := awsauth.NewEndpoints(awsauth.Config{}, func(k string) string { return env[k] }).Resolve(u.Service, u.Region)
	if err != nil {
		t.Fatal(err)
	}
	in.URI, in.BaseURL, in.PathStyle = u, ep.URL, ep.Overridden
	req, err := awsproto.BuildRequest(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	req.Body, _ = req.GetBody()
	svc, _ := awsproto.Lookup(u.Service)
	if err := awsauth.Sign(context.Background(), req, awsauth.PayloadHash(body), creds, svc.SigningName, ep.SigningRegion); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// TestS3PathURIAgainstMinIO sends bucket.s3:path/{key} URIs to MinIO,
// which checks the signature itself; an overridden endpoint moves the
// bucket from the host into the path.
func TestS3PathURIAgainstMinIO(t *testing.T) {
	m := testenv.MinIO(t)
	env := map[string]string{"AWS_ENDPOINT_URL_S3": m.Endpoint}
	root := aws.Credentials{AccessKeyID: m.AccessKey, SecretAccessKey: m.SecretKey}
	for {
		code, body := send(t, env, "arn:aws:apigateway:us-east-1:s3:path/{bucket}", awsproto.RequestInput{
			HTTPMethod: "PUT", PathParams: map[string]string{"bucket": "uploads"}}, root)
		if code == 200 {
			break
		}
		if code != http.StatusServiceUnavailable {
			t.Fatalf("CreateBucket: %d %s", code, body)
		}
	}
	key := map[string]string{"key": "reports/2026 q4.csv"}
	code, body := send(t, env, "arn:aws:apigateway:us-east-1:uploads.s3:path/{key}", awsproto.RequestInput{
		HTTPMethod: "PUT", Body: []byte("a,b\n1,2\n"), PathParams: key,
		Headers: http.Header{"Content-Type": {"text/csv"}}}, root)
	if code != 200 {
		t.Fatalf("PutObject: %d %s", code, body)
	}
	code, body = send(t, env, "arn:aws:apigateway:us-east-1:uploads.s3:path/{key}", awsproto.RequestInput{
		HTTPMethod: "GET", PathParams: key}, root)
	if code != 200 || body != "a,b\n1,2\n" {
		t.Fatalf("GetObject: %d %q", code, body)
	}
	wrong := root
	wrong.SecretAccessKey = "not-the-secret"
	code, body = send(t, env, "arn:aws:apigateway:us-east-1:uploads.s3:path/{key}", awsproto.RequestInput{
		HTTPMethod: "GET", PathParams: key}, wrong)
	if code != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("wrong secret: %d %s", code, body)
	}
}

// TestJSONProtocolAgainstServers sends action URIs of JSON services to
// dynalite and kinesalite through verifying fronts: the target header and
// content type must be what the real services accept.
func TestJSONProtocolAgainstServers(t *testing.T) {
	k, d := testenv.Kinesalite(t), testenv.Dynalite(t)
	reg := testenv.NewCredentials(map[string]testenv.Cred{"AKIDJSON": {SecretKey: "json-secret"}})
	kf := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: k.Endpoint, Service: "kinesis", Registry: reg})
	df := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: d.Endpoint, Service: "dynamodb", Registry: reg})
	env := map[string]string{"AWS_ENDPOINT_URL_KINESIS": kf.URL, "AWS_ENDPOINT_URL_DYNAMODB": df.URL}
	creds := aws.Credentials{AccessKeyID: "AKIDJSON", SecretAccessKey: "json-secret"}

	tests := []struct {
		name, uri, body, want string
	}{
		{"dynamodb create table", "arn:aws:apigateway:us-east-1:dynamodb:action/CreateTable",
			`{"TableName":"orders","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`,
			`"TableName":"orders"`},
		{"dynamodb list tables", "arn:aws:apigateway:us-east-1:dynamodb:action/ListTables", "", `"TableNames":["orders"]`},
		{"kinesis create stream", "arn:aws:apigateway:us-east-1:kinesis:action/CreateStream", `{"StreamName":"events","ShardCount":1}`, ""},
		{"kinesis list streams", "arn:aws:apigateway:us-east-1:kinesis:action/ListStreams", "", `"StreamNames":["events"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := send(t, env, tt.uri, awsproto.RequestInput{HTTPMethod: "POST", Body: []byte(tt.body)}, creds)
			if code != 200 || !strings.Contains(body, tt.want) {
				t.Fatalf("%d %s, want 200 with %s", code, body, tt.want)
			}
		})
	}
	bad := creds
	bad.SecretAccessKey = "nope"
	code, body := send(t, env, "arn:aws:apigateway:us-east-1:dynamodb:action/ListTables", awsproto.RequestInput{}, bad)
	if code != http.StatusBadRequest || !strings.Contains(body, "InvalidSignatureException") {
		t.Fatalf("wrong secret: %d %s, want 400 InvalidSignatureException", code, body)
	}
}
