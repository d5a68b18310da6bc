package e2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/ferrygw/ferry/internal/testenv"
)

// receiveAll reads the queue until it has want messages or 10 s pass.
func receiveAll(t *testing.T, queueURL, endpoint string, want int) []string {
	t.Helper()
	c := sqs.NewFromConfig(sdk(), func(o *sqs.Options) { o.BaseEndpoint = aws.String(endpoint) })
	var got []string
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < want && time.Now().Before(deadline) {
		out, err := c.ReceiveMessage(bg(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatalf("ReceiveMessage: %v", err)
		}
		for _, m := range out.Messages {
			got = append(got, aws.ToString(m.Body))
		}
		if len(out.Messages) == 0 {
			time.Sleep(100 * time.Millisecond)
		}
	}
	return got
}

// The seed's definition (002_*), imported verbatim: a POST publishes the
// request body to SNS through an assumed role, and a subscribed queue
// receives exactly that body, 200 KB included.
func TestSeedSNSPublishReachesSubscribedQueue(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/apigateway-sns-role"
	w := newAWSWorld(t, map[string]string{role: ""})
	g := testenv.Goaws(t, testenv.GoawsConfig{Topics: []testenv.GoawsTopic{{Name: "orders", Subscriptions: []testenv.GoawsSubscription{{Queue: "orders-q", Raw: true}}}}})
	snsFront := w.front(t, "sns", "SNS", g.Endpoint)
	f := startFerry(t, "", w.env...)

	topic := g.TopicARNs["orders"]
	id := strings.TrimSpace(f.cli("import", repoFile(t, "examples/sns-publish.json"), "--var", "TopicArn="+topic, "--region", testRegion, "--account-id", testAccount))
	f.cli("deploy", id, "--stage", "dev")

	small := `{"order": 42, "note": "fish & chips = 100% + tax"}`
	big := `{"blob": "` + strings.Repeat("abcdefgh", 200*1024/8) + `"}`
	for _, body := range []string{small, big} {
		q := url.Values{"Message": {"ignored"}, "TopicArn": {topic}}
		resp, out := f.call("POST", id, "dev", "/test?"+q.Encode(), strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
		if resp.StatusCode != 200 || !strings.Contains(out, "PublishResponse") || !strings.Contains(out, "MessageId") {
			t.Fatalf("publish (%d bytes): %d %.300s", len(body), resp.StatusCode, out)
		}
	}
	got := receiveAll(t, g.QueueURLs["orders-q"], g.Endpoint, 2)
	if len(got) != 2 || got[0] != small || got[1] != big {
		lens := []int{}
		for _, m := range got {
			lens = append(lens, len(m))
		}
		t.Fatalf("queue received %d messages of lengths %v; want the two bodies exactly (%d and %d bytes)", len(got), lens, len(small), len(big))
	}
	for _, r := range snsFront.Requests() {
		if r.RawQuery != "" || !strings.Contains(string(r.Body), "Action=Publish") {
			t.Errorf("SNS call: the parameters must travel in the form body, not the URL: query %q", r.RawQuery)
		}
	}
	if !signedWithTemporaryKeys(snsFront, w.minio.AccessKey) {
		t.Error("SNS calls were not signed with the assumed role's temporary credentials")
	}
}

// The walkthrough of 003_*: GET /mydemoawsproxy lists the SNS topics in
// the JSON shape AWS answers with, with credentials from the default chain.
func TestListTopicsWalkthrough(t *testing.T) {
	w := newAWSWorld(t, nil)
	g := testenv.Goaws(t, testenv.GoawsConfig{Topics: []testenv.GoawsTopic{{Name: "alpha"}, {Name: "beta"}}})
	w.front(t, "sns", "SNS", g.Endpoint)
	f := startFerry(t, "", w.env...)
	def := repoFile(t, "examples/list-topics.yaml")
	id := strings.TrimSpace(f.cli("import", def))
	f.cli("deploy", id, "--stage", "test")
	resp, out := f.call("GET", id, "test", "/mydemoawsproxy", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("ListTopics: %d %s", resp.StatusCode, out)
	}
	var doc struct {
		ListTopicsResponse struct {
			ListTopicsResult struct {
				Topics []struct{ TopicArn string }
			}
			ResponseMetadata struct{ RequestId string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("ListTopics answer is not the JSON shape AWS sends: %v\n%s", err, out)
	}
	var arns []string
	for _, tp := range doc.ListTopicsResponse.ListTopicsResult.Topics {
		arns = append(arns, tp.TopicArn)
	}
	if len(arns) != 2 || !strings.Contains(strings.Join(arns, " "), g.TopicARNs["alpha"]) || !strings.Contains(strings.Join(arns, " "), g.TopicARNs["beta"]) {
		t.Errorf("ListTopics listed %v; want both topics\n%s", arns, out)
	}
}

// An SQS path/ integration builds SendMessage as a form body with a template.
func TestSQSSendMessagePath(t *testing.T) {
	w := newAWSWorld(t, nil)
	g := testenv.Goaws(t, testenv.GoawsConfig{Queues: []string{"jobs"}})
	w.front(t, "sqs", "SQS", g.Endpoint)
	f := startFerry(t, "", w.env...)
	def := repoFile(t, "examples/sqs-send.yaml")
	id := strings.TrimSpace(f.cli("import", def))
	f.cli("deploy", id, "--stage", "v1")
	body := `{"job": "resize", "size": "10x10 & more"}`
	resp, out := f.call("POST", id, "v1", "/jobs", strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 200 || !strings.Contains(out, "SendMessageResponse") {
		t.Fatalf("SendMessage: %d %s", resp.StatusCode, out)
	}
	if got := receiveAll(t, g.QueueURLs["jobs"], g.Endpoint, 1); len(got) != 1 || got[0] != body {
		t.Fatalf("queue received %q, want %q", got, body)
	}
}

// A Kinesis action/PutRecord integration with a base64 data template.
func TestKinesisPutRecord(t *testing.T) {
	w := newAWSWorld(t, nil)
	k := testenv.Kinesalite(t)
	kf := w.front(t, "kinesis", "KINESIS", k.Endpoint)
	kc := kinesis.NewFromConfig(sdk(), func(o *kinesis.Options) { o.BaseEndpoint = aws.String(k.Endpoint) })
	if _, err := kc.CreateStream(bg(), &kinesis.CreateStreamInput{StreamName: aws.String("clicks"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	f := startFerry(t, "", w.env...)
	def := repoFile(t, "examples/kinesis-put.yaml")
	id := strings.TrimSpace(f.cli("import", def))
	f.cli("deploy", id, "--stage", "prod")
	body := `{"click": "buy", "x": 10}`
	resp, out := f.call("PUT", id, "prod", "/streams/clicks/records", strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 200 || !strings.Contains(out, "SequenceNumber") {
		t.Fatalf("PutRecord: %d %s", resp.StatusCode, out)
	}
	if r := kf.Requests(); len(r) != 1 || r[0].Header.Get("X-Amz-Target") != "Kinesis_20131202.PutRecord" {
		t.Errorf("Kinesis call: want one request with X-Amz-Target Kinesis_20131202.PutRecord, got %d", len(r))
	}
	it, err := kc.GetShardIterator(bg(), &kinesis.GetShardIteratorInput{StreamName: aws.String("clicks"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := kc.GetRecords(bg(), &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs.Records) != 1 || string(recs.Records[0].Data) != body {
		t.Fatalf("stream holds %d records; want exactly the body", len(recs.Records))
	}
}

// A DynamoDB PutItem and GetItem pair round-trips an item.
func TestDynamoDBPutAndGetItem(t *testing.T) {
	w := newAWSWorld(t, nil)
	d := testenv.Dynalite(t)
	w.front(t, "dynamodb", "DYNAMODB", d.Endpoint)
	dc := dynamodb.NewFromConfig(sdk(), func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(d.Endpoint) })
	if _, err := dc.CreateTable(bg(), &dynamodb.CreateTableInput{
		TableName:            aws.String("notes"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	f := startFerry(t, "", w.env...)
	def := repoFile(t, "examples/dynamodb-notes.yaml")
	id := strings.TrimSpace(f.cli("import", def))
	f.cli("deploy", id, "--stage", "prod")
	resp, out := f.call("PUT", id, "prod", "/notes/n1", strings.NewReader(`{"text": "say \"hi\" to DynamoDB"}`), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 200 || !strings.Contains(out, `"stored": "n1"`) {
		t.Fatalf("PutItem: %d %s", resp.StatusCode, out)
	}
	resp, out = f.call("GET", id, "prod", "/notes/n1", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GetItem: %d %s", resp.StatusCode, out)
	}
	var got struct{ ID, Text string }
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.ID != "n1" || got.Text != `say "hi" to DynamoDB` {
		t.Fatalf("GetItem answered %s (%v)", out, err)
	}
}
