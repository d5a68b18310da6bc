package admin

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzWrites sends arbitrary bodies to the write routes that decode JSON.
// Whatever arrives, the answer is a success or a client error in API
// Gateway's shape: never a panic, never a 500.
func FuzzWrites(f *testing.F) {
	f.Add(uint8(0), []byte(`{"authorizationType":"NONE"}`))
	f.Add(uint8(1), []byte(`{"type":"MOCK","requestTemplates":{"application/json":"#set($a = 1)$a"}}`))
	f.Add(uint8(2), []byte(`{"selectionPattern":"5\\d{2}","responseTemplates":{"application/json":"$input.path('$')"}}`))
	f.Add(uint8(3), []byte(`{"patchOperations":[{"op":"replace","path":"/variables/a","value":"b"}]}`))
	f.Add(uint8(4), []byte(`{"stageName":"prod","variables":{"a":"b"}}`))
	f.Add(uint8(5), []byte(`{"domainName":"api.example.com"}`))
	f.Add(uint8(6), []byte(`{"pathWithQueryString":"/pets?a=b","body":"{}"}`))
	f.Add(uint8(7), []byte("openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n"))
	routes := []struct{ method, path string }{
		{"PUT", "/restapis/api0000001/resources/pets01/methods/POST"},
		{"PUT", "/restapis/api0000001/resources/pets01/methods/GET/integration"},
		{"PUT", "/restapis/api0000001/resources/pets01/methods/GET/integration/responses/500"},
		{"PATCH", "/restapis/api0000001/stages/prod"},
		{"POST", "/restapis/api0000001/deployments"},
		{"POST", "/domainnames"},
		{"POST", "/restapis/api0000001/resources/pets01/methods/GET"},
		{"POST", "/restapis?mode=import"},
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		hs := newHarness(t)
		hs.seedAPI("api0000001")
		hs.ok("POST", "/restapis/api0000001/deployments", CreateDeploymentInput{StageName: "prod"}, 201)
		r := routes[int(route)%len(routes)]
		a := hs.do(r.method, r.path, fullToken, body)
		if a.status >= 500 {
			t.Fatalf("%s %s answered %d: %s", r.method, r.path, a.status, a.body)
		}
		if a.status >= 400 {
			var m map[string]string
			if err := json.Unmarshal(a.body, &m); err != nil || m["message"] == "" || a.header.Get("x-amzn-ErrorType") == "" {
				t.Fatalf("%s %s: error answer not in API Gateway's shape: %d %s", r.method, r.path, a.status, a.body)
			}
		}
		if a.status < 400 && a.status != http.StatusOK && a.status != http.StatusCreated {
			t.Fatalf("%s %s: unexpected status %d", r.method, r.path, a.status)
		}
	})
}
