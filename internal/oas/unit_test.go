package oas

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"inside an operation", &Error{File: "sns.json", Path: "/test", Method: "POST", Field: "paths./test.post.x-amazon-apigateway-integration.uri", Line: 12, Col: 7, Msg: `region "region" is a placeholder; pass --region`},
			`sns.json:12:7: POST /test: x-amazon-apigateway-integration.uri: region "region" is a placeholder; pass --region`},
		{"ANY method", &Error{File: "a.yaml", Path: "/{proxy+}", Method: "ANY", Field: "paths./{proxy+}.x-amazon-apigateway-any-method.x-amazon-apigateway-integration.type", Line: 3, Col: 1, Msg: "m"},
			`a.yaml:3:1: ANY /{proxy+}: x-amazon-apigateway-integration.type: m`},
		{"the operation itself", &Error{File: "a.yaml", Path: "/a", Method: "GET", Field: "paths./a.get", Line: 7, Col: 10, Msg: "must be an object"},
			`a.yaml:7:10: GET /a: must be an object`},
		{"a path", &Error{File: "a.yaml", Path: "/a", Field: "paths./a", Line: 5, Col: 3, Msg: "m"}, `a.yaml:5:3: /a: m`},
		{"top level, no position", &Error{File: "x.json", Field: "info.title", Msg: "m"}, `x.json: info.title: m`},
		{"no file", &Error{Field: "info", Line: 2, Col: 4, Msg: "m"}, `2:4: info: m`},
		{"nothing but a message", &Error{Msg: "m"}, `m`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestMultiErrorUnwraps(t *testing.T) {
	a, b := &Error{Msg: "a"}, &Error{Msg: "b"}
	var err error = MultiError{a, b}
	var e *Error
	if !errors.As(err, &e) || e != a {
		t.Errorf("errors.As found %v", e)
	}
	if got := Errors(err); len(got) != 2 || got[1] != b {
		t.Errorf("Errors = %v", got)
	}
	if got := Errors(a); len(got) != 1 || got[0] != a {
		t.Errorf("Errors(*Error) = %v", got)
	}
	if Errors(errors.New("other")) != nil {
		t.Error("Errors of a foreign error is not nil")
	}
	if err.Error() != "a\nb" {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"A": "1", "**<TOPIC-ARN>**": "arn", "AWS::Region": "eu-west-1", "": "empty"}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	tests := []struct {
		in, want string
		missing  []string
	}{
		{"plain", "plain", nil},
		{"${A}-${A}", "1-1", nil},
		{"x${**<TOPIC-ARN>**}y", "xarny", nil},
		{"${!A} and ${!Literal}", "${A} and ${Literal}", nil},
		{"$A ${AWS::Region}", "$A eu-west-1", nil},
		{"${B}${C}${B}", "", []string{`Fn::Sub variable "B" is not set; pass --var B=VALUE`, `Fn::Sub variable "C" is not set; pass --var C=VALUE`}},
		{"${AWS::AccountId}", "", []string{`Fn::Sub variable "AWS::AccountId" needs an account id; pass --account-id`}},
		{"${AWS::NotificationARNs}", "", []string{`Fn::Sub pseudo parameter "AWS::NotificationARNs" is not supported; pass --var AWS::NotificationARNs=VALUE`}},
		{"a${A", "a${A", []string{`Fn::Sub: "${" is never closed by "}"`}},
		{"${}", "empty", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, missing := substitute(tc.in, lookup)
			if got != tc.want || strings.Join(missing, "|") != strings.Join(tc.missing, "|") {
				t.Errorf("got %q %q, want %q %q", got, missing, tc.want, tc.missing)
			}
		})
	}
}

