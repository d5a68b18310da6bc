package mappingtemplate

import (
	"reflect"
	"strings"
	"testing"
)

func TestInputFromEvent(t *testing.T) {
	ev := `{
	  "resource": "/pets/{id}", "path": "/pets/7", "httpMethod": "POST",
	  "headers": {"content-type": "application/json", "X-One": "1"},
	  "multiValueHeaders": {"x-one": ["1", "2"]},
	  "queryStringParameters": {"a": "1", "b": "x"},
	  "multiValueQueryStringParameters": {"a": ["0", "1"]},
	  "pathParameters": {"id": "7"},
	  "stageVariables": {"env": "dev"},
	  "requestContext": {"stage": "dev", "requestId": "r1", "authorizer": {"principalId": "me"}, "unknownField": 1},
	  "body": "aGk=", "isBase64Encoded": true,
	  "extra": {"ignored": true}
	}`
	in, err := InputFromEvent([]byte(ev))
	if err != nil {
		t.Fatal(err)
	}
	if string(in.Body) != "hi" {
		t.Errorf("body %q, want the decoded base64", in.Body)
	}
	wantHeader := map[string][]string{"Content-Type": {"application/json"}, "X-One": {"1", "2"}}
	if !reflect.DeepEqual(in.Header, wantHeader) {
		t.Errorf("headers %v, want %v", in.Header, wantHeader)
	}
	wantQuery := map[string][]string{"a": {"0", "1"}, "b": {"x"}}
	if !reflect.DeepEqual(in.Query, wantQuery) {
		t.Errorf("query %v, want %v", in.Query, wantQuery)
	}
	c := in.Context
	if c.Stage != "dev" || c.RequestID != "r1" || c.HTTPMethod != "POST" || c.ResourcePath != "/pets/{id}" || c.Path != "/pets/7" || c.Authorizer["principalId"] != "me" {
		t.Errorf("context %+v", c)
	}
	if in.Path["id"] != "7" || in.StageVariables["env"] != "dev" {
		t.Errorf("path %v, stage variables %v", in.Path, in.StageVariables)
	}
}

func TestInputFromEventErrors(t *testing.T) {
	tests := []struct{ name, ev, want string }{
		{"not json", `{`, "event: unexpected EOF"},
		{"wrong type", `{"headers": []}`, "event: json: cannot unmarshal array"},
		{"bad base64", `{"body": "***", "isBase64Encoded": true}`, "body is marked isBase64Encoded but is not valid base64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := InputFromEvent([]byte(tc.ev))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
