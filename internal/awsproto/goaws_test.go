package awsproto_test

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/awsproto"
	"github.com/ferrygw/ferry/internal/testenv"
)

var record = flag.Bool("record", false, "write goaws's raw XML answers to testdata/goaws-*.xml")

// protoWorld is goaws behind SigV4-verifying SNS and SQS fronts.
type protoWorld struct {
	goaws    *testenv.GoawsServer
	sns, sqs *testenv.AWSFront
	creds    aws.Credentials
}

func newProtoWorld(t *testing.T) *protoWorld {
	g := testenv.Goaws(t, testenv.GoawsConfig{
		Topics: []testenv.GoawsTopic{{Name: "orders", Subscriptions: []testenv.GoawsSubscription{{Queue: "orders-q", Raw: true}}}},
	})
	reg := testenv.NewCredentials(map[string]testenv.Cred{"AKIDPROTO": {SecretKey: "proto-secret"}})
	return &protoWorld{
		goaws: g,
		sns:   testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: g.Endpoint, Service: "sns", Registry: reg}),
		sqs:   testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: g.Endpoint, Service: "sqs", Registry: reg}),
		creds: aws.Credentials{AccessKeyID: "AKIDPROTO", SecretAccessKey: "proto-secret"},
	}
}

// call builds the request for uri with awsproto, signs it with awsauth and
// sends it through the front of the URI's service.
func (w *protoWorld) call(t *testing.T, uri string, in awsproto.RequestInput, creds aws.Credentials) (int, []byte) {
	t.Helper()
	u, err := awsproto.ParseServiceURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	front := w.sns
	if u.Service == "sqs" {
		front = w.sqs
	}
	in.URI, in.BaseURL = u, front.URL
	req, err := awsproto.BuildRequest(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	req.Body, _ = req.GetBody()
	svc, _ := awsproto.Lookup(u.Service)
	if err := awsauth.Sign(context.Background(), req, awsauth.PayloadHash(body), creds, svc.SigningName, u.Region); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// convert turns goaws's XML into AWS's JSON shape and decodes it, saving
// the XML as a golden input when -record is set.
func convert(t *testing.T, name string, xmlBody []byte) map[string]any {
	t.Helper()
	if *record {
		if err := os.WriteFile(filepath.Join("testdata", "goaws-"+name+".xml"), xmlBody, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	js, err := awsproto.QueryXMLToJSON(xmlBody)
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, xmlBody)
	}
	var v map[string]any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatalf("%s: converted JSON does not parse: %v\n%s", name, err, js)
	}
	return v
}

// dig follows keys and array indexes through decoded JSON.
func dig(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: %T is not an object", k, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("no %q in %v", k, m)
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at [%d]: %v is not an array that long", k, v)
			}
			v = a[k]
		}
	}
	return v
}

