package policy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
)

func mockAPI(policy string, filter string) *model.API {
	m := &model.Method{
		HTTPMethod: "ANY", AuthorizationType: "NONE",
		MethodIntegration: &model.Integration{
			Type:             model.IntegrationMock,
			RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			IntegrationResponses: map[string]*model.IntegrationResponse{
				"200": {StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `ok`}},
			},
		},
		MethodResponses: map[string]*model.MethodResponse{"200": {StatusCode: "200"}},
	}
	api := &model.API{
		RestAPI:   model.RestAPI{ID: "abcde12345", Name: "t", Policy: policy},
		Resources: []*model.Resource{{ID: "r1", Path: "/{proxy+}", ResourceMethods: map[string]*model.Method{"ANY": m}}},
	}
	if filter != "" {
		api.Extensions = map[string]json.RawMessage{FilterExtension: json.RawMessage(filter)}
	}
	return api
}

// TestGuard runs the guard inside a compiled stage, so the refusal is the
// gateway response a client gets, body and status.
func TestGuard(t *testing.T) {
	const onlyTen = `{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
	  {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/DELETE/*"},
	  {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
	   "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}`
	const arnPrefix = "arn:aws:execute-api:eu-west-1:********9012:abcde12345/prod/"
	cases := []struct {
		name, policy, filter, method, path, ip string
		status                                 int
		message                                string
	}{
		{"policy allows", onlyTen, "", "GET", "/pets/1", "10.0.0.9", 200, ""},
		{"policy denies the source", onlyTen, "", "GET", "/pets/1", "192.0.2.1", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnPrefix + "GET/pets/1 with an explicit deny"},
		{"policy denies the method", onlyTen, "", "DELETE", "/pets/1", "10.0.0.9", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnPrefix + "DELETE/pets/1 with an explicit deny"},
		{"nothing allows", `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/dev/*"}}`,
			"", "GET", "/a%20b", "10.0.0.9", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnPrefix + "GET/a b"},
		{"filter allows", "", `{"allow": ["10.0.0.0/8"]}`, "GET", "/x", "10.0.0.9", 200, ""},
		{"filter's allow-list misses", "", `{"allow": ["10.0.0.0/8"]}`, "POST", "/x", "11.0.0.1", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnPrefix + "POST/x"},
		{"filter's deny-list", "", `{"deny": ["10.0.0.9"]}`, "GET", "/y", "10.0.0.9", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnPrefix + "GET/y with an explicit deny"},
		{"filter and policy both pass", onlyTen, `{"deny": ["10.0.0.8"]}`, "GET", "/x", "10.0.0.9", 200, ""},
		{"filter refuses before the policy", onlyTen, `{"deny": ["10.0.0.8"]}`, "GET", "/x", "10.0.0.8", 403,
			"User: anonymous is not authorized to perform: execute-api:Invoke on resource: " + arnPrefix + "GET/x with an explicit deny"},
	}
	gf := Factory(Options{Region: "eu-west-1", AccountID: "123456789012"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := pipeline.Compile(mockAPI(tc.policy, tc.filter), &model.Stage{StageName: "prod"}, pipeline.Options{Guards: []pipeline.GuardFactory{gf}})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(tc.method, "/prod"+tc.path, nil)
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			s.Serve(w, r, &pipeline.Entry{Path: tc.path, SourceIP: tc.ip})
			body, _ := io.ReadAll(w.Result().Body)
			if w.Code != tc.status {
				t.Fatalf("status %d (%s), want %d", w.Code, body, tc.status)
			}
			if tc.status == http.StatusForbidden {
				var got struct{ Message string }
				if err := json.Unmarshal(body, &got); err != nil || got.Message != tc.message {
					t.Errorf("body %s\nwant message %q", body, tc.message)
				}
			}
		})
	}
}

// TestGuardNotBuilt checks that an API without rules costs nothing per
// request and that a broken policy fails the stage, naming what is wrong.
func TestGuardNotBuilt(t *testing.T) {
	gf := Factory(Options{})
	api := mockAPI("", "")
	g, err := gf(api, &model.Stage{StageName: "prod"}, api.Resources[0], api.Resources[0].ResourceMethods["ANY"])
	if g != nil || err != nil {
		t.Errorf("no rules: guard %v, err %v; want none", g != nil, err)
	}
	bad := mockAPI(`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "300.0.0.1"}}}}`, "")
	_, err = pipeline.Compile(bad, &model.Stage{StageName: "prod"}, pipeline.Options{Guards: []pipeline.GuardFactory{gf}})
	if err == nil || !strings.Contains(err.Error(), `resource policy: policy: Statement[0]: Condition IpAddress aws:SourceIp: "300.0.0.1" is not an IP address or CIDR`) {
		t.Errorf("broken policy: %v", err)
	}
	// The import-time check runs the same guard, so the import itself fails.
	err = pipeline.Check(mockAPI("", `{"stages": {"prod": {"allow": ["10.0.0.0/8", "nope"]}}}`), pipeline.Options{Guards: []pipeline.GuardFactory{gf}})
	if err == nil || !strings.Contains(err.Error(), `x-ferry-ip-filter: stages.prod.allow[1]: "nope" is not an IP address or CIDR`) {
		t.Errorf("broken filter at import: %v", err)
	}
}

func BenchmarkGuard(b *testing.B) {
	const policy = `{"Statement": [
	  {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
	  {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
	   "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}}]}`
	r, err := compile(mockAPI(policy, `{"deny": ["10.9.9.9"]}`), "prod", Options{Region: "us-east-1", AccountID: "123456789012"})
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/prod/pets/1", nil)
	g := &pipeline.GuardRequest{HTTP: req, Entry: &pipeline.Entry{Path: "/pets/1"}, Stage: "prod"}
	g.Context = new(reqctx.Context)
	g.Context.Identity.SourceIP = "192.168.4.4"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := r.check(context.Background(), g); err != nil {
			b.Fatal(err)
		}
	}
}
