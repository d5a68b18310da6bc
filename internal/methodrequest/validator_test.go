package methodrequest

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

const petSchema = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "type": "object",
  "required": ["name", "type"],
  "properties": {
    "name": {"type": "string"},
    "type": {"type": "string", "enum": ["dog", "cat"]},
    "age":  {"type": "integer", "minimum": 0},
    "owner": {"$ref": "https://apigateway.amazonaws.com/restapis/api1/models/Owner"}
  },
  "additionalProperties": false
}`

func api(validator model.RequestValidator) *model.API {
	return &model.API{
		RestAPI:           model.RestAPI{ID: "api1"},
		RequestValidators: []*model.RequestValidator{&validator},
		Models: []*model.Model{
			{Name: "Pet", Schema: petSchema},
			{Name: "Owner", Schema: `{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}`},
		},
	}
}

func method() *model.Method {
	return &model.Method{
		RequestValidatorID: "v",
		RequestParameters: map[string]bool{
			"method.request.querystring.TopicArn": true,
			"method.request.querystring.Message":  true,
			"method.request.header.X-Key":         true,
			"method.request.path.id":              true,
			"method.request.querystring.opt":      false,
		},
		RequestModels: map[string]string{"application/json": "Pet"},
	}
}

func TestParameters(t *testing.T) {
	v, err := Compile(api(model.RequestValidator{ID: "v", ValidateRequestParameters: true}), method())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		query  string
		header http.Header
		path   map[string]string
		want   string
	}{
		{"all missing", "", nil, nil, "Missing required request parameters: [X-Key, id, Message, TopicArn]"},
		{"one missing", "Message=m", http.Header{"X-Key": {"k"}}, map[string]string{"id": "1"}, "Missing required request parameters: [TopicArn]"},
		{"blank values are missing", "Message=&TopicArn=%20", http.Header{"X-Key": {""}}, map[string]string{"id": "1"}, "Missing required request parameters: [X-Key, Message, TopicArn]"},
		{"body is not checked by this validator", "Message=m&TopicArn=t", http.Header{"X-Key": {"k"}}, map[string]string{"id": "1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			err := v.Validate(&Request{Query: q, Header: h, Path: tt.path, Body: []byte("not json")})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var ge *gatewayresponse.Error
			if !errors.As(err, &ge) || ge.Type != gatewayresponse.BadRequestParameters || ge.StatusCode() != 400 || ge.Message != tt.want {
				t.Fatalf("err = %v, want BAD_REQUEST_PARAMETERS %q", err, tt.want)
			}
		})
	}
}

func TestBody(t *testing.T) {
	v, err := Compile(api(model.RequestValidator{ID: "v", ValidateRequestBody: true}), method())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ct, body string
		want           string // validationErrorString, "" for valid
	}{
		{"valid", "application/json", `{"name":"rex","type":"dog","age":3,"owner":{"id":1}}`, ""},
		{"charset ignored", "application/json; charset=utf-8", `{"name":"rex","type":"dog"}`, ""},
		{"missing Content-Type is JSON", "", `{"name":"rex"}`, `[object has missing required properties (["type"])]`},
		{"missing properties", "application/json", `{}`, `[object has missing required properties (["name","type"])]`},
		{"wrong type", "application/json", `{"name":1,"type":"dog"}`, `[instance type (number) does not match any allowed primitive type (allowed: ["string"])]`},
		{"extra property", "application/json", `{"name":"a","type":"dog","x":1}`, `[object instance has properties which are not allowed by the schema: ["x"]]`},
		{"referenced model", "application/json", `{"name":"a","type":"dog","owner":{}}`, `[object has missing required properties (["id"])]`},
		{"not JSON", "application/json", `{"name"`, "[Invalid JSON"},
		{"other content type has no model", "text/plain", `anything`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(&Request{ContentType: tt.ct, Body: []byte(tt.body), Header: http.Header{}})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var ge *gatewayresponse.Error
			if !errors.As(err, &ge) || ge.Type != gatewayresponse.BadRequestBody || ge.Message != "Invalid request body" {
				t.Fatalf("err = %v, want BAD_REQUEST_BODY", err)
			}
			if !strings.HasPrefix(ge.ValidationErrorString, tt.want) {
				t.Fatalf("validationErrorString = %q, want %q", ge.ValidationErrorString, tt.want)
			}
		})
	}
}

func TestCompile(t *testing.T) {
	if v, err := Compile(api(model.RequestValidator{ID: "v"}), &model.Method{}); v != nil || err != nil {
		t.Fatalf("no validator: %v %v", v, err)
	}
	if v, err := Compile(api(model.RequestValidator{ID: "v", ValidateRequestBody: true}), &model.Method{RequestValidatorID: "v"}); v != nil || err != nil {
		t.Fatalf("nothing to check must compile to nil: %v %v", v, err)
	}
	bad := []struct {
		name string
		a    *model.API
		m    *model.Method
		want string
	}{
		{"unknown validator", api(model.RequestValidator{ID: "v"}), &model.Method{RequestValidatorID: "w"}, `requestValidatorId "w"`},
		{"unknown model", api(model.RequestValidator{ID: "v", ValidateRequestBody: true}), &model.Method{RequestValidatorID: "v", RequestModels: map[string]string{"application/json": "Nope"}}, `requestModels["application/json"]: model "Nope" is not defined`},
		{"bad parameter", api(model.RequestValidator{ID: "v", ValidateRequestParameters: true}), &model.Method{RequestValidatorID: "v", RequestParameters: map[string]bool{"method.request.cookie.x": true}}, `requestParameters["method.request.cookie.x"]`},
		{"remote ref", &model.API{RestAPI: model.RestAPI{ID: "a"}, RequestValidators: []*model.RequestValidator{{ID: "v", ValidateRequestBody: true}},
			Models: []*model.Model{{Name: "M", Schema: `{"$ref":"http://127.0.0.1:1/x.json"}`}}},
			&model.Method{RequestValidatorID: "v", RequestModels: map[string]string{"application/json": "M"}}, `model "M"`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.a, tt.m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
