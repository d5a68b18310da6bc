package testenv_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/ferrygw/ferry/internal/testenv"
)

// TestStartLocalAWSScript runs scripts/start-local-aws.sh on free ports, calls
// every server at the endpoints it exported, and stops them with
// scripts/stop-local-aws.sh: the path `make run` takes.
func TestStartLocalAWSScript(t *testing.T) {
	root := testenv.RepoRoot()
	if root == "" {
		t.Fatal("no repository root above the working directory")
	}
	needed := []string{
		filepath.Join(testenv.ToolsDir(), "bin", "minio"),
		filepath.Join(testenv.ToolsDir(), "bin", "goaws"),
	}
	npmDirs := []string{filepath.Join(testenv.ToolsDir(), "npm"), filepath.Join(root, "tools", "npm")}
	npm := npmDirs[0]
	if _, err := os.Stat(filepath.Join(npm, "node_modules", "kinesalite")); err != nil {
		npm = npmDirs[1]
	}
	needed = append(needed, filepath.Join(npm, "node_modules", "kinesalite"), filepath.Join(npm, "node_modules", "dynalite"))
	for _, p := range needed {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed: run make deps", p)
			}
			t.Skipf("%s is not installed: run make deps", p)
		}
	}
	stateDir := t.TempDir()
	env := append(os.Environ(), "FERRY_TOOLS_DIR="+testenv.ToolsDir(), "FERRY_LOCAL_AWS_DIR="+stateDir)
	for _, name := range []string{"MINIO_PORT", "MINIO_CONSOLE_PORT", "GOAWS_PORT", "KINESALITE_PORT", "DYNALITE_PORT"} {
		env = append(env, name+"="+strconv.Itoa(testenv.FreePort(t)))
	}
	run := func(script string) string {
		cmd := exec.Command("bash", filepath.Join(root, "scripts", script))
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", script, err, stderr.String())
		}
		return string(out)
	}
	out := run("start-local-aws.sh")
	t.Cleanup(func() { run("stop-local-aws.sh") })

	exports := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if !ok || !strings.HasPrefix(sc.Text(), "export ") {
			t.Fatalf("start-local-aws.sh printed %q, not an export", sc.Text())
		}
		exports[k] = v
	}
	for _, k := range []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SNS", "AWS_ENDPOINT_URL_SQS",
		"AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_DYNAMODB"} {
		if !strings.HasPrefix(exports[k], "http://127.0.0.1:") {
			t.Errorf("%s = %q; want a loopback URL", k, exports[k])
		}
	}
	if again := run("start-local-aws.sh"); again != out {
		t.Errorf("a second start printed %q; want the same exports %q", again, out)
	}

	ctx := context.Background()
	cfg := sdkConfig(exports["AWS_REGION"], exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], "")
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(exports["AWS_ENDPOINT_URL_S3"])
		o.UsePathStyle = true
	}).
		ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("S3 ListBuckets with the exported credentials: %v", err)
	}
	topics, err := sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(exports["AWS_ENDPOINT_URL_SNS"]) }).
		ListTopics(ctx, &sns.ListTopicsInput{})
	if err != nil || len(topics.Topics) != 1 || !strings.HasSuffix(aws.ToString(topics.Topics[0].TopicArn), ":ferry-topic") {
		t.Errorf("SNS ListTopics = %+v, %v; want the default ferry-topic", topics, err)
	}
	if _, err := kinesis.NewFromConfig(cfg, func(o *kinesis.Options) { o.BaseEndpoint = aws.String(exports["AWS_ENDPOINT_URL_KINESIS"]) }).
		ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
		t.Errorf("Kinesis ListStreams: %v", err)
	}
	if _, err := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(exports["AWS_ENDPOINT_URL_DYNAMODB"]) }).
		ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Errorf("DynamoDB ListTables: %v", err)
	}
}
