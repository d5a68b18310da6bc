package pipeline

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestRouting(t *testing.T) {
	any := mock("ANY /pets/{id}")
	any.HTTPMethod = "ANY"
	api := newAPI(
		res("/", map[string]*model.Method{"GET": mock("GET /")}),
		res("/pets", map[string]*model.Method{"GET": mock("GET /pets"), "POST": mock("POST /pets")}),
		res("/pets/{id}", map[string]*model.Method{"GET": mock("GET /pets/{id}"), "ANY": any}),
		res("/pets/mine", map[string]*model.Method{"GET": mock("GET /pets/mine")}),
		res("/files/{proxy+}", map[string]*model.Method{"GET": mock("GET /files/{proxy+}")}),
	)
	s := compile(t, api, nil)
	tests := []struct {
		name, method, path string
		want               string // X-Matched, "" for the 403
		resourcePath       string
	}{
		{"root", "GET", "/", "GET /", "/"},
		{"literal", "GET", "/pets", "GET /pets", "/pets"},
		{"trailing slash", "GET", "/pets/", "GET /pets", "/pets"},
		{"other method same resource", "POST", "/pets", "POST /pets", "/pets"},
		{"literal over param", "GET", "/pets/mine", "GET /pets/mine", "/pets/mine"},
		{"param", "GET", "/pets/42", "GET /pets/{id}", "/pets/{id}"},
		{"ANY when exact method absent", "DELETE", "/pets/42", "ANY /pets/{id}", "/pets/{id}"},
		{"encoded param", "GET", "/pets/a%20b", "GET /pets/{id}", "/pets/{id}"},
		{"greedy", "GET", "/files/a/b/c", "GET /files/{proxy+}", "/files/{proxy+}"},
		{"greedy needs one segment", "GET", "/files", "", ""},
		{"method on no matching resource", "DELETE", "/pets", "", ""},
		{"method on no resource (no fallback to ANY elsewhere)", "PUT", "/pets/mine", "", ""},
		{"no route", "GET", "/cats", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s, tt.method, tt.path, "", nil)
			if tt.want == "" {
				if a.status != http.StatusForbidden || a.body != `{"message":"Missing Authentication Token"}` {
					t.Fatalf("got %d %s, want 403 Missing Authentication Token", a.status, a.body)
				}
				if et := a.header["x-amzn-ErrorType"]; len(et) != 1 || et[0] != "MissingAuthenticationTokenException" {
					t.Fatalf("x-amzn-ErrorType = %q", et)
				}
				if a.res.ResourcePath != "" || a.res.Err != nil {
					t.Fatalf("Result = %+v, want no resource and no error", a.res)
				}
				return
			}
			if a.status != 200 || a.header.Get("X-Matched") != tt.want {
				t.Fatalf("got %d X-Matched=%q, want 200 %q", a.status, a.header.Get("X-Matched"), tt.want)
			}
			if a.res.ResourcePath != tt.resourcePath {
				t.Fatalf("ResourcePath = %q, want %q", a.res.ResourcePath, tt.resourcePath)
			}
		})
	}
}

func TestOffline(t *testing.T) {
	s := compile(t, newAPI(res("/", map[string]*model.Method{"GET": mock("root")})), &model.Stage{StageName: "dev", Offline: true})
	a := do(t, s, "GET", "/", "", nil)
	if a.status != 503 || a.body != `{"message": "Service Unavailable"}` {
		t.Fatalf("got %d %s", a.status, a.body)
	}
}

