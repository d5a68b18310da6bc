package admin

import (
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestListAPIsShape(t *testing.T) {
	hs := newHarness(t)
	a := hs.ok("GET", "/restapis", nil, 200)
	if strings.TrimSpace(string(a.body)) != `{"item":[]}` {
		t.Fatalf("empty listing = %s, want {\"item\":[]}", a.body)
	}
	hs.seedAPI("api0000002")
	hs.seedAPI("api0000001")
	var out struct {
		Item []model.RestAPI `json:"item"`
	}
	hs.ok("GET", "/restapis", nil, 200).json(t, &out)
	if len(out.Item) != 2 || out.Item[0].ID != "api0000001" || out.Item[1].Name != "pets-api0000002" {
		t.Fatalf("listing = %+v", out.Item)
	}
	var one model.RestAPI
	hs.ok("GET", "/restapis/api0000001", nil, 200).json(t, &one)
	if one.ID != "api0000001" || one.RootResourceID != "root01" {
		t.Fatalf("get = %+v", one)
	}
	msg := hs.do("GET", "/restapis/nope", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	if !strings.Contains(msg, "nope") {
		t.Fatalf("not-found message %q does not name the API", msg)
	}
	hs.ok("DELETE", "/restapis/api0000002", nil, 202)
	hs.do("DELETE", "/restapis/api0000002", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	if n := hs.changes.Load(); n != 1 {
		t.Fatalf("OnChange called %d times, want 1 (one committed delete)", n)
	}
}

func TestResources(t *testing.T) {
	hs := newHarness(t)
	hs.seedAPI("api0000001")
	a := hs.ok("GET", "/restapis/api0000001/resources", nil, 200)
	want := `{"item":[{"id":"root01","path":"/"},{"id":"pets01","parentId":"root01","pathPart":"pets","path":"/pets","resourceMethods":{"GET":{}}}]}`
	if strings.TrimSpace(string(a.body)) != want {
		t.Fatalf("resources without embed =\n%s\nwant\n%s", a.body, want)
	}
	var embedded struct {
		Item []model.Resource `json:"item"`
	}
	hs.ok("GET", "/restapis/api0000001/resources?embed=methods", nil, 200).json(t, &embedded)
	m := embedded.Item[1].ResourceMethods["GET"]
	if m == nil || m.MethodIntegration == nil || m.MethodIntegration.Type != "MOCK" {
		t.Fatalf("embed=methods lost the method: %+v", embedded.Item[1])
	}
	var res model.Resource
	hs.ok("GET", "/restapis/api0000001/resources/pets01?embed=methods", nil, 200).json(t, &res)
	if res.Path != "/pets" || res.ResourceMethods["GET"].AuthorizationType != "NONE" {
		t.Fatalf("get resource = %+v", res)
	}
	hs.do("GET", "/restapis/api0000001/resources/zzz", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	hs.do("GET", "/restapis/nope/resources", fullToken, nil).errorMessage(t, 404, ErrNotFound)
}

func TestMethodsAndIntegrations(t *testing.T) {
	hs := newHarness(t)
	hs.seedAPI("api0000001")
	base := "/restapis/api0000001/resources/pets01/methods/"

	var m model.Method
	hs.ok("GET", base+"get", nil, 200).json(t, &m)
	if m.HTTPMethod != "GET" || m.MethodResponses["200"] == nil {
		t.Fatalf("get method = %+v", m)
	}
	hs.do("GET", base+"POST", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	hs.do("GET", base+"FETCH", fullToken, nil).errorMessage(t, 400, ErrBadRequest)

	// A new method, then its integration and responses.
	hs.ok("PUT", base+"POST", PutMethodInput{AuthorizationType: "NONE", APIKeyRequired: true,
		RequestParameters: map[string]bool{"method.request.header.X-Id": true}}, 201)
	hs.ok("PUT", base+"POST/integration", model.Integration{Type: "MOCK",
		RequestParameters: map[string]string{"integration.request.header.X-Id": "method.request.header.X-Id"}}, 201)
	hs.ok("PUT", base+"POST/responses/201", PutMethodResponseInput{
		ResponseParameters: map[string]bool{"method.response.header.Location": false}}, 201)
	hs.ok("PUT", base+"POST/integration/responses/201", model.IntegrationResponse{SelectionPattern: "2\\d{2}",
		ResponseParameters: map[string]string{"method.response.header.Location": "'/pets/1'"}}, 201)

	var in model.Integration
	hs.ok("GET", base+"POST/integration", nil, 200).json(t, &in)
	if in.Type != "MOCK" || in.IntegrationResponses["201"].SelectionPattern != `2\d{2}` {
		t.Fatalf("integration after puts = %+v", in)
	}
	var ir model.IntegrationResponse
	hs.ok("GET", base+"POST/integration/responses/201", nil, 200).json(t, &ir)
	if ir.StatusCode != "201" || ir.ResponseParameters["method.response.header.Location"] != "'/pets/1'" {
		t.Fatalf("integration response = %+v", ir)
	}
	var mr model.MethodResponse
	hs.ok("GET", base+"POST/responses/201", nil, 200).json(t, &mr)
	if _, ok := mr.ResponseParameters["method.response.header.Location"]; !ok {
		t.Fatalf("method response = %+v", mr)
	}

	// Re-putting the integration keeps its responses; re-putting the method keeps its integration.
	hs.ok("PUT", base+"POST/integration", model.Integration{Type: "MOCK"}, 201)
	hs.ok("PUT", base+"POST", PutMethodInput{AuthorizationType: "AWS_IAM"}, 201)
	hs.ok("GET", base+"POST", nil, 200).json(t, &m)
	if m.AuthorizationType != "AWS_IAM" || m.APIKeyRequired || m.MethodIntegration == nil ||
		m.MethodIntegration.IntegrationResponses["201"] == nil || m.MethodResponses["201"] == nil {
		t.Fatalf("method after re-puts = %+v", m)
	}

	// Bad writes are refused with what is wrong.
	bad := []struct {
		name, path string
		body       any
		want       string
	}{
		{"unknown field", base + "POST/integration", `{"type":"MOCK","uri2":"x"}`, `unknown field "uri2"`},
		{"syntax error with position", base + "POST/integration", "{\n  \"type\": \"MOCK\",,\n}", "2:18"},
		{"no type", base + "POST/integration", model.Integration{URI: "http://x"}, "type is required"},
		{"bad type", base + "POST/integration", model.Integration{Type: "LAMBDA"}, `"LAMBDA"`},
		{"empty body", base + "POST", "", "body is empty"},
		{"no authorization type", base + "POST", PutMethodInput{}, "authorizationType is required"},
		{"bad status", base + "POST/responses/2xx", PutMethodResponseInput{}, `"2xx"`},
		{"status mismatch", base + "POST/integration/responses/201", model.IntegrationResponse{StatusCode: "500"}, "differs"},
		{"two values", base + "POST", `{"authorizationType":"NONE"} {}`, "more than one"},
		// The pipeline's checks: what would not compile is not stored.
		{"bad selection pattern", base + "POST/integration/responses/500", model.IntegrationResponse{SelectionPattern: "5(\\d"}, "selectionPattern"},
		{"bad template", base + "POST/integration", model.Integration{Type: "MOCK",
			RequestTemplates: map[string]string{"application/json": "#if($x"}}, `requestTemplates["application/json"]`},
		{"mapping from nowhere", base + "POST/integration", model.Integration{Type: "MOCK",
			RequestParameters: map[string]string{"integration.request.header.A": "method.request.nowhere.b"}}, "integration.request.header.A"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			msg := hs.do("PUT", c.path, fullToken, c.body).errorMessage(t, 400, ErrBadRequest)
			if !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not contain %q", msg, c.want)
			}
		})
	}

	before := hs.changes.Load()
	hs.ok("DELETE", base+"POST/integration/responses/201", nil, 204)
	hs.do("DELETE", base+"POST/integration/responses/201", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	hs.ok("DELETE", base+"POST/responses/201", nil, 204)
	hs.ok("DELETE", base+"POST/integration", nil, 204)
	hs.do("GET", base+"POST/integration", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	hs.do("PUT", base+"POST/integration/responses/200", fullToken, model.IntegrationResponse{}).errorMessage(t, 404, ErrNotFound)
	hs.ok("DELETE", base+"POST", nil, 204)
	hs.do("GET", base+"POST", fullToken, nil).errorMessage(t, 404, ErrNotFound)
	if got := hs.changes.Load() - before; got != 4 {
		t.Fatalf("OnChange called %d times for 4 committed deletes", got)
	}
}
