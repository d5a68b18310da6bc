package awsproto

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseServiceURI(t *testing.T) {
	tests := []struct {
		in   string
		want ServiceURI
	}{
		{"arn:aws:apigateway:us-east-1:sns:action/Publish&Version=2010-03-31",
			ServiceURI{Partition: "aws", Region: "us-east-1", Service: "sns", Kind: ActionURI, Action: "Publish",
				Params: []Param{{"Version", "2010-03-31"}}}},
		{"arn:aws:apigateway:eu-west-1:sqs:action/SendMessage",
			ServiceURI{Partition: "aws", Region: "eu-west-1", Service: "sqs", Kind: ActionURI, Action: "SendMessage"}},
		{"arn:aws:apigateway:us-east-1:sns:action/Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Message=hi+there",
			ServiceURI{Partition: "aws", Region: "us-east-1", Service: "sns", Kind: ActionURI, Action: "Publish",
				Params: []Param{{"TopicArn", "arn:aws:sns:us-east-1:1:t"}, {"Message", "hi there"}}}},
		{"arn:aws:apigateway:us-east-1:mybucket.s3:path/{key}",
			ServiceURI{Partition: "aws", Region: "us-east-1", Subdomain: "mybucket", Service: "s3", Kind: PathURI, Path: "/{key}"}},
		{"arn:aws:apigateway:us-east-1:my.dotted.bucket.s3:path/a/b",
			ServiceURI{Partition: "aws", Region: "us-east-1", Subdomain: "my.dotted.bucket", Service: "s3", Kind: PathURI, Path: "/a/b"}},
		{"arn:aws:apigateway:us-east-1:s3:path/{bucket}/{object}",
			ServiceURI{Partition: "aws", Region: "us-east-1", Service: "s3", Kind: PathURI, Path: "/{bucket}/{object}"}},
		{"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:hello/invocations",
			ServiceURI{Partition: "aws", Region: "us-west-2", Service: "lambda", Kind: PathURI,
				Path: "/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:hello/invocations"}},
		{"arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders",
			ServiceURI{Partition: "aws", Region: "us-east-1", Service: "sqs", Kind: PathURI, Path: "/123456789012/orders"}},
		{"arn:aws-cn:apigateway:cn-north-1:dynamodb:action/PutItem",
			ServiceURI{Partition: "aws-cn", Region: "cn-north-1", Service: "dynamodb", Kind: ActionURI, Action: "PutItem"}},
		{"arn:aws:apigateway:us-east-1:streams.dynamodb:action/GetRecords",
			ServiceURI{Partition: "aws", Region: "us-east-1", Service: "streams.dynamodb", Kind: ActionURI, Action: "GetRecords"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseServiceURI(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
			again, err := ParseServiceURI(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("String() %q does not parse back: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseServiceURIErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "is not arn:aws:apigateway:REGION:SERVICE"},
		{"https://sns.us-east-1.amazonaws.com/", "is not arn:aws:apigateway"},
		{"arn:aws:apigateway:region:sns:action/Publish", `"region" is not an AWS region`},
		{"arn:aws:lambda:us-east-1:sns:action/Publish", `the ARN's service is "lambda", want apigateway`},
		{"arn:gcp:apigateway:us-east-1:sns:action/Publish", `partition "gcp" is not an AWS partition`},
		{"arn:aws:apigateway:us-east-1:sns:Publish", "must start with action/ or path/"},
		{"arn:aws:apigateway:us-east-1:sns:invoke/Publish", `"invoke" must be action or path`},
		{"arn:aws:apigateway:us-east-1:sns:action/", `action "" is not an operation name`},
		{"arn:aws:apigateway:us-east-1:sns:action/Publish?TopicArn=x", "parameters follow the action after '&', not '?'"},
		{"arn:aws:apigateway:us-east-1:sns:action/Publish&Message=%zz", "parameter Message"},
		{"arn:aws:apigateway:us-east-1:sns:action/Publish&=x", "has a bad name"},
		{"arn:aws:apigateway:us-east-1:bucket.s3:action/ListBuckets", "a subdomain is only allowed with path/"},
		{"arn:aws:apigateway:us-east-1:.s3:path/x", "empty subdomain"},
		{"arn:aws:apigateway:us-east-1:SNS:action/Publish", `service "SNS" is not an endpoint prefix`},
		{"arn:aws:apigateway:us-east-1:s3:path/a b", "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseServiceURI(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzParseServiceURI(f *testing.F) {
	for _, s := range []string{
		"arn:aws:apigateway:us-east-1:sns:action/Publish&Version=2010-03-31",
		"arn:aws:apigateway:us-east-1:mybucket.s3:path/{key}",
		"arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:1:function:f/invocations",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseServiceURI(s)
		if err != nil {
			return
		}
		again, err := ParseServiceURI(u.String())
		if err != nil {
			t.Fatalf("%q parsed, but its String() %q does not: %v", s, u.String(), err)
		}
		if !reflect.DeepEqual(again, u) {
			t.Fatalf("round trip of %q changed it: %+v vs %+v", s, u, again)
		}
	})
}

func BenchmarkParseServiceURI(b *testing.B) {
	for b.Loop() {
		if _, err := ParseServiceURI("arn:aws:apigateway:us-east-1:sns:action/Publish&Version=2010-03-31"); err != nil {
			b.Fatal(err)
		}
	}
}