func TestQueryProtocolAgainstGoaws(t *testing.T) {
	w := newProtoWorld(t)
	orders := w.goaws.TopicARNs["orders"]
	queueURL := w.goaws.QueueURLs["orders-q"]

	code, body := w.call(t, "arn:aws:apigateway:us-east-1:sns:action/ListTopics", awsproto.RequestInput{}, w.creds)
	if code != 200 {
		t.Fatalf("ListTopics: %d %s", code, body)
	}
	v := convert(t, "sns-listtopics", body)
	if arn := dig(t, v, "ListTopicsResponse", "ListTopicsResult", "Topics", 0, "TopicArn"); arn != orders {
		t.Fatalf("ListTopics TopicArn = %v, want %s", arn, orders)
	}
	if id := dig(t, v, "ListTopicsResponse", "ResponseMetadata", "RequestId"); id == nil || id == "" {
		t.Fatal("ListTopics has no RequestId")
	}

	code, body = w.call(t, "arn:aws:apigateway:us-east-1:sns:action/CreateTopic&Name=audit", awsproto.RequestInput{}, w.creds)
	if code != 200 {
		t.Fatalf("CreateTopic: %d %s", code, body)
	}
	v = convert(t, "sns-createtopic", body)
	if arn, _ := dig(t, v, "CreateTopicResponse", "CreateTopicResult", "TopicArn").(string); !strings.HasSuffix(arn, ":audit") {
		t.Fatalf("CreateTopic TopicArn = %v", arn)
	}

	// The seed's shape: a template renders the form, the integration sets
	// Content-Type, the topic comes from the mapped query string.
	code, body = w.call(t, "arn:aws:apigateway:us-east-1:sns:action/Publish", awsproto.RequestInput{
		HTTPMethod: "POST",
		Body:       []byte("Action=Publish&Message=" + url.QueryEscape(`{"order":42}`)),
		Headers:    http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Query:      url.Values{"TopicArn": {orders}},
	}, w.creds)
	if code != 200 {
		t.Fatalf("Publish: %d %s", code, body)
	}
	v = convert(t, "sns-publish", body)
	if id, _ := dig(t, v, "PublishResponse", "PublishResult", "MessageId").(string); id == "" {
		t.Fatalf("Publish gave no MessageId: %v", v)
	}

	code, body = w.call(t, "arn:aws:apigateway:us-east-1:sqs:action/SendMessage", awsproto.RequestInput{
		Body: []byte("QueueUrl=" + url.QueryEscape(queueURL) + "&MessageBody=direct"),
	}, w.creds)
	if code != 200 {
		t.Fatalf("SendMessage: %d %s", code, body)
	}
	v = convert(t, "sqs-sendmessage", body)
	if md5, _ := dig(t, v, "SendMessageResponse", "SendMessageResult", "MD5OfMessageBody").(string); md5 != "1e8b4a7e9e1bd8a0f2a7a4e3f8a1d2c4" && len(md5) != 32 {
		t.Fatalf("SendMessage MD5OfMessageBody = %q", md5)
	}

	code, body = w.call(t, "arn:aws:apigateway:us-east-1:sqs:action/ReceiveMessage&MaxNumberOfMessages=10", awsproto.RequestInput{
		Body: []byte("QueueUrl=" + url.QueryEscape(queueURL)),
	}, w.creds)
	if code != 200 {
		t.Fatalf("ReceiveMessage: %d %s", code, body)
	}
	v = convert(t, "sqs-receivemessage", body)
	msgs, ok := dig(t, v, "ReceiveMessageResponse", "ReceiveMessageResult", "Message").([]any)
	if !ok || len(msgs) != 2 {
		t.Fatalf("ReceiveMessage: want 2 messages as an array, got %v", v)
	}
	bodies := map[string]bool{}
	for i := range msgs {
		bodies[dig(t, msgs, i, "Body").(string)] = true
	}
	if !bodies[`{"order":42}`] || !bodies["direct"] {
		t.Fatalf("ReceiveMessage bodies %v, want the published and the sent message", bodies)
	}

	code, body = w.call(t, "arn:aws:apigateway:us-east-1:sns:action/Publish&Message=x", awsproto.RequestInput{
		Query: url.Values{"TopicArn": {"arn:aws:sns:us-east-1:123456789012:missing"}},
	}, w.creds)
	if code < 400 {
		t.Fatalf("Publish to a missing topic: %d %s", code, body)
	}
	v = convert(t, "sns-error", body)
	if c, _ := dig(t, v, "Error", "Code").(string); c == "" {
		t.Fatalf("error document has no Error.Code: %v", v)
	}

	// A wrong secret never reaches goaws: the front verifies the signature.
	bad := w.creds
	bad.SecretAccessKey = "wrong"
	code, body = w.call(t, "arn:aws:apigateway:us-east-1:sns:action/ListTopics", awsproto.RequestInput{}, bad)
	if code != http.StatusForbidden || !strings.Contains(string(body), "SignatureDoesNotMatch") {
		t.Fatalf("wrong secret: %d %s, want 403 SignatureDoesNotMatch", code, body)
	}
}
