package pipeline

import (
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestMockTemplates(t *testing.T) {
	m := &model.Method{HTTPMethod: "POST", MethodIntegration: &model.Integration{
		Type: model.IntegrationMock,
		RequestTemplates: map[string]string{
			"application/json": `{"statusCode": #if($input.params('fail') == "yes")500#{else}200#end}`,
		},
		PassthroughBehavior: model.PassthroughWhenNoTemplates,
		IntegrationResponses: map[string]*model.IntegrationResponse{
			"200": {StatusCode: "200", ResponseTemplates: map[string]string{
				"application/json": `{"id": "$input.params('id')", "stage": "$context.stage", "var": "$stageVariables.color"}`,
				"application/xml":  `<id>$input.params('id')</id>`,
			}},
			"500": {StatusCode: "500", SelectionPattern: "5\\d\\d", ResponseTemplates: map[string]string{
				"application/json": `#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Why = "teapot"){"error": true}`,
			}},
		},
	}}
	api := newAPI(res("/items/{id}", map[string]*model.Method{"POST": m}))
	s := compile(t, api, &model.Stage{StageName: "dev", Variables: map[string]string{"color": "red"}})
	tests := []struct {
		name, target string
		header       map[string]string
		status       int
		ct, body     string
		extra        map[string]string
	}{
		{"json by default", "/items/7", nil, 200, "application/json", `{"id": "7", "stage": "dev", "var": "red"}`, nil},
		{"chosen by Accept", "/items/7", map[string]string{"Accept": "text/html, application/xml"}, 200, "application/xml", `<id>7</id>`, nil},
		{"unknown Accept falls back to json", "/items/7", map[string]string{"Accept": "image/png"}, 200, "application/json", `{"id": "7", "stage": "dev", "var": "red"}`, nil},
		{"response override", "/items/7?fail=yes", nil, 418, "application/json", `{"error": true}`, map[string]string{"X-Why": "teapot"}},
		{"415 when no template matches", "/items/7", map[string]string{"Content-Type": "text/plain"}, 415, "application/json", `{"message": "Unsupported Media Type"}`, nil},
		{"charset does not matter", "/items/7", map[string]string{"Content-Type": "application/json; charset=utf-8"}, 200, "application/json", `{"id": "7", "stage": "dev", "var": "red"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s, "POST", tt.target, "", tt.header)
			if a.status != tt.status || a.body != tt.body || a.header.Get("Content-Type") != tt.ct {
				t.Fatalf("got %d %q %q (%v), want %d %q %q", a.status, a.header.Get("Content-Type"), a.body, a.res.Err, tt.status, tt.ct, tt.body)
			}
			for k, v := range tt.extra {
				if a.header.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, a.header.Get(k), v)
				}
			}
		})
	}
}

func TestRequestTemplateAndOverride(t *testing.T) {
	srv := echo(t)
	m := httpMethod(model.IntegrationHTTP, srv.URL+"/things/{id}", map[string]string{"integration.request.path.id": "method.request.path.id"})
	m.MethodIntegration.RequestTemplates = map[string]string{
		"application/json": `#set($context.requestOverride.header.X-Over = "o")#set($context.requestOverride.querystring.page = "2")#set($context.requestOverride.path.id = "99"){"name": $input.json('$.name'), "ip": "$context.identity.sourceIp"}`,
		"$default":         `default:$input.body`,
	}
	api := newAPI(res("/things/{id}", map[string]*model.Method{"POST": m}))
	s := compile(t, api, nil)
	a := do(t, s, "POST", "/things/1", `{"name":"rex"}`, map[string]string{"Content-Type": "application/json"})
	if a.status != 200 {
		t.Fatalf("status %d %s %v", a.status, a.body, a.res.Err)
	}
	e := decodeEcho(t, a.body)
	if e.Body != `{"name": "rex", "ip": "192.0.2.7"}` || e.Path != "/things/99" || e.Query != "page=2" || e.Header.Get("X-Over") != "o" {
		t.Fatalf("backend saw %+v", e)
	}
	if e.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("integration Content-Type %q", e.Header.Get("Content-Type"))
	}
	a = do(t, s, "POST", "/things/1", `plain`, map[string]string{"Content-Type": "text/plain"})
	if e := decodeEcho(t, a.body); e.Body != "default:plain" {
		t.Fatalf("$default template: backend saw %q", e.Body)
	}
}

func TestBrokenTemplateAtRequestTime(t *testing.T) {
	m := mock("x")
	m.MethodIntegration.RequestTemplates = map[string]string{"application/json": `$util.parseJson($input.body).a`}
	s := compile(t, newAPI(res("/", map[string]*model.Method{"POST": m})), nil)
	a := do(t, s, "POST", "/", `not json`, nil)
	if a.status != 500 || a.body != `{"message": "Internal server error"}` {
		t.Fatalf("got %d %s", a.status, a.body)
	}
	if a.res.Err == nil || !strings.Contains(a.res.Err.Error(), `integration.requestTemplates["application/json"]`) {
		t.Fatalf("Result.Err = %v, want the template named", a.res.Err)
	}
}

func TestTemplateCompileError(t *testing.T) {
	m := mock("x")
	m.MethodIntegration.RequestTemplates = map[string]string{"application/json": "{\n  \"a\": 1\n  #end\n}"}
	_, err := Compile(newAPI(res("/test", map[string]*model.Method{"POST": m})), &model.Stage{StageName: "dev"}, Options{})
	if err == nil {
		t.Fatal("a template with a stray #end compiled")
	}
	want := `POST /test: integration.requestTemplates["application/json"]: 3:3: `
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %q, want prefix %q", err, want)
	}
}

func TestGatewayResponseTemplate(t *testing.T) {
	api := newAPI(res("/", map[string]*model.Method{"GET": mock("root")}))
	api.GatewayResponses = []*model.GatewayResponse{{
		ResponseType: "MISSING_AUTHENTICATION_TOKEN",
		StatusCode:   "404",
		ResponseTemplates: map[string]string{
			"application/json": `{"error": $context.error.messageString, "type": "$context.error.responseType", "path": "$context.path"}`,
		},
	}, {
		ResponseType:      "BAD_REQUEST_BODY",
		ResponseTemplates: map[string]string{"application/json": `{"message": "$context.error.validationErrorString"}`},
	}}
	s := compile(t, api, nil)
	a := do(t, s, "GET", "/missing", "", nil)
	if a.status != 404 || a.body != `{"error": "Missing Authentication Token", "type": "MISSING_AUTHENTICATION_TOKEN", "path": "/dev/missing"}` {
		t.Fatalf("got %d %s", a.status, a.body)
	}
}