func TestFillARNs(t *testing.T) {
	lambdaURI := "arn:aws:apigateway:region:lambda:path/2015-03-31/functions/arn:aws:lambda:region:account-id:function:f/invocations"
	tests := []struct {
		name, in, region, account, want string
		problems                        []string
	}{
		{"real values stay", "arn:aws:apigateway:us-east-1:sns:action/Publish", "", "", "arn:aws:apigateway:us-east-1:sns:action/Publish", nil},
		{"service field is not an account", "arn:aws:apigateway:eu-west-1:s3:path/bucket/key", "", "", "arn:aws:apigateway:eu-west-1:s3:path/bucket/key", nil},
		{"iam has no region", "arn:aws:iam::123456789012:role/r", "", "", "arn:aws:iam::123456789012:role/r", nil},
		{"managed policy and wildcard accounts", "arn:aws:iam::aws:policy/P arn:aws:iam::*:user/*", "", "", "arn:aws:iam::aws:policy/P arn:aws:iam::*:user/*", nil},
		{"gov and china partitions", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t arn:aws-cn:sqs:cn-north-1:123456789012:q", "", "", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t arn:aws-cn:sqs:cn-north-1:123456789012:q", nil},
		{"nested placeholders reported", lambdaURI, "", "", lambdaURI, []string{
			`region "region" is a placeholder; pass --region`, `region "region" is a placeholder; pass --region`, `account id "account-id" is a placeholder; pass --account-id`}},
		{"nested placeholders filled", lambdaURI, "eu-central-1", "210987654321",
			"arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:210987654321:function:f/invocations", nil},
		{"a filled region leaves real ones", "arn:aws:sns:us-west-2:123456789012:t", "eu-west-1", "", "arn:aws:sns:us-west-2:123456789012:t", nil},
		{"not an ARN", "warn:aws:x:y:z:w and arn:short", "", "", "warn:aws:x:y:z:w and arn:short", nil},
		{"angle and brace forms", "arn:aws:iam::<ACCOUNT_ID>:role/r", "", "", "arn:aws:iam::<ACCOUNT_ID>:role/r", []string{`account id "<ACCOUNT_ID>" is a placeholder; pass --account-id`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := fillARNs(tc.in, tc.region, tc.account)
			if got != tc.want || strings.Join(problems, "|") != strings.Join(tc.problems, "|") {
				t.Errorf("got %q %q\nwant %q %q", got, problems, tc.want, tc.problems)
			}
		})
	}
}

func TestExportRejectsBrokenAPIs(t *testing.T) {
	if _, err := Export(nil); err == nil {
		t.Error("Export(nil) succeeded")
	}
	api := importFile(t, "rich.yaml")
	api.RestAPI.Policy = "{"
	if _, err := Export(api); err == nil || !strings.Contains(err.Error(), "policy is not JSON") {
		t.Errorf("broken policy: %v", err)
	}
	api = importFile(t, "rich.yaml")
	api.Models[0].Schema = "[]"
	if _, err := Export(api); err == nil || !strings.Contains(err.Error(), "schema is not a JSON object") {
		t.Errorf("broken schema: %v", err)
	}
	api = importFile(t, "rich.yaml")
	api.FindResource("/orders").ResourceMethods["POST"].RequestValidatorID = "gone"
	if _, err := Export(api); err == nil || !strings.Contains(err.Error(), "POST /orders: request validator gone does not exist") {
		t.Errorf("dangling validator: %v", err)
	}
	api = importFile(t, "rich.yaml")
	api.FindResource("/orders").ResourceMethods["POST"].RequestModels["text/plain"] = "Gone"
	if _, err := Export(api); err == nil || !strings.Contains(err.Error(), `POST /orders: request model "Gone" does not exist`) {
		t.Errorf("dangling model: %v", err)
	}
	api = importFile(t, "rich.yaml")
	api.FindResource("/orders").ResourceMethods["POST"].AuthorizerID = "gone"
	if _, err := Export(api); err == nil || !strings.Contains(err.Error(), `POST /orders: authorizer "gone" does not exist`) {
		t.Errorf("dangling authorizer: %v", err)
	}
}

func TestByteOrderMark(t *testing.T) {
	for _, doc := range []string{
		"\ufeff{\"swagger\": \"2.0\", \"info\": {\"title\": \"bom\", \"version\": \"1\"}, \"paths\": {}}",
		"\ufeffswagger: \"2.0\"\ninfo: {title: bom, version: \"1\"}\npaths: {}\n",
	} {
		api, err := Import([]byte(doc), ImportOptions{})
		if err != nil || api.RestAPI.Name != "bom" {
			t.Errorf("%q: %v", doc, err)
		}
	}
}

func TestUnquotedYAMLNumbers(t *testing.T) {
	doc := "swagger: 2.0\ninfo: {title: numbers, version: 1.0}\npaths:\n  /a:\n    get:\n      responses: {200: {description: ok}}\n" +
		"      x-amazon-apigateway-integration: {type: mock, timeoutInMillis: 1000, responses: {default: {statusCode: 200}}}\n"
	api, err := Import([]byte(doc), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := api.FindResource("/a").ResourceMethods["GET"]
	if api.RestAPI.Version != "1.0" || m.MethodResponses["200"] == nil || m.MethodIntegration.IntegrationResponses["200"] == nil || m.MethodIntegration.TimeoutInMillis != 1000 {
		t.Errorf("version %q, method %+v", api.RestAPI.Version, m)
	}
}
