package testenv_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ferrygw/ferry/internal/testenv"
)

const (
	roleWithExternalID = "arn:aws:iam::123456789012:role/ferry-with-external-id"
	roleWithout        = "arn:aws:iam::123456789012:role/ferry-plain"
	externalID         = "ext-7f3a"
)

// awsWorld is MinIO and goaws behind fronts that share one credential registry.
type awsWorld struct {
	minio                   *testenv.MinIOServer
	goaws                   *testenv.GoawsServer
	sts, s3, sns, sqs, late *testenv.AWSFront
	root                    aws.Config
}

func newAWSWorld(t *testing.T) *awsWorld {
	t.Helper()
	m := testenv.MinIO(t)
	g := testenv.Goaws(t, testenv.GoawsConfig{
		Queues: []string{"inbox"},
		Topics: []testenv.GoawsTopic{{Name: "news", Subscriptions: []testenv.GoawsSubscription{{Queue: "inbox", Raw: true}}}},
	})
	reg := testenv.NewCredentials(map[string]testenv.Cred{m.AccessKey: {SecretKey: m.SecretKey}})
	w := &awsWorld{minio: m, goaws: g, root: sdkConfig("us-east-1", m.AccessKey, m.SecretKey, "")}
	w.sts = testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: m.Endpoint, Service: "sts", Registry: reg,
		Roles: map[string]string{roleWithExternalID: externalID, roleWithout: ""}})
	w.s3 = testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: m.Endpoint, Service: "s3", Registry: reg})
	w.sns = testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: g.Endpoint, Service: "sns", Registry: reg})
	w.sqs = testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: g.Endpoint, Service: "sqs", Registry: reg})
	// A front whose clock runs 20 minutes ahead sees every fresh signature as expired.
	w.late = testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: g.Endpoint, Service: "sns", Registry: reg,
		Now: func() time.Time { return time.Now().Add(20 * time.Minute) }})
	return w
}

func snsAt(cfg aws.Config, f *testenv.AWSFront) *sns.Client {
	return sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(f.URL) })
}

func s3At(cfg aws.Config, f *testenv.AWSFront) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(f.URL); o.UsePathStyle = true })
}

func (w *awsWorld) publish(cfg aws.Config, f *testenv.AWSFront) error {
	_, err := snsAt(cfg, f).Publish(context.Background(), &sns.PublishInput{
		TopicArn: aws.String(w.goaws.TopicARNs["news"]), Message: aws.String("hello")})
	return err
}

func TestFrontPassesCorrectlySignedSDKCalls(t *testing.T) {
	w := newAWSWorld(t)
	ctx := context.Background()
	if err := w.publish(w.root, w.sns); err != nil {
		t.Fatalf("Publish through the front: %v", err)
	}
	got := w.sns.Requests()
	if len(got) != 1 || !strings.Contains(string(got[0].Body), "Action=Publish") ||
		!strings.Contains(string(got[0].Body), "Message=hello") || got[0].AccessKey != w.minio.AccessKey {
		t.Fatalf("sns front recorded %+v; want one Publish of hello signed by the root key", got)
	}
	// SQS's JSON protocol through its own front reaches the message SNS delivered.
	sqsc := sqs.NewFromConfig(w.root, func(o *sqs.Options) { o.BaseEndpoint = aws.String(w.sqs.URL) })
	out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.goaws.QueueURLs["inbox"]), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatalf("ReceiveMessage through the front: %v", err)
	}
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != "hello" {
		t.Errorf("inbox holds %+v; want hello", out.Messages)
	}
	// S3 through the front: MinIO verifies the same signature again behind it.
	s3c := s3At(w.root, w.s3)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("front-bucket")}); err != nil {
		t.Fatalf("CreateBucket through the front: %v", err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("front-bucket"), Key: aws.String("k"),
		Body: strings.NewReader("payload")}); err != nil {
		t.Fatalf("PutObject through the front: %v", err)
	}
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("front-bucket"), Key: aws.String("k")})
	if err != nil {
		t.Fatalf("GetObject through the front: %v", err)
	}
	data, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(data) != "payload" {
		t.Errorf("GetObject = %q; want payload", data)
	}
}

