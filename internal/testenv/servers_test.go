package testenv_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ferrygw/ferry/internal/testenv"
)

func TestMinIOStoresObjectsAndAssumesRoles(t *testing.T) {
	m := testenv.MinIO(t)
	ctx := context.Background()
	cfg := sdkConfig(m.Region, m.AccessKey, m.SecretKey, "")
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(m.Endpoint); o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ferry-bucket")}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	body := "hello from ferry"
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ferry-bucket"), Key: aws.String("dir/a b.txt"),
		Body: strings.NewReader(body)}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	got, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ferry-bucket"), Key: aws.String("dir/a b.txt")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(data) != body {
		t.Errorf("GetObject body %q; want %q", data, body)
	}

	stsc := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(m.Endpoint) })
	ar, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/any"),
		RoleSessionName: aws.String("ferry-test")})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if ar.Credentials == nil || aws.ToString(ar.Credentials.SessionToken) == "" {
		t.Fatalf("AssumeRole gave no temporary credentials: %+v", ar.Credentials)
	}
	// MinIO verifies signatures: its temporary credentials must work and a wrong secret must not.
	tmp := sdkConfig(m.Region, aws.ToString(ar.Credentials.AccessKeyId), aws.ToString(ar.Credentials.SecretAccessKey),
		aws.ToString(ar.Credentials.SessionToken))
	if _, err := s3.NewFromConfig(tmp, func(o *s3.Options) { o.BaseEndpoint = aws.String(m.Endpoint); o.UsePathStyle = true }).
		GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ferry-bucket"), Key: aws.String("dir/a b.txt")}); err != nil {
		t.Errorf("GetObject with assumed-role credentials: %v", err)
	}
	bad := sdkConfig(m.Region, m.AccessKey, m.SecretKey+"x", "")
	_, err = s3.NewFromConfig(bad, func(o *s3.Options) { o.BaseEndpoint = aws.String(m.Endpoint); o.UsePathStyle = true }).
		ListBuckets(ctx, &s3.ListBucketsInput{})
	wantAPIError(t, err, "SignatureDoesNotMatch", 403)
}

func TestGoawsDeliversTopicToSubscribedQueue(t *testing.T) {
	g := testenv.Goaws(t, testenv.GoawsConfig{
		Queues: []string{"orders"},
		Topics: []testenv.GoawsTopic{{Name: "events", Subscriptions: []testenv.GoawsSubscription{{Queue: "orders", Raw: true}}}},
	})
	if want := "arn:aws:sns:us-east-1:123456789012:events"; g.TopicARNs["events"] != want {
		t.Errorf("TopicARNs[events] = %q; want %q", g.TopicARNs["events"], want)
	}
	ctx := context.Background()
	cfg := sdkConfig(g.Region, "AKIDGOAWS", "secret", "")
	snsc := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(g.Endpoint) })
	if _, err := snsc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(g.TopicARNs["events"]), Message: aws.String(`{"id":7}`)}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	sqsc := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(g.Endpoint) })
	out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(g.QueueURLs["orders"]), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != `{"id":7}` {
		t.Fatalf("queue holds %+v; want the one raw message {\"id\":7}", out.Messages)
	}
}

func TestKinesaliteTakesRecords(t *testing.T) {
	k := testenv.Kinesalite(t)
	ctx := context.Background()
	kc := kinesis.NewFromConfig(sdkConfig(k.Region, "AKIDK", "secret", ""), func(o *kinesis.Options) { o.BaseEndpoint = aws.String(k.Endpoint) })
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("clicks"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatalf("CreateStream: %v", err)
	}
	// As on AWS, a new stream is CREATING until it turns ACTIVE (here within milliseconds).
	if err := kinesis.NewStreamExistsWaiter(kc, func(o *kinesis.StreamExistsWaiterOptions) { o.MinDelay = 20 * time.Millisecond }).
		Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("clicks")}, 10*time.Second); err != nil {
		t.Fatalf("stream never became ACTIVE: %v", err)
	}
	put, err := kc.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("clicks"), Data: []byte("click"), PartitionKey: aws.String("p")})
	if err != nil {
		t.Fatalf("PutRecord: %v", err)
	}
	if aws.ToString(put.ShardId) != "shardId-000000000000" || aws.ToString(put.SequenceNumber) == "" {
		t.Errorf("PutRecord answered shard %q sequence %q", aws.ToString(put.ShardId), aws.ToString(put.SequenceNumber))
	}
}

