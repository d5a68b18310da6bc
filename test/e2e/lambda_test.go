package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/testenv"
)

// lambdaHandlers are the Node.js functions serverless-offline runs.
var lambdaHandlers = map[string]string{
	// The echo function of the API Connect walkthrough: the event is the answer.
	"echo": `exports.handler = async (event) => event`,
	"put":  `exports.handler = async (event) => ({ fn: "put", event })`,
	// thrower fails with the message its event names.
	"thrower": `exports.handler = async (event) => { throw new Error(event.message) }`,
	// errobj reports an error as a result: no X-Amz-Function-Error header.
	"errobj":  `exports.handler = async (event) => ({ errorMessage: "bad input: " + event.field, errorType: "ValidationError" })`,
	"sleeper": `exports.handler = async () => { await new Promise((r) => setTimeout(r, 4000)); return { slept: true } }`,
	// shapes answers the proxy response shape its query string names.
	"shapes": `exports.handler = async (event) => {
  const q = event.queryStringParameters || {}
  switch (q.shape) {
  case "valid": return { statusCode: 201, headers: { "X-One": "1" }, body: JSON.stringify(event) }
  case "string": return { statusCode: "202", body: "accepted" }
  case "badstatus": return { statusCode: "abc", body: "" }
  case "bignum": return { statusCode: 1000, body: "" }
  case "nostatus": return { body: "no status" }
  case "extra": return { statusCode: 200, body: "x", extra: true }
  case "objbody": return { statusCode: 200, body: { a: 1 } }
  case "png": return { statusCode: 200, isBase64Encoded: true, headers: { "Content-Type": "image/png" }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]).toString("base64") }
  case "b64text": return { statusCode: 200, isBase64Encoded: true, headers: { "Content-Type": "text/plain" }, body: "aGVsbG8=" }
  case "multi": return { statusCode: 200, headers: { "X-A": "1", "X-B": "b" }, multiValueHeaders: { "X-A": ["1", "2"], "X-C": ["c1", "c2"] }, body: "" }
  case "throw": throw new Error("proxy function failed")
  case "null": return null
  }
  return { statusCode: 400, body: "unknown shape" }
}`,
}

const (
	lambdaRole = "arn:aws:iam::123456789012:role/lambda-invoker"
	// shortRole's external id is not in ferry's configuration: only the
	// short form's externalId names it.
	shortRole = "arn:aws:iam::123456789012:role/apic-invoker"
	shortExt  = "apic-org-5d1e"
)