func TestFrontRefusesWrongSignatures(t *testing.T) {
	w := newAWSWorld(t)
	ctx := context.Background()
	m := w.minio
	tests := []struct {
		name       string
		call       func() error
		wantCode   string
		wantStatus int
	}{
		{"wrong service", func() error { return w.publish(w.root, w.sqs) }, "SignatureDoesNotMatch", 403},
		{"wrong region", func() error { return w.publish(sdkConfig("eu-west-1", m.AccessKey, m.SecretKey, ""), w.sns) }, "SignatureDoesNotMatch", 403},
		{"unknown key", func() error { return w.publish(sdkConfig("us-east-1", "AKIDUNKNOWN", m.SecretKey, ""), w.sns) }, "InvalidClientTokenId", 403},
		{"wrong secret", func() error { return w.publish(sdkConfig("us-east-1", m.AccessKey, "not-"+m.SecretKey, ""), w.sns) }, "SignatureDoesNotMatch", 403},
		{"body changed after signing", func() error {
			cfg := w.root
			cfg.HTTPClient = tamperingClient{from: "Message=hello", to: "Message=hellp"}
			return w.publish(cfg, w.sns)
		}, "SignatureDoesNotMatch", 403},
		{"s3 body differs from X-Amz-Content-Sha256", func() error {
			cfg := w.root
			cfg.HTTPClient = tamperingClient{from: "payload", to: "paYload"}
			_, err := s3At(cfg, w.s3).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("any"), Key: aws.String("k"),
				Body: strings.NewReader("payload")})
			return err
		}, "XAmzContentSHA256Mismatch", 400},
		{"s3 wrong region", func() error {
			_, err := s3At(sdkConfig("eu-west-1", m.AccessKey, m.SecretKey, ""), w.s3).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "AuthorizationHeaderMalformed", 400},
		{"s3 unknown key", func() error {
			_, err := s3At(sdkConfig("us-east-1", "AKIDUNKNOWN", "x", ""), w.s3).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "InvalidAccessKeyId", 403},
		{"expired signature", func() error { return w.publish(w.root, w.late) }, "SignatureDoesNotMatch", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, tt.call(), tt.wantCode, tt.wantStatus)
		})
	}
	if n := len(w.sns.Requests()) + len(w.sqs.Requests()) + len(w.s3.Requests()) + len(w.late.Requests()); n != 0 {
		t.Errorf("fronts forwarded %d refused requests", n)
	}
}