func TestMockSelection(t *testing.T) {
	m := mock("x")
	m.MethodIntegration.IntegrationResponses = map[string]*model.IntegrationResponse{
		"200": {StatusCode: "200"},
		"404": {StatusCode: "404", SelectionPattern: "404"},
		"418": {StatusCode: "418", SelectionPattern: "4\\d\\d", ResponseParameters: map[string]string{
			"method.response.header.X-Stage-Var":  "stageVariables.color",
			"method.response.header.X-Request-Id": "context.requestId",
			"method.response.header.X-Path":       "context.path",
			"method.response.header.X-Source":     "context.identity.sourceIp",
			"method.response.header.X-Time":       "context.requestTime",
		}},
		"502": {StatusCode: "502", SelectionPattern: "5\\d\\d"},
	}
	noDefault := mock("y")
	noDefault.MethodIntegration.IntegrationResponses = map[string]*model.IntegrationResponse{
		"201": {StatusCode: "201", SelectionPattern: "2\\d\\d"},
	}
	api := newAPI(
		res("/m", map[string]*model.Method{"POST": m}),
		res("/nodefault", map[string]*model.Method{"POST": noDefault}),
	)
	s := compile(t, api, &model.Stage{StageName: "dev", Variables: map[string]string{"color": "blue"}})
	tests := []struct {
		name, path, body string
		status           int
		wantBody         string
		header           map[string]string
	}{
		{"no body is 200", "/m", "", 200, "", nil},
		{"full match wins over partial", "/m", `{"statusCode": 404}`, 404, "", nil},
		{"regex class", "/m", `{"statusCode": 418}`, 418, "", map[string]string{
			"X-Stage-Var": "blue", "X-Request-Id": "req-1", "X-Path": "/dev/m", "X-Source": "192.0.2.7",
			"X-Time": "22/Nov/2026:20:16:33 +0000",
		}},
		{"pattern must match whole key", "/m", `{"statusCode": 5000}`, 500, `{"message": "Internal server error"}`, nil},
		{"server error pattern", "/m", `{"statusCode": 503}`, 502, "", nil},
		{"default catches the rest", "/m", `{"statusCode": 302}`, 200, "", nil},
		{"no match and no default", "/nodefault", `{"statusCode": 404}`, 500, `{"message": "Internal server error"}`, nil},
		{"matching without default", "/nodefault", `{"statusCode": 204}`, 201, "", nil},
		{"broken mock body", "/m", `not json`, 500, `{"message": "Internal server error"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s, "POST", tt.path, tt.body, nil)
			if a.status != tt.status || a.body != tt.wantBody {
				t.Fatalf("got %d %q, want %d %q", a.status, a.body, tt.status, tt.wantBody)
			}
			for k, v := range tt.header {
				if got := a.header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if (a.status >= 500) != (a.res.Err != nil) && tt.wantBody != "" {
				t.Errorf("Result.Err = %v for status %d", a.res.Err, a.status)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	m := mock("v")
	m.RequestValidatorID = "val1"
	m.RequestParameters = map[string]bool{
		"method.request.querystring.TopicArn": true,
		"method.request.header.X-Token":       true,
		"method.request.querystring.optional": false,
	}
	m.RequestModels = map[string]string{"application/json": "Pet"}
	api := newAPI(res("/v", map[string]*model.Method{"POST": m}))
	api.RequestValidators = []*model.RequestValidator{{ID: "val1", Name: "all", ValidateRequestBody: true, ValidateRequestParameters: true}}
	api.Models = []*model.Model{{ID: "m1", Name: "Pet", ContentType: "application/json",
		Schema: `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","required":["name"],"properties":{"name":{"type":"string"}}}`}}
	s := compile(t, api, nil)
	tests := []struct {
		name, target, body string
		header             map[string]string
		status             int
		wantBody           string
	}{
		{"both missing", "/v", `{"name":"a"}`, nil, 400, `{"message": "Missing required request parameters: [X-Token, TopicArn]"}`},
		{"one missing", "/v?TopicArn=x", `{"name":"a"}`, nil, 400, `{"message": "Missing required request parameters: [X-Token]"}`},
		{"bad body", "/v?TopicArn=x", `{"name":1}`, map[string]string{"X-Token": "t"}, 400, `{"message": "Invalid request body"}`},
		{"not json", "/v?TopicArn=x", `{`, map[string]string{"X-Token": "t"}, 400, `{"message": "Invalid request body"}`},
		{"valid", "/v?TopicArn=x", `{"name":"a"}`, map[string]string{"X-Token": "t"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s, "POST", tt.target, tt.body, tt.header)
			if a.status != tt.status || a.body != tt.wantBody {
				t.Fatalf("got %d %s, want %d %s", a.status, a.body, tt.status, tt.wantBody)
			}
		})
	}
}

func TestGatewayResponseCustomization(t *testing.T) {
	api := newAPI(res("/", map[string]*model.Method{"GET": mock("root")}))
	api.GatewayResponses = []*model.GatewayResponse{
		{ResponseType: "MISSING_AUTHENTICATION_TOKEN", StatusCode: "404", ResponseParameters: map[string]string{
			"gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
			"gatewayresponse.header.X-Req":                       "method.request.header.X-Req",
		}},
		{ResponseType: "DEFAULT_5XX", ResponseParameters: map[string]string{"gatewayresponse.header.X-Five": "'yes'"}},
	}
	s := compile(t, api, nil)
	a := do(t, s, "GET", "/nope", "", map[string]string{"X-Req": "abc"})
	if a.status != 404 || a.header.Get("Access-Control-Allow-Origin") != "*" || a.body != `{"message":"Missing Authentication Token"}` {
		t.Fatalf("got %d %v %s", a.status, a.header, a.body)
	}
	if a.header.Get("X-Req") != "abc" {
		// A CORS origin echoed from the request must work on 403s too.
		t.Fatalf("X-Req = %q, want the request header echoed", a.header.Get("X-Req"))
	}
	s2 := compile(t, api, &model.Stage{StageName: "dev", Offline: true})
	a = do(t, s2, "GET", "/", "", nil)
	if a.status != 503 || a.header.Get("X-Five") != "yes" {
		t.Fatalf("offline got %d %v", a.status, a.header)
	}
}

func TestCompileErrorsNameTheField(t *testing.T) {
	bad := func(mut func(m *model.Method)) *model.API {
		m := mock("x")
		mut(m)
		return newAPI(res("/test", map[string]*model.Method{"POST": m}))
	}
	tests := []struct {
		name string
		api  *model.API
		want string
	}{
		{"bad selection pattern", bad(func(m *model.Method) {
			m.MethodIntegration.IntegrationResponses["400"] = &model.IntegrationResponse{StatusCode: "400", SelectionPattern: "4(("}
		}), `POST /test: integration.integrationResponses["400"].selectionPattern`},
		{"bad mapping source", bad(func(m *model.Method) {
			m.MethodIntegration.RequestParameters = map[string]string{"integration.request.header.X": "method.request.nowhere.x"}
		}), `POST /test: integration.requestParameters["integration.request.header.X"]`},
		{"bad mapping target", bad(func(m *model.Method) {
			m.MethodIntegration.RequestParameters = map[string]string{"integration.request.body.x": "'a'"}
		}), `POST /test: integration.requestParameters["integration.request.body.x"]`},
		{"unknown validator", bad(func(m *model.Method) { m.RequestValidatorID = "nope" }), `POST /test: requestValidatorId "nope"`},
		{"no integration", bad(func(m *model.Method) { m.MethodIntegration = nil }), `POST /test: no integration defined`},
		{"unsupported type", bad(func(m *model.Method) { m.MethodIntegration.Type = "SQL" }), `POST /test: integration.type "SQL" is not supported`},
		{"bad uri", bad(func(m *model.Method) {
			m.MethodIntegration.Type = "HTTP"
			m.MethodIntegration.URI = "ftp://x"
		}), `POST /test: integration.uri`},
		{"bad passthrough", bad(func(m *model.Method) { m.MethodIntegration.PassthroughBehavior = "SOMETIMES" }), `POST /test: integration.passthroughBehavior "SOMETIMES"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.api, &model.Stage{StageName: "dev"}, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	noInt := bad(func(m *model.Method) { m.MethodIntegration = nil })
	if err := Check(noInt, Options{}); err != nil {
		t.Fatalf("Check rejects a method without integration: %v", err)
	}
	if err := Check(tests[0].api, Options{}); err == nil {
		t.Fatal("Check accepts a bad selection pattern")
	}
}

func TestRequestTooLargeAndRequestID(t *testing.T) {
	m := mock("x")
	m.MethodIntegration.PassthroughBehavior = model.PassthroughWhenNoMatch
	api := newAPI(res("/", map[string]*model.Method{"POST": m}))
	s, err := Compile(api, &model.Stage{StageName: "dev"}, Options{MaxBody: 16})
	if err != nil {
		t.Fatal(err)
	}
	a := do(t, s, "POST", "/", strings.Repeat("x", 17), nil)
	if a.status != 413 || a.body != `{"message":"Request Too Long"}` {
		t.Fatalf("got %d %s", a.status, a.body)
	}
	if got := a.header["x-amzn-RequestId"]; len(got) != 1 || got[0] != "req-1" {
		t.Fatalf("x-amzn-RequestId = %q", got)
	}
	a = do(t, s, "POST", "/", strings.Repeat(" ", 16), nil)
	if a.status != 200 {
		t.Fatalf("small body: %d %s", a.status, a.body)
	}
}

func TestValidationErrorStringInGatewayResponse(t *testing.T) {
	m := mock("v")
	m.RequestValidatorID = "b"
	m.RequestModels = map[string]string{"application/json": "Pet"}
	api := newAPI(res("/", map[string]*model.Method{"POST": m}))
	api.RequestValidators = []*model.RequestValidator{{ID: "b", ValidateRequestBody: true}}
	api.Models = []*model.Model{{Name: "Pet", Schema: `{"type":"object","required":["name"]}`}}
	api.GatewayResponses = []*model.GatewayResponse{{ResponseType: "BAD_REQUEST_BODY",
		ResponseTemplates: map[string]string{"application/json": `{"message": "$context.error.validationErrorString"}`}}}
	s := compile(t, api, nil)
	a := do(t, s, "POST", "/", `{}`, nil)
	if a.status != 400 || a.body != `{"message": "[object has missing required properties (["name"])]"}` {
		t.Fatalf("got %d %s", a.status, a.body)
	}
}
