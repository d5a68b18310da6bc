package gatewayresponse

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/reqctx"
)

func TestDefaults(t *testing.T) {
	tests := []struct {
		typ    Type
		status int
		body   string
	}{
		{AccessDenied, 403, `{"message":"User is not authorized to access this resource"}`},
		{APIConfigurationError, 500, `{"message": "Internal server error"}`},
		{AuthorizerFailure, 500, `{"message": "Internal server error"}`},
		{BadRequestParameters, 400, `{"message": "Missing required request parameters"}`},
		{BadRequestBody, 400, `{"message": "Invalid request body"}`},
		{Default4XX, 400, `{"message":"Bad Request"}`},
		{Default5XX, 500, `{"message": "Internal server error"}`},
		{ExpiredToken, 403, `{"message":"The security token included in the request is expired"}`},
		{IntegrationFailure, 504, `{"message": "Internal server error"}`},
		{IntegrationTimeout, 504, `{"message": "Endpoint request timed out"}`},
		{InvalidAPIKey, 403, `{"message":"Forbidden"}`},
		{InvalidSignature, 403, `{"message":"The request signature we calculated does not match the signature you provided"}`},
		{MissingAuthenticationToken, 403, `{"message":"Missing Authentication Token"}`},
		{QuotaExceeded, 429, `{"message":"Limit Exceeded"}`},
		{RequestTooLarge, 413, `{"message":"Request Too Long"}`},
		{ResourceNotFound, 404, `{"message":"Not Found"}`},
		{Throttled, 429, `{"message":"Too Many Requests"}`},
		{Unauthorized, 401, `{"message":"Unauthorized"}`},
		{UnsupportedMediaType, 415, `{"message": "Unsupported Media Type"}`},
		{WAFFiltered, 403, `{"message":"Forbidden"}`},
	}
	if len(tests) != len(Types())-1 { // AUTHORIZER_CONFIGURATION_ERROR is checked below
		t.Fatalf("table covers %d types of %d", len(tests), len(Types()))
	}
	s, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			w := httptest.NewRecorder()
			st, rerr := s.Write(context.Background(), w, New(tt.typ, nil), nil)
			if rerr != nil || st != tt.status || w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %s (%v), want %d %s", w.Code, w.Body, rerr, tt.status, tt.body)
			}
			if w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("Content-Type %q", w.Header().Get("Content-Type"))
			}
			if got, want := w.Header()["x-amzn-ErrorType"], tt.typ.ErrorType(); (want == "") != (len(got) == 0) || (want != "" && got[0] != want) {
				t.Fatalf("x-amzn-ErrorType = %q, want %q", got, want)
			}
		})
	}
	if AuthorizerConfigError.DefaultStatus() != 500 {
		t.Fatal("AUTHORIZER_CONFIGURATION_ERROR is not 500")
	}
}

func TestCustomization(t *testing.T) {
	s, err := Compile([]*model.GatewayResponse{
		{ResponseType: "ACCESS_DENIED", StatusCode: "401", ResponseParameters: map[string]string{
			"gatewayresponse.header.WWW-Authenticate": "'Bearer'",
			"gatewayresponse.header.X-Req":            "method.request.header.X-Req",
			"gatewayresponse.header.X-Stage":          "stageVariables.name",
			"gatewayresponse.header.X-Rid":            "context.requestId",
		}},
		{ResponseType: "DEFAULT_4XX", StatusCode: "499", ResponseParameters: map[string]string{"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Values: &mapping.Values{
		Header:         http.Header{"X-Req": {"r1"}},
		StageVariables: map[string]string{"name": "dev"},
		Context:        &reqctx.Context{RequestID: "rid"},
	}}
	tests := []struct {
		name   string
		err    error
		status int
		header map[string]string
		body   string
	}{
		{"own customization", New(AccessDenied, nil), 401,
			map[string]string{"WWW-Authenticate": "Bearer", "X-Req": "r1", "X-Stage": "dev", "X-Rid": "rid"},
			`{"message":"User is not authorized to access this resource"}`},
		{"inherits DEFAULT_4XX headers and status", New(Throttled, nil), 499,
			map[string]string{"Access-Control-Allow-Origin": "*"}, `{"message":"Too Many Requests"}`},
		{"DEFAULT_4XX itself", New(Default4XX, nil), 499, map[string]string{"Access-Control-Allow-Origin": "*"}, `{"message":"Bad Request"}`},
		{"5xx untouched", New(IntegrationTimeout, errors.New("slow")), 504,
			map[string]string{"Access-Control-Allow-Origin": ""}, `{"message": "Endpoint request timed out"}`},
		{"foreign error is internal", errors.New("boom: secret detail"), 500, nil, `{"message": "Internal server error"}`},
		{"message is JSON-escaped", Newf(BadRequestParameters, `Missing required request parameters: ["q"]`), 499, nil,
			`{"message": "Missing required request parameters: [\"q\"]"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			st, _ := s.Write(context.Background(), w, tt.err, req)
			if st != tt.status || w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body, tt.status, tt.body)
			}
			for k, v := range tt.header {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if strings.Contains(w.Body.String(), "secret") {
				t.Errorf("internal detail leaked: %s", w.Body)
			}
		})
	}
	if req.Values.Context.Error.ResponseType == "" || req.Values.Context.Error.MessageString == "" {
		t.Errorf("$context.error not filled: %+v", req.Values.Context.Error)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		gr   model.GatewayResponse
		want string
	}{
		{"unknown type", model.GatewayResponse{ResponseType: "NOPE"}, `unknown responseType "NOPE"`},
		{"bad status", model.GatewayResponse{ResponseType: "THROTTLED", StatusCode: "abc"}, `gatewayResponses[THROTTLED]: statusCode "abc"`},
		{"bad target", model.GatewayResponse{ResponseType: "THROTTLED", ResponseParameters: map[string]string{"method.response.header.X": "'a'"}}, "is not a valid target"},
		{"bad source", model.GatewayResponse{ResponseType: "THROTTLED", ResponseParameters: map[string]string{"gatewayresponse.header.X": "integration.response.body"}}, "a gateway response cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]*model.GatewayResponse{&tt.gr})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestChooseByAccept(t *testing.T) {
	keys := []string{"application/json", "application/xml", "text/html"}
	tests := []struct {
		accept string
		keys   []string
		want   string
	}{
		{"application/xml", keys, "application/xml"},
		{"text/plain, text/html;q=0.9, application/xml", keys, "text/html"},
		{"", keys, "application/json"},
		{"*/*", keys, "application/json"},
		{"image/png", []string{"text/html", "text/plain"}, "text/html"},
		{"application/json", nil, ""},
	}
	for _, tt := range tests {
		if got := ChooseByAccept(tt.accept, tt.keys); got != tt.want {
			t.Errorf("ChooseByAccept(%q, %v) = %q, want %q", tt.accept, tt.keys, got, tt.want)
		}
	}
}
