package lambda

import (
	"context"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

func TestResolveFunction(t *testing.T) {
	const p = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
	tests := []struct {
		name, fn string
		vars     map[string]string
		want     string // the resolved function; empty when broken
		cause    string
	}{
		{name: "no references", fn: "echo", vars: nil, want: "echo"},
		{name: "import-time check", fn: "${stageVariables.fn}", vars: nil, want: placeholder},
		{name: "resolved", fn: "arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}:${stageVariables.alias}",
			vars: map[string]string{"fn": "orders", "alias": "live"}, want: "arn:aws:lambda:us-east-1:123456789012:function:orders:live"},
		{name: "stage without variables", fn: "${stageVariables.fn}", vars: map[string]string{}, cause: "does not set stage variable(s) fn"},
		{name: "empty variable", fn: "${stageVariables.fn}", vars: map[string]string{"fn": ""}, cause: "fn"},
		{name: "bad value", fn: "${stageVariables.fn}", vars: map[string]string{"fn": "a b"}, cause: `function "a b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: p + tt.fn + "/invocations"}
			out, broken := resolveFunction(integration.Config{Integration: in, Stage: "dev", StageVariables: tt.vars})
			if tt.cause != "" {
				if broken == nil {
					t.Fatalf("want a broken backend, got URI %s", out.Integration.URI)
				}
				_, err := broken(context.Background(), &integration.Request{})
				ge := gatewayresponse.From(err)
				if ge.StatusCode() != 500 || ge.Cause == nil || !strings.Contains(ge.Cause.Error(), tt.cause) {
					t.Fatalf("err = %v, want a 500 whose cause says %q", err, tt.cause)
				}
				return
			}
			if broken != nil {
				t.Fatal("unexpected broken backend")
			}
			if got := out.Integration.URI; got != p+tt.want+"/invocations" {
				t.Errorf("URI %s, want function %s", got, tt.want)
			}
			if in.URI != p+tt.fn+"/invocations" {
				t.Errorf("the deployment's integration was changed")
			}
		})
	}
}
