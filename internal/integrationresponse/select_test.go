package integrationresponse

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/reqctx"
)

func TestSelect(t *testing.T) {
	in := &model.Integration{IntegrationResponses: map[string]*model.IntegrationResponse{
		"200": {StatusCode: "200"},
		"400": {StatusCode: "400", SelectionPattern: "4\\d{2}"},
		"404": {StatusCode: "404", SelectionPattern: "404"},
		"502": {StatusCode: "502", SelectionPattern: "5.*"},
		"301": {StatusCode: "301", SelectionPattern: "30[12]|307"},
	}}
	s, err := Compile(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		status, want int
	}{
		{200, 200}, {201, 200}, {400, 400}, {418, 400}, {500, 502}, {503, 502},
		{302, 301}, {307, 301}, {304, 200},
	}
	for _, tt := range tests {
		r, key, err := s.Select(tt.status, nil, nil)
		if err != nil || r.Status != tt.want {
			t.Errorf("Select(%d) = %v (key %q, %v), want %d", tt.status, r, key, err, tt.want)
		}
	}
	// 404 matches both "4\d{2}" and "404"; the order is by status code key,
	// so "400" wins, deterministically.
	if r, _, _ := s.Select(404, nil, nil); r.Status != 400 {
		t.Errorf("Select(404) = %d; the order of overlapping patterns changed", r.Status)
	}
}

func TestNoDefault(t *testing.T) {
	s, err := Compile(&model.Integration{IntegrationResponses: map[string]*model.IntegrationResponse{
		"200": {StatusCode: "200", SelectionPattern: "2\\d\\d"},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Select(500, nil, nil)
	var ge *gatewayresponse.Error
	if !errors.As(err, &ge) || ge.StatusCode() != 500 || ge.Message != "Internal server error" || !errors.Is(err, ErrNoMatch) {
		t.Fatalf("err = %v", err)
	}
}

func TestKeyHook(t *testing.T) {
	// A Lambda-style key: the selection string comes from the body.
	key := func(_ int, _ http.Header, body []byte) string { return string(body) }
	s, err := Compile(&model.Integration{IntegrationResponses: map[string]*model.IntegrationResponse{
		"200": {StatusCode: "200"},
		"400": {StatusCode: "400", SelectionPattern: ".*Bad Request.*"},
	}}, key)
	if err != nil {
		t.Fatal(err)
	}
	if r, _, _ := s.Select(200, nil, []byte("[Bad Request] no name")); r.Status != 400 {
		t.Fatalf("hook not used: %d", r.Status)
	}
}

func TestApplyParameters(t *testing.T) {
	s, err := Compile(&model.Integration{IntegrationResponses: map[string]*model.IntegrationResponse{
		"200": {StatusCode: "201", ResponseParameters: map[string]string{
			"method.response.header.Location": "integration.response.header.Location",
			"method.response.header.X-All":    "integration.response.multivalueheader.X-Multi",
			"method.response.header.X-Id":     "integration.response.body.id",
			"method.response.header.X-Body":   "integration.response.body",
			"method.response.header.X-Stage":  "stageVariables.s",
			"method.response.header.X-Rid":    "context.requestId",
			"method.response.header.X-Lit":    "'fixed'",
			"method.response.header.X-Absent": "integration.response.header.Nope",
		}},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, _, _ := s.Select(200, nil, nil)
	v := &mapping.Values{
		RespHeader:     http.Header{"Location": {"/x/1"}, "X-Multi": {"a", "b"}},
		RespBody:       []byte(`{"id":42}`),
		StageVariables: map[string]string{"s": "dev"},
		Context:        &reqctx.Context{RequestID: "rid"},
	}
	out, err := r.Apply(context.Background(), &Input{Values: v})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Location": "/x/1", "X-All": "a,b", "X-Id": "42", "X-Body": `{"id":42}`, "X-Stage": "dev",
		"X-Rid": "rid", "X-Lit": "fixed", "X-Absent": "", "Content-Type": "application/json"}
	for k, w := range want {
		if got := out.Header.Get(k); got != w {
			t.Errorf("%s = %q, want %q", k, got, w)
		}
	}
	if out.Status != 201 || string(out.Body) != `{"id":42}` {
		t.Errorf("out = %d %s", out.Status, out.Body)
	}
	v = &mapping.Values{RespBody: []byte("not json")}
	if _, err := r.Apply(context.Background(), &Input{Values: v}); err == nil || !strings.Contains(err.Error(), `responseParameters["method.response.header.X-Id"]`) {
		t.Errorf("bad JSON body: err = %v", err)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		ir   map[string]*model.IntegrationResponse
		want string
	}{
		{"two defaults", map[string]*model.IntegrationResponse{"200": {StatusCode: "200"}, "201": {StatusCode: "201"}}, "a second default response"},
		{"bad regex", map[string]*model.IntegrationResponse{"400": {StatusCode: "400", SelectionPattern: "(["}}, `integration.integrationResponses["400"].selectionPattern`},
		{"bad status", map[string]*model.IntegrationResponse{"x": {StatusCode: "abc"}}, `statusCode: "abc" is not an HTTP status`},
		{"request body source", map[string]*model.IntegrationResponse{"200": {StatusCode: "200", ResponseParameters: map[string]string{"method.response.header.X": "method.request.body"}}}, "a method response cannot read"},
		{"bad target", map[string]*model.IntegrationResponse{"200": {StatusCode: "200", ResponseParameters: map[string]string{"integration.response.header.X": "'a'"}}}, "is not a valid target"},
		{"bad template", map[string]*model.IntegrationResponse{"200": {StatusCode: "200", ResponseTemplates: map[string]string{"application/json": "#if("}}}, `integration.integrationResponses["200"].responseTemplates["application/json"]: 1:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(&model.Integration{IntegrationResponses: tt.ir}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
