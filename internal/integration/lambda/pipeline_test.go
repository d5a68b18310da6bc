package lambda_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/awsservice"
	"github.com/ferrygw/ferry/internal/integration/lambda"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// invokeAPI stands in for Lambda's Invoke API where serverless-offline
// cannot: failures of Lambda itself (throttling, KMS) and DryRun. The end
// to end tests cover real functions.
type invokeAPI struct {
	mu   sync.Mutex
	seen []*http.Request
}

func (a *invokeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.seen = append(a.seen, r)
	a.mu.Unlock()
	payload, _ := io.ReadAll(r.Body)
	fn := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
	switch {
	case fn == "proxyecho":
		json.NewEncoder(w).Encode(map[string]any{"statusCode": 200, "body": string(payload)})
	case r.Header.Get("X-Amz-Invocation-Type") == "DryRun":
		w.WriteHeader(http.StatusNoContent)
	case fn == "throttled":
		w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"Type":"User","message":"Rate Exceeded."}`)
	case fn == "kms":
		w.Header().Set("X-Amzn-ErrorType", "KMSDisabledException")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, `{"Type":"User","Message":"Lambda was unable to decrypt the environment variables because the KMS key used is disabled."}`)
	default:
		json.NewEncoder(w).Encode(map[string]string{"function": fn})
	}
}

func (a *invokeAPI) last() *http.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.seen[len(a.seen)-1]
}

func stage(t *testing.T, endpoint string, methods map[string]*model.Integration) *pipeline.Stage {
	t.Helper()
	res, err := awsauth.NewResolver(awsauth.Config{Region: "us-east-1", EndpointURL: endpoint}, nil,
		awsauth.WithGetenv(func(string) string { return "" }),
		awsauth.WithBaseConfig(func(context.Context) (aws.Config, error) {
			return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDLAMBDA", "secret", "")}, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	api := &model.API{RestAPI: model.RestAPI{ID: "api1"}}
	for path, in := range methods {
		api.Resources = append(api.Resources, &model.Resource{ID: "r" + path, Path: path, ResourceMethods: map[string]*model.Method{
			"POST": {HTTPMethod: "POST", AuthorizationType: "NONE", MethodIntegration: in,
				MethodResponses: map[string]*model.MethodResponse{"200": {StatusCode: "200"}}},
		}})
	}
	f := integration.Defaults()
	f[model.IntegrationAWS] = lambda.Custom(awsservice.Factory(res))
	f[model.IntegrationAWSProxy] = lambda.Proxy(awsservice.Factory(res))
	st, err := pipeline.Compile(api, &model.Stage{StageName: "dev", Variables: map[string]string{"fn": "echo", "alias": "live"}}, pipeline.Options{Integrations: f, SelectionKeyFor: lambda.SelectionKeyFor})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func custom(fn string, params map[string]string) *model.Integration {
	return &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST",
		URI:                  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations",
		RequestParameters:    params,
		IntegrationResponses: map[string]*model.IntegrationResponse{"200": {StatusCode: "200"}}}
}

func catchAll(fn string) *model.Integration {
	in := custom(fn, nil)
	in.IntegrationResponses["500"] = &model.IntegrationResponse{StatusCode: "500", SelectionPattern: ".*"}
	return in
}

// The proxy event a compiled stage sends: the method request as the
// function sees it, with the stage's $context.
func TestProxyEventThroughThePipeline(t *testing.T) {
	srv := httptest.NewServer(&invokeAPI{})
	defer srv.Close()
	st := stage(t, srv.URL, map[string]*model.Integration{
		"/pets/{id}": {Type: model.IntegrationAWSProxy, HTTPMethod: "POST",
			URI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/proxyecho/invocations"},
	})
	req := httptest.NewRequest("POST", "/dev/pets/7?tag=a&tag=b", strings.NewReader(`{"name":"rex"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	st.Serve(rec, req, &pipeline.Entry{Path: "/pets/7", RequestID: "req-9", SourceIP: "192.0.2.7"})
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	var ev struct {
		Resource, Path, HTTPMethod, Body string
		PathParameters                   map[string]string
		MultiValueQueryStringParameters  map[string][]string
		StageVariables                   map[string]string
		RequestContext                   struct {
			RequestID, Stage, ResourcePath, Path string
			Identity                             struct{ SourceIP string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ev); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	rc := ev.RequestContext
	if ev.Resource != "/pets/{id}" || ev.Path != "/pets/7" || ev.HTTPMethod != "POST" || ev.Body != `{"name":"rex"}` ||
		ev.PathParameters["id"] != "7" || strings.Join(ev.MultiValueQueryStringParameters["tag"], ",") != "a,b" || ev.StageVariables["fn"] != "echo" ||
		rc.RequestID != "req-9" || rc.Stage != "dev" || rc.ResourcePath != "/pets/{id}" || rc.Path != "/dev/pets/7" || rc.Identity.SourceIP != "192.0.2.7" {
		t.Errorf("event %s", rec.Body)
	}
}

func TestInvokeThroughThePipeline(t *testing.T) {
	api := &invokeAPI{}
	srv := httptest.NewServer(api)
	defer srv.Close()
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:echo:live"
	st := stage(t, srv.URL, map[string]*model.Integration{
		"/arn":       custom(arn, nil),
		"/throttled": custom("throttled", nil),
		"/kms":       custom("kms", nil),
		"/dry":       custom("echo", map[string]string{"integration.request.header.X-Amz-Invocation-Type": "'DryRun'"}),
		"/catchall":  catchAll("echo"),
		"/stagevar":  custom("${stageVariables.fn}:${stageVariables.alias}", nil),
		"/unset":     custom("${stageVariables.nope}", nil),
		"/badvar":    custom("${stageVariables.fn}:${stageVariables.alias}:extra", nil),
		"/proxykms": {Type: model.IntegrationAWSProxy, HTTPMethod: "POST",
			URI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/kms/invocations"},
	})
	tests := []struct {
		path, body string
		status     int
		cause      string // in the logged reason of a 5xx
	}{
		{"/arn", `{"function":"` + arn + `"}`, 200, ""},
		{"/throttled", `{"message":"Too Many Requests"}`, 429, ""},
		{"/kms", `{"message": "Internal server error"}`, 502, "KMSDisabledException"},
		{"/proxykms", `{"message": "Internal server error"}`, 502, "KMSDisabledException"},
		{"/dry", ``, 200, ""},
		// A pattern that matches every errorMessage, even an empty one,
		// does not apply to a success.
		{"/catchall", `{"function":"echo"}`, 200, ""},
		{"/stagevar", `{"function":"echo:live"}`, 200, ""},
		{"/unset", `{"message": "Internal server error"}`, 500, "stage variable(s) nope"},
		{"/badvar", `{"message": "Internal server error"}`, 500, `function "echo:live:extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			res := st.Serve(rec, httptest.NewRequest("POST", "/dev"+tt.path, strings.NewReader(`{}`)), &pipeline.Entry{Path: tt.path, RequestID: "r-1"})
			if rec.Code != tt.status || strings.TrimSpace(rec.Body.String()) != tt.body {
				t.Fatalf("%d %q, want %d %q", rec.Code, rec.Body.String(), tt.status, tt.body)
			}
			if tt.status >= 500 && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.cause)) {
				t.Errorf("the log reason %v should say %q", res.Err, tt.cause)
			}
			if tt.status == 500 {
				return // nothing was sent
			}
			r := api.last()
			if r.Method != "POST" || !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/lambda/aws4_request") {
				t.Errorf("Invoke call %s with Authorization %q, want POST signed for lambda", r.Method, r.Header.Get("Authorization"))
			}
			if tt.path == "/arn" && r.URL.Path != "/2015-03-31/functions/"+arn+"/invocations" {
				t.Errorf("path %q should carry the full ARN with its qualifier", r.URL.Path)
			}
		})
	}
}