func TestDynaliteStoresItems(t *testing.T) {
	d := testenv.Dynalite(t)
	ctx := context.Background()
	dc := dynamodb.NewFromConfig(sdkConfig(d.Region, "AKIDD", "secret", ""), func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(d.Endpoint) })
	_, err := dc.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("pets"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	if err := dynamodb.NewTableExistsWaiter(dc, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 20 * time.Millisecond }).
		Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("pets")}, 10*time.Second); err != nil {
		t.Fatalf("table never became ACTIVE: %v", err)
	}
	item := map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "1"}, "name": &ddbtypes.AttributeValueMemberS{Value: "Rex"}}
	if _, err := dc.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("pets"), Item: item}); err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	got, err := dc.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("pets"),
		Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: "1"}}})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if name, ok := got.Item["name"].(*ddbtypes.AttributeValueMemberS); !ok || name.Value != "Rex" {
		t.Errorf("GetItem name = %#v; want Rex", got.Item["name"])
	}
}

// TestLambda starts serverless-offline once (its start-up dominates the suite)
// and checks both the Invoke semantics and the front's Lambda error shapes.
func TestLambda(t *testing.T) {
	l := testenv.Lambda(t, map[string]string{
		"echo": `exports.handler = async (event) => ({ got: event, fn: process.env.AWS_LAMBDA_FUNCTION_NAME })`,
		"boom": `exports.handler = async () => { throw new Error("kaboom") }`,
	})
	t.Run("invoke semantics", func(t *testing.T) { lambdaInvokeSemantics(t, l) })
	t.Run("through a front", func(t *testing.T) { lambdaThroughFront(t, l) })
}

func lambdaInvokeSemantics(t *testing.T, l *testenv.LambdaServer) {
	ctx := context.Background()
	lc := lambda.NewFromConfig(sdkConfig(l.Region, "AKIDL", "secret", ""), func(o *lambda.Options) { o.BaseEndpoint = aws.String(l.Endpoint) })

	out, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(l.FunctionName("echo")), Payload: []byte(`{"n":1}`)})
	if err != nil {
		t.Fatalf("Invoke echo: %v", err)
	}
	var echoed struct {
		Got map[string]int `json:"got"`
		Fn  string         `json:"fn"`
	}
	if err := json.Unmarshal(out.Payload, &echoed); err != nil || echoed.Got["n"] != 1 {
		t.Errorf("echo payload %s (%v); want got.n = 1", out.Payload, err)
	}
	if out.StatusCode != 200 || out.FunctionError != nil {
		t.Errorf("echo status %d function error %v; want 200 and none", out.StatusCode, aws.ToString(out.FunctionError))
	}

	out, err = lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(l.FunctionName("boom")), Payload: []byte(`{}`)})
	if err != nil {
		t.Fatalf("Invoke boom: %v", err)
	}
	if out.StatusCode != 200 || aws.ToString(out.FunctionError) == "" || !strings.Contains(string(out.Payload), "kaboom") {
		t.Errorf("boom: status %d function error %q payload %s; want 200, a function error and kaboom",
			out.StatusCode, aws.ToString(out.FunctionError), out.Payload)
	}

	out, err = lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(l.FunctionName("echo")),
		InvocationType: lambdatypes.InvocationTypeEvent, Payload: []byte(`{}`)})
	if err != nil || out.StatusCode != 202 {
		t.Errorf("Event invoke: status %v err %v; want 202", out, err)
	}

	_, err = lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(l.FunctionName("echo")),
		InvocationType: lambdatypes.InvocationTypeDryRun})
	var respErr *smithyhttp.ResponseError
	if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != 400 {
		t.Errorf("DryRun invoke: %v; want a 400 refusal", err)
	}
}

func lambdaThroughFront(t *testing.T, l *testenv.LambdaServer) {
	f := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: l.Endpoint, Service: "lambda",
		Credentials: map[string]testenv.Cred{"AKIDLAMBDA": {SecretKey: "lambda-secret"}}})
	invoke := func(cfg aws.Config) error {
		out, err := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = aws.String(f.URL) }).
			Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(l.FunctionName("echo")), Payload: []byte(`{"n":2}`)})
		if err == nil && !strings.Contains(string(out.Payload), `"got":{"n":2}`) {
			t.Errorf("Invoke payload %s; want the event echoed", out.Payload)
		}
		return err
	}
	if err := invoke(sdkConfig("us-east-1", "AKIDLAMBDA", "lambda-secret", "")); err != nil {
		t.Fatalf("correctly signed Invoke through the front: %v", err)
	}
	if got := f.Requests(); len(got) != 1 || got[0].Path != "/2015-03-31/functions/"+l.FunctionName("echo")+"/invocations" {
		t.Errorf("front recorded %+v; want one Invoke of %s", got, l.FunctionName("echo"))
	}
	wantAPIError(t, invoke(sdkConfig("us-east-1", "AKIDNOPE", "lambda-secret", "")), "UnrecognizedClientException", 403)
	wantAPIError(t, invoke(sdkConfig("eu-west-1", "AKIDLAMBDA", "lambda-secret", "")), "InvalidSignatureException", 403)
}
