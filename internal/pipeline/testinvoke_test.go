package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

func TestTestInvoke(t *testing.T) {
	srv := echo(t)
	m := httpMethod(model.IntegrationHTTP, srv.URL+"/pets/{id}", map[string]string{
		"integration.request.path.id":              "method.request.path.id",
		"integration.request.header.Authorization": "method.request.header.Authorization",
		"integration.request.querystring.env":      "stageVariables.env",
	})
	broken := httpMethod(model.IntegrationHTTP, srv.URL+"/x", map[string]string{
		"integration.request.header.X-Name": "method.request.body.name",
	})
	api := newAPI(
		res("/pets/{id}", map[string]*model.Method{"GET": m}),
		res("/broken", map[string]*model.Method{"POST": broken}),
	)
	out, err := TestInvoke(context.Background(), api, &TestInvokeRequest{
		HTTPMethod: "GET", ResourcePath: "/pets/{id}", PathWithQueryString: "/pets/9?a=b",
		Headers:        map[string]string{"Authorization": "Bearer supersecretvalue"},
		StageVariables: map[string]string{"env": "qa"},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != 200 || out.Headers["X-From-Backend"] != "yes" {
		t.Fatalf("result %+v", out)
	}
	e := decodeEcho(t, out.Body)
	if e.Path != "/pets/9" || e.Query != "env=qa" || e.Header.Get("Authorization") != "Bearer supersecretvalue" {
		t.Fatalf("backend saw %+v", e)
	}
	for _, want := range []string{
		"Execution log for request ",
		"HTTP Method: GET, Resource Path: /test-invoke-stage/pets/9",
		"Method request path: {id=9}",
		"Method request query string: {a=b}",
		"Endpoint request URI: " + srv.URL + "/pets/9?env=qa",
		"Received response. Status: 200",
		"Endpoint response body before transformations: {",
		"Method completed with status: 200",
	} {
		if !strings.Contains(out.Log, want) {
			t.Errorf("log lacks %q:\n%s", want, out.Log)
		}
	}
	for _, line := range strings.Split(out.Log, "\n") {
		// Bodies are logged as they are (the echo backend repeats the
		// header in its body); header lines must mask it.
		if strings.Contains(line, "headers: {") && strings.Contains(line, "supersecret") {
			t.Errorf("log shows a secret header: %s", line)
		}
	}
	if !strings.Contains(out.Log, "Authorization=************alue") {
		t.Errorf("log lacks the masked Authorization header:\n%s", out.Log)
	}

	out, err = TestInvoke(context.Background(), api, &TestInvokeRequest{HTTPMethod: "POST", ResourcePath: "/broken", Body: "not json"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != 500 || out.Body != `{"message": "Internal server error"}` {
		t.Fatalf("broken mapping answered %d %s", out.Status, out.Body)
	}
	if !strings.Contains(out.Log, `method.request.body.name: method request body is not JSON`) || !strings.Contains(out.Log, "Method completed with status: 500") {
		t.Errorf("log lacks the real reason:\n%s", out.Log)
	}

	if _, err := TestInvoke(context.Background(), api, &TestInvokeRequest{HTTPMethod: "DELETE", ResourcePath: "/broken"}, Options{}); err == nil {
		t.Error("a missing method is not an error")
	}
	if _, err := TestInvoke(context.Background(), api, &TestInvokeRequest{HTTPMethod: "GET", ResourcePath: "/pets/{id}", PathWithQueryString: "/cats/1"}, Options{}); err == nil {
		t.Error("a path that does not match the resource is not an error")
	}
}
