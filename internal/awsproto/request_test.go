package awsproto

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func mustURI(t *testing.T, s string) ServiceURI {
	t.Helper()
	u, err := ParseServiceURI(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestBuildRequest(t *testing.T) {
	tests := []struct {
		name       string
		uri        string
		method     string
		base       string
		pathStyle  bool
		body       string
		headers    http.Header
		query      url.Values
		pathParams map[string]string

		wantMethod, wantURL, wantBody string
		wantHeaders                   map[string]string
	}{
		{
			name: "sns publish from the seed template",
			uri:  "arn:aws:apigateway:us-east-1:sns:action/Publish", method: "POST",
			base:       "https://sns.us-east-1.amazonaws.com",
			body:       "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Message=%7B%22a%22%3A1%7D",
			headers:    http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			wantMethod: "POST", wantURL: "https://sns.us-east-1.amazonaws.com/",
			wantBody:    "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Message=%7B%22a%22%3A1%7D&Version=2010-03-31",
			wantHeaders: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
		},
		{
			name: "query params from the URI and the mapped query string join the body",
			uri:  "arn:aws:apigateway:us-east-1:sns:action/Publish&Version=2010-03-31&Subject=s", method: "GET",
			base:       "http://127.0.0.1:4100",
			query:      url.Values{"TopicArn": {"arn:aws:sns:us-east-1:1:t"}, "Message": {"hello world"}, "Subject": {"ignored"}},
			wantMethod: "POST", wantURL: "http://127.0.0.1:4100/",
			wantBody:    "Action=Publish&Version=2010-03-31&Subject=s&Message=hello+world&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At",
			wantHeaders: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"},
		},
		{
			name: "the template's Version wins",
			uri:  "arn:aws:apigateway:us-east-1:sqs:action/SendMessage", method: "POST",
			base: "https://sqs.us-east-1.amazonaws.com", body: "Version=2011-10-01&QueueUrl=q&MessageBody=x\n",
			wantMethod: "POST", wantURL: "https://sqs.us-east-1.amazonaws.com/",
			wantBody: "Version=2011-10-01&QueueUrl=q&MessageBody=x&Action=SendMessage",
		},
		{
			name: "dynamodb json target",
			uri:  "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem", method: "POST",
			base: "https://dynamodb.us-east-1.amazonaws.com", body: `{"TableName":"t","Item":{"id":{"S":"1"}}}`,
			wantMethod: "POST", wantURL: "https://dynamodb.us-east-1.amazonaws.com/",
			wantBody:    `{"TableName":"t","Item":{"id":{"S":"1"}}}`,
			wantHeaders: map[string]string{"X-Amz-Target": "DynamoDB_20120810.PutItem", "Content-Type": "application/x-amz-json-1.0"},
		},
		{
			name: "kinesis 1.1 with empty body",
			uri:  "arn:aws:apigateway:eu-west-1:kinesis:action/ListStreams", method: "POST",
			base:       "https://kinesis.eu-west-1.amazonaws.com",
			wantMethod: "POST", wantURL: "https://kinesis.eu-west-1.amazonaws.com/", wantBody: "{}",
			wantHeaders: map[string]string{"X-Amz-Target": "Kinesis_20131202.ListStreams", "Content-Type": "application/x-amz-json-1.1"},
		},
		{
			name: "step functions",
			uri:  "arn:aws:apigateway:us-east-1:states:action/StartExecution", method: "POST",
			base: "https://states.us-east-1.amazonaws.com", body: `{"stateMachineArn":"arn"}`,
			wantMethod: "POST", wantURL: "https://states.us-east-1.amazonaws.com/", wantBody: `{"stateMachineArn":"arn"}`,
			wantHeaders: map[string]string{"X-Amz-Target": "AWSStepFunctions.StartExecution", "Content-Type": "application/x-amz-json-1.0"},
		},
		{
			name: "sqs json when the integration asks for it",
			uri:  "arn:aws:apigateway:us-east-1:sqs:action/SendMessage", method: "POST",
			base: "https://sqs.us-east-1.amazonaws.com", body: `{"QueueUrl":"q","MessageBody":"m"}`,
			headers:    http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
			wantMethod: "POST", wantURL: "https://sqs.us-east-1.amazonaws.com/", wantBody: `{"QueueUrl":"q","MessageBody":"m"}`,
			wantHeaders: map[string]string{"X-Amz-Target": "AmazonSQS.SendMessage", "Content-Type": "application/x-amz-json-1.0"},
		},
		{
			name: "s3 virtual host",
			uri:  "arn:aws:apigateway:us-east-1:mybucket.s3:path/{key}", method: "put",
			base: "https://s3.us-east-1.amazonaws.com", body: "file", pathParams: map[string]string{"key": "a b/c.txt"},
			wantMethod: "PUT", wantURL: "https://mybucket.s3.us-east-1.amazonaws.com/a%20b/c.txt", wantBody: "file",
		},
		{
			name: "s3 path style on an overridden endpoint, greedy key",
			uri:  "arn:aws:apigateway:us-east-1:mybucket.s3:path/{proxy+}", method: "GET",
			base: "http://127.0.0.1:9000", pathStyle: true, pathParams: map[string]string{"proxy": "dir/a b.txt"},
			query:      url.Values{"versionId": {"3"}},
			wantMethod: "GET", wantURL: "http://127.0.0.1:9000/mybucket/dir/a%20b.txt?versionId=3",
		},
		{
			name:   "lambda invoke path keeps the function ARN",
			uri:    "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:hello/invocations",
			method: "POST", base: "https://lambda.us-west-2.amazonaws.com", body: `{"a":1}`,
			wantMethod: "POST", wantURL: "https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:hello/invocations",
			wantBody: `{"a":1}`,
		},
		{
			name: "sqs path form with a form body",
			uri:  "arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders", method: "POST",
			base: "http://127.0.0.1:4100", body: "Action=SendMessage&MessageBody=hi",
			wantMethod: "POST", wantURL: "http://127.0.0.1:4100/123456789012/orders", wantBody: "Action=SendMessage&MessageBody=hi",
			wantHeaders: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := BuildRequest(context.Background(), RequestInput{
				URI: mustURI(t, tt.uri), HTTPMethod: tt.method, BaseURL: tt.base, PathStyle: tt.pathStyle,
				Body: []byte(tt.body), Headers: tt.headers, Query: tt.query, PathParams: tt.pathParams,
			})
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != tt.wantMethod || req.URL.String() != tt.wantURL {
				t.Fatalf("%s %s, want %s %s", req.Method, req.URL, tt.wantMethod, tt.wantURL)
			}
			body, _ := io.ReadAll(req.Body)
			if string(body) != tt.wantBody {
				t.Fatalf("body %q\nwant %q", body, tt.wantBody)
			}
			if req.ContentLength != int64(len(tt.wantBody)) {
				t.Fatalf("ContentLength %d, want %d", req.ContentLength, len(tt.wantBody))
			}
			if req.GetBody == nil {
				t.Fatal("GetBody is nil: the request cannot be retried")
			}
			for k, v := range tt.wantHeaders {
				if got := req.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if strings.Contains(req.URL.RawQuery, "Action=") {
				t.Errorf("query protocol parameters leaked into the URL: %s", req.URL)
			}
		})
	}
}

func TestBuildRequestErrors(t *testing.T) {
	tests := []struct {
		name string
		in   RequestInput
		want string
	}{
		{"unknown service action", RequestInput{URI: mustURI(t, "arn:aws:apigateway:us-east-1:foo:action/Bar"), BaseURL: "https://x"}, `does not know the protocol of service "foo"`},
		{"rest service action", RequestInput{URI: mustURI(t, "arn:aws:apigateway:us-east-1:s3:action/ListBuckets"), BaseURL: "https://x"}, "speaks rest-xml; use a path/ URI"},
		{"missing path param", RequestInput{URI: mustURI(t, "arn:aws:apigateway:us-east-1:s3:path/{bucket}/{key}"), HTTPMethod: "GET", BaseURL: "https://x", PathParams: map[string]string{"bucket": "b"}}, "no integration.request.path.key for {key}"},
		{"no method on path", RequestInput{URI: mustURI(t, "arn:aws:apigateway:us-east-1:s3:path/b"), BaseURL: "https://x"}, "has no httpMethod"},
		{"bad base", RequestInput{URI: mustURI(t, "arn:aws:apigateway:us-east-1:sns:action/Publish"), BaseURL: "sns.amazonaws.com"}, "is not a base URL"},
		{"unparsed", RequestInput{BaseURL: "https://x"}, "has no kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildRequest(context.Background(), tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestBuildRequestEscapesNonS3PathParams(t *testing.T) {
	req, err := BuildRequest(context.Background(), RequestInput{
		URI:        mustURI(t, "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{fn}/invocations"),
		HTTPMethod: "POST", BaseURL: "https://lambda.us-east-1.amazonaws.com",
		PathParams: map[string]string{"fn": "a/b c"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "/2015-03-31/functions/a%2Fb%20c/invocations"; req.URL.EscapedPath() != want {
		t.Fatalf("path %s, want %s", req.URL.EscapedPath(), want)
	}
}