func TestFrontAssumeRoleChecksExternalIDAndTrustsTemporaryKeys(t *testing.T) {
	w := newAWSWorld(t)
	ctx := context.Background()
	stsc := sts.NewFromConfig(w.root, func(o *sts.Options) { o.BaseEndpoint = aws.String(w.sts.URL) })
	assume := func(role, ext string) (*sts.AssumeRoleOutput, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("ferry")}
		if ext != "" {
			in.ExternalId = aws.String(ext)
		}
		return stsc.AssumeRole(ctx, in)
	}
	refusals := []struct{ name, role, ext string }{
		{"wrong external id", roleWithExternalID, "ext-0000"},
		{"missing external id", roleWithExternalID, ""},
		{"external id for a role without one", roleWithout, "ext-7f3a"},
		{"unknown role", "arn:aws:iam::123456789012:role/nobody", externalID},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assume(tt.role, tt.ext)
			wantAPIError(t, err, "AccessDenied", 403)
		})
	}
	if _, err := assume(roleWithout, ""); err != nil {
		t.Fatalf("AssumeRole of a role without external id: %v", err)
	}
	out, err := assume(roleWithExternalID, externalID)
	if err != nil {
		t.Fatalf("AssumeRole with the right external id: %v", err)
	}
	c := out.Credentials
	ak, sk, tok := aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)
	if ak == "" || sk == "" || tok == "" || ak == w.minio.AccessKey {
		t.Fatalf("AssumeRole answered %+v; want fresh temporary credentials", c)
	}
	temp := sdkConfig("us-east-1", ak, sk, tok)

	t.Run("temporary key verifies at another front", func(t *testing.T) {
		if err := w.publish(temp, w.sns); err != nil {
			t.Fatalf("Publish with temporary credentials: %v", err)
		}
		reqs := w.sns.Requests()
		if last := reqs[len(reqs)-1]; last.AccessKey != ak || last.Header.Get("X-Amz-Security-Token") != tok {
			t.Errorf("recorded key %q token %q; want the temporary key and its token", last.AccessKey, last.Header.Get("X-Amz-Security-Token"))
		}
	})
	t.Run("temporary key reaches MinIO through the s3 front", func(t *testing.T) {
		if _, err := s3At(temp, w.s3).ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
			t.Fatalf("ListBuckets with temporary credentials: %v", err)
		}
	})
	t.Run("s3 temporary key with another token", func(t *testing.T) {
		_, err := s3At(sdkConfig("us-east-1", ak, sk, "forged"), w.s3).ListBuckets(ctx, &s3.ListBucketsInput{})
		wantAPIError(t, err, "InvalidToken", 400)
	})
	t.Run("temporary key without its token", func(t *testing.T) {
		wantAPIError(t, w.publish(sdkConfig("us-east-1", ak, sk, ""), w.sns), "InvalidClientTokenId", 403)
	})
	t.Run("temporary key with another token", func(t *testing.T) {
		wantAPIError(t, w.publish(sdkConfig("us-east-1", ak, sk, tok+"x"), w.sns), "InvalidClientTokenId", 403)
	})
}

func TestFrontSpeaksJSONServicesErrors(t *testing.T) {
	k, d := testenv.Kinesalite(t), testenv.Dynalite(t)
	reg := testenv.NewCredentials(map[string]testenv.Cred{"AKIDJSON": {SecretKey: "json-secret"}})
	kf := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: k.Endpoint, Service: "kinesis", Registry: reg})
	df := testenv.NewAWSFront(t, testenv.FrontConfig{Upstream: d.Endpoint, Service: "dynamodb", Registry: reg})
	ctx := context.Background()
	good := sdkConfig("us-east-1", "AKIDJSON", "json-secret", "")
	unknown := sdkConfig("us-east-1", "AKIDNOPE", "json-secret", "")
	otherRegion := sdkConfig("eu-west-1", "AKIDJSON", "json-secret", "")

	kin := func(cfg aws.Config) error {
		_, err := kinesis.NewFromConfig(cfg, func(o *kinesis.Options) { o.BaseEndpoint = aws.String(kf.URL) }).
			ListStreams(ctx, &kinesis.ListStreamsInput{})
		return err
	}
	ddb := func(cfg aws.Config) error {
		_, err := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(df.URL) }).
			ListTables(ctx, &dynamodb.ListTablesInput{})
		return err
	}
	tests := []struct {
		name       string
		call       func(aws.Config) error
		cfg        aws.Config
		wantCode   string
		wantStatus int
	}{
		{"kinesis signed right", kin, good, "", 0},
		{"kinesis unknown key", kin, unknown, "UnrecognizedClientException", 400},
		{"kinesis wrong region", kin, otherRegion, "InvalidSignatureException", 400},
		{"dynamodb signed right", ddb, good, "", 0},
		{"dynamodb unknown key", ddb, unknown, "UnrecognizedClientException", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(tt.cfg)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("correctly signed call failed: %v", err)
				}
				return
			}
			wantAPIError(t, err, tt.wantCode, tt.wantStatus)
		})
	}
}