// lambdaAPI is the test API: custom (AWS) integrations to several
// functions and AWS_PROXY integrations to shapes.
func lambdaAPI(t *testing.T, creds string) string {
	uri := func(fn string) string {
		return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + testenv.LambdaService + "-" + testenv.LambdaStage + "-" + fn + "/invocations"
	}
	return writeFile(t, "lambda.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: lambdas, version: "1"}
x-amazon-apigateway-binary-media-types: [image/png]
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      responses: {"200": {description: ok}, "404": {description: missing}}
      x-amazon-apigateway-integration:
        type: aws
        uri: %[2]s
        httpMethod: POST
        credentials: %[1]q
        requestTemplates:
          application/json: '{"method": "$context.httpMethod", "id": "$input.params(''id'')", "note": "not found: in a success"}'
        responses:
          default: {statusCode: "200"}
          ".*not found.*": {statusCode: "404"}
    put:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws
        uri: %[3]s
        httpMethod: POST
        credentials: %[1]q
        requestTemplates:
          application/json: '{"method": "$context.httpMethod", "id": "$input.params(''id'')", "body": $input.json(''$'')}'
        responses:
          default: {statusCode: "200"}
  /fail:
    get:
      responses: {"200": {description: ok}, "404": {description: missing}}
      x-amazon-apigateway-integration:
        type: aws
        uri: %[4]s
        httpMethod: POST
        credentials: %[1]q
        requestTemplates:
          application/json: '{"message": "$util.escapeJavaScript($input.params(''msg''))"}'
        responses:
          default: {statusCode: "200"}
          ".*not found.*":
            statusCode: "404"
            responseTemplates:
              application/json: '{"error": "$util.escapeJavaScript($input.path(''$.errorMessage''))"}'
  /errobj:
    get:
      responses: {"200": {description: ok}, "400": {description: bad}}
      x-amazon-apigateway-integration:
        type: aws
        uri: %[5]s
        httpMethod: POST
        credentials: %[1]q
        requestTemplates:
          application/json: '{"field": "$util.escapeJavaScript($input.params(''field''))"}'
        responses:
          default: {statusCode: "200"}
          "bad input: .*":
            statusCode: "400"
            responseTemplates:
              application/json: '{"invalid": "$util.escapeJavaScript($input.path(''$.errorMessage''))"}'
  /async:
    post:
      responses: {"202": {description: queued}}
      x-amazon-apigateway-integration:
        type: aws
        uri: %[2]s
        httpMethod: POST
        credentials: %[1]q
        requestParameters:
          integration.request.header.X-Amz-Invocation-Type: "'Event'"
        responses:
          default: {statusCode: "202"}
  /slow:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws
        uri: %[6]s
        httpMethod: POST
        credentials: %[1]q
        timeoutInMillis: 1000
        responses:
          default: {statusCode: "200"}
  /byvar:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${stageVariables.putFn}/invocations
        httpMethod: POST
        credentials: %[1]q
        responses:
          default: {statusCode: "200"}
  /missing:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws
        uri: %[8]s
        httpMethod: POST
        credentials: %[1]q
        responses:
          default: {statusCode: "200"}
  /proxy/{name}:
    parameters:
      - {name: name, in: path, required: true, schema: {type: string}}
    x-amazon-apigateway-any-method:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: %[7]s
        httpMethod: POST
        credentials: %[1]q
`, creds, uri("echo"), uri("put"), uri("thrower"), uri("errobj"), uri("sleeper"), uri("shapes"), uri("missing")))
}

// lambdaWorld is serverless-offline behind a SigV4-verifying front, and
// ferry configured to reach it through a role assumed with an external id.
type lambdaWorld struct {
	*awsWorld
	front *testenv.AWSFront
	f     *ferry
	api   string
}

func newLambdaWorld(t *testing.T) *lambdaWorld {
	t.Helper()
	w := &lambdaWorld{awsWorld: newAWSWorld(t, map[string]string{lambdaRole: "ext-lambda-42", shortRole: shortExt})}
	l := testenv.Lambda(t, lambdaHandlers)
	w.front = w.awsWorld.front(t, "lambda", "LAMBDA", l.Endpoint)
	w.f = startFerryWith(t, serveOptions{env: w.env, config: fmt.Sprintf(`aws:
  region: us-east-1
  roles:
    - arn: %s
      externalId: ext-lambda-42
`, lambdaRole)})
	w.api = strings.TrimSpace(w.f.cli("import", lambdaAPI(t, lambdaRole)))
	w.f.cli("deploy", w.api, "--stage", "v1", "--stage-var", "putFn="+l.FunctionName("put"))
	return w
}

func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not a JSON object: %v: %q", err, s)
	}
	return m
}

func TestLambda(t *testing.T) {
	w := newLambdaWorld(t)
	f := w.f

	t.Run("GET and PUT reach two functions", func(t *testing.T) {
		resp, out := f.call("GET", w.api, "v1", "/items/42", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET: %d %s", resp.StatusCode, out)
		}
		ev := jsonObject(t, out)
		if ev["method"] != "GET" || ev["id"] != "42" {
			t.Errorf("GET: the echo function should return the event the template built, got %s", out)
		}
		// The event says "not found" and the 404 pattern would match
		// it, but a success is never matched against patterns.
		if ev["note"] != "not found: in a success" {
			t.Errorf("GET: body %s", out)
		}
		resp, out = f.call("PUT", w.api, "v1", "/items/7", strings.NewReader(`{"name":"seven"}`), map[string]string{"Content-Type": "application/json"})
		if resp.StatusCode != 200 {
			t.Fatalf("PUT: %d %s", resp.StatusCode, out)
		}
		got := jsonObject(t, out)
		ev, _ = got["event"].(map[string]any)
		body, _ := ev["body"].(map[string]any)
		if got["fn"] != "put" || ev["method"] != "PUT" || ev["id"] != "7" || body["name"] != "seven" {
			t.Errorf("PUT should reach the put function with the mapped event, got %s", out)
		}
	})

	t.Run("function named by a stage variable", func(t *testing.T) {
		resp, out := f.call("GET", w.api, "v1", "/byvar", nil, nil)
		if resp.StatusCode != 200 || jsonObject(t, out)["fn"] != "put" {
			t.Errorf("%d %s, want the put function the stage variable names", resp.StatusCode, out)
		}
	})

	t.Run("function errors select by errorMessage", func(t *testing.T) {
		resp, out := f.call("GET", w.api, "v1", "/fail?msg=not+found:+x", nil, nil)
		if resp.StatusCode != 404 || out != `{"error": "not found: x"}` {
			t.Errorf("thrown not found: %d %s, want 404 with the mapped body", resp.StatusCode, out)
		}
		resp, out = f.call("GET", w.api, "v1", "/fail?msg=disk+on+fire", nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(out, `"errorMessage":"disk on fire"`) {
			t.Errorf("unmatched error: %d %s, want the default response's 200 with the error payload", resp.StatusCode, out)
		}
		resp, out = f.call("GET", w.api, "v1", "/errobj?field=age", nil, nil)
		if resp.StatusCode != 400 || out != `{"invalid": "bad input: age"}` {
			t.Errorf("error object without X-Amz-Function-Error: %d %s, want 400", resp.StatusCode, out)
		}
	})

	t.Run("Event invocation", func(t *testing.T) {
		resp, out := f.call("POST", w.api, "v1", "/async", strings.NewReader(`{"job":1}`), map[string]string{"Content-Type": "application/json"})
		if resp.StatusCode != 202 {
			t.Errorf("Event: %d %s, want 202", resp.StatusCode, out)
		}
		var sawEvent bool
		for _, r := range w.front.Requests() {
			if r.Header.Get("X-Amz-Invocation-Type") == "Event" {
				sawEvent = true
			}
		}
		if !sawEvent {
			t.Errorf("no Invoke call carried X-Amz-Invocation-Type: Event")
		}
	})

	t.Run("timeoutInMillis", func(t *testing.T) {
		start := time.Now()
		resp, out := f.call("GET", w.api, "v1", "/slow", nil, nil)
		took := time.Since(start)
		if resp.StatusCode != 504 || !strings.Contains(out, "Endpoint request timed out") {
			t.Errorf("sleeping function: %d %s, want 504", resp.StatusCode, out)
		}
		if took < time.Second || took > 3500*time.Millisecond {
			t.Errorf("the timeout answer came after %v, want about 1s", took)
		}
	})

	t.Run("Lambda API errors", func(t *testing.T) {
		resp, out := f.call("GET", w.api, "v1", "/missing", nil, nil)
		if resp.StatusCode != 500 || out != `{"message": "Internal server error"}` {
			t.Errorf("missing function: %d %s, want 500", resp.StatusCode, out)
		}
		if !f.waitLog("ResourceNotFoundException") {
			t.Errorf("the log should name Lambda's ResourceNotFoundException")
		}
	})

	t.Run("proxy", func(t *testing.T) { testLambdaProxy(t, w) })
	if !signedWithTemporaryKeys(w.front, w.minio.AccessKey) {
		t.Errorf("every Invoke call should be signed with the assumed role's temporary keys")
	}
	t.Run("short form", func(t *testing.T) { testLambdaShortForm(t, w) })
}

func testLambdaProxy(t *testing.T, w *lambdaWorld) {
	f := w.f
	const internal = `{"message": "Internal server error"}`
	cases := []struct {
		shape  string
		status int
		body   string // exact, when not empty
		header map[string][]string
		accept string
	}{
		{shape: "string", status: 202, body: "accepted"},
		{shape: "badstatus", status: 502, body: internal},
		{shape: "bignum", status: 502, body: internal},
		{shape: "nostatus", status: 502, body: internal},
		{shape: "extra", status: 502, body: internal},
		{shape: "objbody", status: 502, body: internal},
		{shape: "throw", status: 502, body: internal},
		{shape: "null", status: 502, body: internal},
		{shape: "png", status: 200, body: "\x89PNG\x00\xff", header: map[string][]string{"Content-Type": {"image/png"}}},
		{shape: "b64text", status: 200, body: "aGVsbG8=", header: map[string][]string{"Content-Type": {"text/plain"}}},
		{shape: "multi", status: 200, header: map[string][]string{"X-A": {"1", "2"}, "X-B": {"b"}, "X-C": {"c1", "c2"}}},
	}
	for _, c := range cases {
		t.Run(c.shape, func(t *testing.T) {
			resp, out := f.call("GET", w.api, "v1", "/proxy/x?shape="+c.shape, nil, nil)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d (%q), want %d", resp.StatusCode, out, c.status)
			}
			if c.body != "" && out != c.body {
				t.Errorf("body %q, want %q", out, c.body)
			}
			for k, want := range c.header {
				if got := resp.Header.Values(k); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}

	t.Run("event", func(t *testing.T) {
		png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2}
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/restapis/%s/v1/_user_request_/proxy/a%%20b?shape=valid&tag=1&tag=2", f.Data, w.api), strings.NewReader(string(png)))
		req.Header.Set("Content-Type", "image/png")
		req.Header.Add("X-Multi", "one")
		req.Header.Add("X-Multi", "two")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ev struct {
			Resource, Path, HTTPMethod string
			Headers                    map[string]string
			MultiValueHeaders          map[string][]string
			QueryStringParameters      map[string]string
			MultiValue                 map[string][]string `json:"multiValueQueryStringParameters"`
			PathParameters             map[string]string
			StageVariables             map[string]string
			RequestContext             map[string]any
			Body                       string
			IsBase64Encoded            bool
		}
		if resp.StatusCode != 201 || resp.Header.Get("X-One") != "1" {
			t.Fatalf("valid answer: %d %v", resp.StatusCode, resp.Header)
		}
		if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil {
			t.Fatal(err)
		}
		if ev.Resource != "/proxy/{name}" || ev.Path != "/proxy/a%20b" || ev.HTTPMethod != "POST" {
			t.Errorf("resource/path/method: %q %q %q", ev.Resource, ev.Path, ev.HTTPMethod)
		}
		if ev.PathParameters["name"] != "a b" {
			t.Errorf("pathParameters %v", ev.PathParameters)
		}
		if ev.QueryStringParameters["tag"] != "2" || strings.Join(ev.MultiValue["tag"], ",") != "1,2" {
			t.Errorf("query: %v %v", ev.QueryStringParameters, ev.MultiValue)
		}
		if ev.Headers["X-Multi"] != "two" || strings.Join(ev.MultiValueHeaders["X-Multi"], ",") != "one,two" {
			t.Errorf("headers: %v %v", ev.Headers["X-Multi"], ev.MultiValueHeaders["X-Multi"])
		}
		if len(ev.StageVariables) != 1 || ev.StageVariables["putFn"] != testenv.LambdaService+"-"+testenv.LambdaStage+"-put" {
			t.Errorf("stageVariables: %v, want the stage's one variable", ev.StageVariables)
		}
		rc := ev.RequestContext
		if rc["stage"] != "v1" || rc["apiId"] != w.api || rc["resourcePath"] != "/proxy/{name}" || rc["httpMethod"] != "POST" || rc["requestId"] == "" {
			t.Errorf("requestContext: %v", rc)
		}
		if id, _ := rc["identity"].(map[string]any); id["sourceIp"] != "127.0.0.1" {
			t.Errorf("requestContext.identity: %v", rc["identity"])
		}
		if !ev.IsBase64Encoded || ev.Body != base64.StdEncoding.EncodeToString(png) {
			t.Errorf("binary body: base64 %v %q", ev.IsBase64Encoded, ev.Body)
		}
	})
}

// testLambdaShortForm imports an API written in ferry's x-ferry-lambda short
// form: two methods of one resource reach two functions through a role
// assumed with the external id the API names, and a wrong one is refused.
func testLambdaShortForm(t *testing.T, w *lambdaWorld) {
	f := w.f
	api := func(ext string) string {
		return writeFile(t, "short.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: short, version: "1"}
paths:
  /orders:
    x-ferry-lambda:
      region: us-east-1
      credentials: %s
      externalId: %s
      methods:
        GET: %s
        PUT: {function: %s, timeoutInMillis: 3000}
`, shortRole, ext, testenv.LambdaService+"-"+testenv.LambdaStage+"-echo", testenv.LambdaService+"-"+testenv.LambdaStage+"-put"))
	}
	id := strings.TrimSpace(f.cli("import", api(shortExt)))
	f.cli("deploy", id, "--stage", "live")
	resp, out := f.call("GET", id, "live", "/orders", strings.NewReader(`{"order":1}`), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 200 || jsonObject(t, out)["order"] != float64(1) {
		t.Errorf("GET through the short form: %d %s, want the echoed body", resp.StatusCode, out)
	}
	resp, out = f.call("PUT", id, "live", "/orders", strings.NewReader(`{"order":2}`), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 200 || jsonObject(t, out)["fn"] != "put" {
		t.Errorf("PUT through the short form: %d %s, want the put function", resp.StatusCode, out)
	}

	bad := strings.TrimSpace(f.cli("import", api("not-"+shortExt)))
	f.cli("deploy", bad, "--stage", "live")
	resp, out = f.call("GET", bad, "live", "/orders", nil, nil)
	if resp.StatusCode != 500 {
		t.Errorf("a wrong external id: %d %s, want 500", resp.StatusCode, out)
	}
	if strings.Contains(f.logs.String(), shortExt) {
		t.Errorf("the log quotes an external id")
	}

	// The short form with keys from an encrypted key-value map entry.
	f.cli("kvm", "create", "lambdakeys", "--encrypted")
	f.putSecret("lambdakeys", "invoker", processCredentials(w.minio.AccessKey, w.minio.SecretKey))
	kv := strings.TrimSpace(f.cli("import", writeFile(t, "short-kvm.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: short kvm, version: "1"}
paths:
  /echo:
    post:
      responses: {"200": {description: ok}}
      x-ferry-lambda: {function: %s, region: us-east-1, credentials: "kvm:lambdakeys/invoker"}
`, testenv.LambdaService+"-"+testenv.LambdaStage+"-echo"))))
	f.cli("deploy", kv, "--stage", "live")
	before := len(w.front.Requests())
	resp, out = f.call("POST", kv, "live", "/echo", strings.NewReader(`{"via":"kvm"}`), map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode != 200 || jsonObject(t, out)["via"] != "kvm" {
		t.Fatalf("short form with kvm credentials: %d %s", resp.StatusCode, out)
	}
	reqs := w.front.Requests()
	if len(reqs) != before+1 || reqs[len(reqs)-1].AccessKey != w.minio.AccessKey {
		t.Errorf("the Invoke call should be signed with the keys of the kvm entry")
	}
}
