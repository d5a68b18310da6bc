package lambda

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integrationresponse"
	"github.com/ferrygw/ferry/internal/model"
)

func TestFunctionError(t *testing.T) {
	unhandled := http.Header{"X-Amz-Function-Error": {"Unhandled"}}
	tests := []struct {
		name    string
		header  http.Header
		body    string
		msg     string
		isError bool
	}{
		{"thrown", unhandled, `{"errorMessage":"not found: x","errorType":"Error","trace":["at f"]}`, "not found: x", true},
		{"handled", http.Header{"X-Amz-Function-Error": {"Handled"}}, `{"errorMessage":"bad","errorType":"E"}`, "bad", true},
		{"marked, no errorMessage", unhandled, `{"reason":"x"}`, `{"reason":"x"}`, true},
		{"marked, not JSON", unhandled, `Task timed out`, `Task timed out`, true},
		{"marked, errorMessage not a string", unhandled, `{"errorMessage":1}`, `{"errorMessage":1}`, true},
		{"error object without the header", nil, `{"errorMessage":"bad input: age","errorType":"ValidationError"}`, "bad input: age", true},
		{"errorMessage among other keys is data", nil, `{"errorMessage":"x","items":[]}`, "", false},
		{"success", nil, `{"ok":true}`, "", false},
		{"success string", nil, `"fine"`, "", false},
		{"empty", nil, ``, "", false},
		{"marked with an empty message", unhandled, `{"errorMessage":""}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			msg, isErr := FunctionError(h, []byte(tt.body))
			if msg != tt.msg || isErr != tt.isError {
				t.Errorf("got (%q, %v), want (%q, %v)", msg, isErr, tt.msg, tt.isError)
			}
			want := tt.msg
			if !tt.isError {
				want = integrationresponse.NoKey
			}
			if got := SelectionKey(200, h, []byte(tt.body)); got != want {
				t.Errorf("SelectionKey = %q, want %q", got, want)
			}
		})
	}
}

func TestAPIError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		typ    string
		want   gatewayresponse.Type
		code   int
	}{
		{"throttled", 429, "TooManyRequestsException", gatewayresponse.Throttled, 429},
		{"missing function", 404, "ResourceNotFoundException", gatewayresponse.APIConfigurationError, 500},
		{"not allowed", 403, "AccessDeniedException", gatewayresponse.APIConfigurationError, 500},
		{"bad event", 400, "InvalidRequestContentException", gatewayresponse.APIConfigurationError, 500},
		{"too large", 413, "RequestTooLargeException", gatewayresponse.RequestTooLarge, 413},
		{"kms", 502, "KMSAccessDeniedException", gatewayresponse.IntegrationFailure, 502},
		{"eni", 502, "ENILimitReachedException", gatewayresponse.IntegrationFailure, 502},
		{"service", 500, "ServiceException", gatewayresponse.IntegrationFailure, 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := apiError(tt.status, http.Header{"X-Amzn-Errortype": {tt.typ}}, []byte(`{"Type":"User","message":"details"}`))
			ge := gatewayresponse.From(err)
			if err == nil || ge.Type != tt.want || ge.StatusCode() != tt.code {
				t.Fatalf("got %v (status %d), want %s %d", err, ge.StatusCode(), tt.want, tt.code)
			}
			if !strings.Contains(ge.Cause.Error(), tt.typ) || !strings.Contains(ge.Cause.Error(), "details") {
				t.Errorf("the cause %q should name Lambda's error type and message", ge.Cause)
			}
		})
	}
	for _, ok := range []int{200, 202, 204} {
		if err := apiError(ok, http.Header{}, nil); err != nil {
			t.Errorf("status %d: %v", ok, err)
		}
	}
}

func TestParseInvokeURI(t *testing.T) {
	const p = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
	tests := []struct {
		uri, fn string
		ok      bool
		wantErr string
	}{
		{p + "echo/invocations", "echo", true, ""},
		{p + "echo:live/invocations", "echo:live", true, ""},
		{p + "echo:$LATEST/invocations", "echo:$LATEST", true, ""},
		{p + "123456789012:function:echo/invocations", "123456789012:function:echo", true, ""},
		{p + "arn:aws:lambda:us-east-1:123456789012:function:echo:7/invocations", "arn:aws:lambda:us-east-1:123456789012:function:echo:7", true, ""},
		{p + "${stageVariables.fn}/invocations", "${stageVariables.fn}", true, ""},
		{p + "/invocations", "", true, "no function named"},
		{p + "bad name/invocations", "", true, `function "bad name"`},
		{p + "echo", "", true, "ends in /invocations"},
		{"arn:aws:apigateway:us-east-1:sns:action/Publish", "", false, ""},
		{"https://example.com/", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			got, ok, err := ParseInvokeURI(tt.uri)
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ok && (got.Function != tt.fn || got.Region != "us-east-1") {
				t.Errorf("got %+v", got)
			}
			if ok && InvokeURI(got.Region, got.Function) != tt.uri {
				t.Errorf("InvokeURI does not give the URI back")
			}
		})
	}
}

// TestFactoriesCheckUpFront checks that both factories refuse what Lambda
// cannot serve before anything is sent, and leave other AWS URIs alone.
func TestFactoriesCheckUpFront(t *testing.T) {
	var built []string
	aws := func(cfg integrationConfig) (backendFunc, error) {
		built = append(built, cfg.Integration.Type+" "+cfg.Integration.URI)
		return nil, nil
	}
	const echo = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/echo/invocations"
	tests := []struct {
		name, typ, method, uri, wantErr string
		proxy                           bool
	}{
		{name: "custom GET", typ: model.IntegrationAWS, method: "GET", uri: echo, wantErr: "invoked with POST"},
		{name: "proxy GET", typ: model.IntegrationAWSProxy, method: "GET", uri: echo, wantErr: "invoked with POST", proxy: true},
		{name: "proxy to SNS", typ: model.IntegrationAWSProxy, method: "POST", uri: "arn:aws:apigateway:us-east-1:sns:action/Publish", wantErr: "needs a Lambda invoke URI", proxy: true},
		{name: "custom bad function", typ: model.IntegrationAWS, method: "POST", uri: strings.Replace(echo, "echo", "a/b", 1), wantErr: `function "a/b"`},
		{name: "custom SNS passes", typ: model.IntegrationAWS, method: "POST", uri: "arn:aws:apigateway:us-east-1:sns:action/Publish"},
		{name: "custom ok", typ: model.IntegrationAWS, method: "post", uri: echo},
		{name: "proxy ok", typ: model.IntegrationAWSProxy, method: "POST", uri: echo, proxy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			built = nil
			in := &model.Integration{Type: tt.typ, HTTPMethod: tt.method, URI: tt.uri,
				RequestTemplates: map[string]string{"application/json": "{}"}}
			fac := Custom(aws)
			if tt.proxy {
				fac = Proxy(aws)
			}
			_, err := fac(integrationConfig{Integration: in})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if len(built) != 0 {
					t.Errorf("the AWS factory was called for a refused integration")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := model.IntegrationAWS + " " + tt.uri
			if len(built) != 1 || built[0] != want {
				t.Errorf("built %v, want [%s]", built, want)
			}
		})
	}
}
