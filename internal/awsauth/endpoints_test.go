package awsauth

import (
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestEndpointsDefaults(t *testing.T) {
	e := NewEndpoints(Config{}, envOf(nil))
	tests := []struct {
		service, region, url, signingRegion string
	}{
		{"sns", "us-east-1", "https://sns.us-east-1.amazonaws.com", "us-east-1"},
		{"dynamodb", "eu-west-3", "https://dynamodb.eu-west-3.amazonaws.com", "eu-west-3"},
		{"sqs", "cn-north-1", "https://sqs.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"kinesis", "us-gov-west-1", "https://kinesis.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
		{"s3", "us-iso-east-1", "https://s3.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
		{"s3", "us-isob-east-1", "https://s3.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
		{"sts", "ap-southeast-2", "https://sts.ap-southeast-2.amazonaws.com", "ap-southeast-2"},
		{"iam", "eu-central-1", "https://iam.amazonaws.com", "us-east-1"},
		{"iam", "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"},
		{"cloudfront", "ap-northeast-1", "https://cloudfront.amazonaws.com", "us-east-1"},
		{"route53", "sa-east-1", "https://route53.amazonaws.com", "us-east-1"},
		{"globalaccelerator", "eu-west-1", "https://globalaccelerator.us-west-2.amazonaws.com", "us-west-2"},
	}
	for _, tt := range tests {
		t.Run(tt.service+"/"+tt.region, func(t *testing.T) {
			ep, err := e.Resolve(tt.service, tt.region)
			if err != nil {
				t.Fatal(err)
			}
			if ep.URL != tt.url || ep.SigningRegion != tt.signingRegion || ep.Overridden {
				t.Fatalf("got %+v, want %s signed for %s", ep, tt.url, tt.signingRegion)
			}
		})
	}
	for _, bad := range []struct{ service, region, want string }{
		{"sns", "mars-north-1", `region "mars-north-1" is not in any AWS partition`},
		{"sns", "", "no region"},
		{"waf", "cn-north-1", "waf has no endpoint in partition aws-cn"},
		{"", "us-east-1", "service is empty"},
	} {
		if _, err := e.Resolve(bad.service, bad.region); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Resolve(%q, %q) = %v, want %q", bad.service, bad.region, err, bad.want)
		}
	}
}

func TestEndpointOverrides(t *testing.T) {
	cfg := Config{
		Region:      "eu-west-1",
		Endpoints:   map[string]string{"dynamodb": "http://127.0.0.1:8000", "SFN": "http://127.0.0.1:8083/"},
		EndpointURL: "http://127.0.0.1:9000",
	}
	tests := []struct {
		name, service string
		env           map[string]string
		want          string
		overridden    bool
	}{
		{"config per service", "dynamodb", nil, "http://127.0.0.1:8000", true},
		{"config by service id", "states", nil, "http://127.0.0.1:8083", true},
		{"config global", "sns", nil, "http://127.0.0.1:9000", true},
		{"env per service beats config", "dynamodb", map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:1"}, "http://127.0.0.1:1", true},
		{"env global beats config global", "sns", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://127.0.0.1:2", true},
		{"config per service beats env global", "dynamodb", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://127.0.0.1:8000", true},
		{"service id env name", "logs", map[string]string{"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "http://127.0.0.1:3"}, "http://127.0.0.1:3", true},
		{"sts env", "sts", map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4"}, "http://127.0.0.1:4", true},
		{"ignore flag", "sns", map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_SNS": "http://127.0.0.1:5"}, "https://sns.eu-west-1.amazonaws.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep, err := NewEndpoints(cfg, envOf(tt.env)).Resolve(tt.service, "")
			if err != nil {
				t.Fatal(err)
			}
			if ep.URL != tt.want || ep.Overridden != tt.overridden || ep.SigningRegion != "eu-west-1" {
				t.Fatalf("got %+v, want %s", ep, tt.want)
			}
		})
	}
	_, err := NewEndpoints(Config{}, envOf(map[string]string{"AWS_ENDPOINT_URL_SQS": "localhost:9324"})).Resolve("sqs", "us-east-1")
	if err == nil || !strings.Contains(err.Error(), "AWS_ENDPOINT_URL_SQS") {
		t.Fatalf("bad env endpoint: %v, want an error naming AWS_ENDPOINT_URL_SQS", err)
	}
}

func TestEnvName(t *testing.T) {
	for in, want := range map[string]string{
		"dynamodb": "DYNAMODB", "sns": "SNS", "sqs": "SQS", "s3": "S3", "sts": "STS", "lambda": "LAMBDA",
		"kinesis": "KINESIS", "states": "SFN", "logs": "CLOUDWATCH_LOGS", "events": "EVENTBRIDGE",
		"secretsmanager": "SECRETS_MANAGER", "execute-api": "API_GATEWAY",
	} {
		if got := EnvName(in); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", in, got, want)
		}
	}
}
