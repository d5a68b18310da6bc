package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/ferrygw/ferry/internal/testenv"
)

// authorizerHandlers are the Lambda authorizers serverless-offline runs.
var authorizerHandlers = map[string]string{
	// authz is a TOKEN authorizer. The token after "Bearer " decides:
	// "expired" is refused (401), "crash" fails, "nobody" is denied GET
	// explicitly, "poster" is allowed POST only; every caller is denied
	// DELETE. Others are allowed GET on the whole API.
	"authz": `const meteredKey = "` + authorizerIssuedKey + `"
exports.handler = async (event) => {
  const token = event.authorizationToken.slice("Bearer ".length)
  if (token === "expired") throw new Error("Unauthorized")
  if (token === "crash") throw new Error("database down")
  const api = event.methodArn.split("/").slice(0, 2).join("/")
  const stmt = (effect, verb) => ({ Action: "execute-api:Invoke", Effect: effect, Resource: api + "/" + verb + "/*" })
  const statements = [stmt("Deny", "DELETE")]
  if (token === "nobody") statements.push(stmt("Deny", "GET"))
  else if (token === "poster") statements.push(stmt("Allow", "POST"))
  else statements.push(stmt("Allow", "GET"))
  return {
    principalId: "user-" + token,
    policyDocument: { Version: "2012-10-17", Statement: statements },
    context: { tier: "gold", n: 7, admin: false, arn: event.methodArn, type: event.type },
    usageIdentifierKey: token === "metered" ? meteredKey : undefined,
  }
}`,
	// reqauthz is a REQUEST authorizer: it allows the exact method ARN it
	// was asked about and reports what it saw of the request.
	"reqauthz": `exports.handler = async (event) => ({
  principalId: event.headers["X-User"],
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }] },
  context: { tenant: event.queryStringParameters.tenant, stage: event.requestContext.stage, path: event.path, resource: event.resource, id: event.pathParameters.id },
})`,
}

const authzRole = "arn:aws:iam::123456789012:role/authorizer-invoker"

// authorizerIssuedKey is the API key authz hands out as usageIdentifierKey
// for the token "metered", on an API whose key source is AUTHORIZER.
const authorizerIssuedKey = "authorizer-issued-key-0123456789"

// mockEcho is a MOCK integration whose 200 answer is the template given.
func mockEcho(indent, template string) string {
	return strings.ReplaceAll(`x-amazon-apigateway-integration:
  type: mock
  requestTemplates: {application/json: '{"statusCode": 200}'}
  responses:
    default:
      statusCode: "200"
      responseTemplates:
        application/json: '`+template+`'
`, "\n", "\n"+indent)
}

func lambdaAuthorizerAPI(t *testing.T) string {
	uri := func(fn string) string {
		// serverless-offline knows its functions by name, not by ARN.
		return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" +
			testenv.LambdaService + "-" + testenv.LambdaStage + "-" + fn + "/invocations"
	}
	return writeFile(t, "guarded.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: guarded, version: "1"}
x-amazon-apigateway-api-key-source: AUTHORIZER
components:
  securitySchemes:
    tok:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: %[1]s
        authorizerCredentials: %[3]s
        identityValidationExpression: "Bearer [a-z]+"
        authorizerResultTtlInSeconds: 300
    req:
      type: apiKey
      name: X-User
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: %[2]s
        authorizerCredentials: %[3]s
        identitySource: method.request.header.X-User, method.request.querystring.tenant
        authorizerResultTtlInSeconds: 300
    api_key: {type: apiKey, name: x-api-key, in: header}
paths:
  /metered:
    get:
      security: [{tok: [], api_key: []}]
      responses: {"200": {description: ok}}
      %[6]s
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      security: [{tok: []}]
      responses: {"200": {description: ok}}
      %[4]s
    delete:
      security: [{tok: []}]
      responses: {"200": {description: ok}}
      %[4]s
  /reports/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      security: [{req: []}]
      responses: {"200": {description: ok}}
      %[5]s
`, uri("authz"), uri("reqauthz"), authzRole,
		mockEcho("      ", `{"principal": "$context.authorizer.principalId", "tier": "$context.authorizer.tier", "n": "$context.authorizer.n", "admin": "$context.authorizer.admin", "arn": "$context.authorizer.arn", "type": "$context.authorizer.type"}`),
		mockEcho("      ", `{"principal": "$context.authorizer.principalId", "tenant": "$context.authorizer.tenant", "stage": "$context.authorizer.stage", "path": "$context.authorizer.path", "resource": "$context.authorizer.resource", "id": "$context.authorizer.id"}`),
		mockEcho("      ", `{"keyId": "$context.identity.apiKeyId"}`)))
}

// invocations counts the Invoke calls of one function the front passed on.
func invocations(f *testenv.AWSFront, fn string) int {
	n := 0
	for _, r := range f.Requests() {
		if strings.HasSuffix(r.Path, "/functions/"+testenv.LambdaService+"-"+testenv.LambdaStage+"-"+fn+"/invocations") {
			n++
		}
	}
	return n
}

func TestLambdaAuthorizer(t *testing.T) {
	w := newAWSWorld(t, map[string]string{authzRole: "ext-authz-1"})
	l := testenv.Lambda(t, authorizerHandlers)
	front := w.front(t, "lambda", "LAMBDA", l.Endpoint)
	f := startFerryWith(t, serveOptions{env: w.env, config: fmt.Sprintf(`aws:
  region: us-east-1
  roles:
    - arn: %s
      externalId: ext-authz-1
`, authzRole)})
	api := strings.TrimSpace(f.cli("import", lambdaAuthorizerAPI(t)))
	f.cli("deploy", api, "--stage", "prod")
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	t.Run("allow, with context values in the template", func(t *testing.T) {
		resp, out := f.call("GET", api, "prod", "/pets/1", nil, bearer("alice"))
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, out)
		}
		got := jsonObject(t, out)
		wantARN := "arn:aws:execute-api:us-east-1:"
		if got["principal"] != "user-alice" || got["tier"] != "gold" || got["n"] != "7" || got["admin"] != "false" || got["type"] != "TOKEN" ||
			!strings.HasPrefix(fmt.Sprint(got["arn"]), wantARN) || !strings.HasSuffix(fmt.Sprint(got["arn"]), ":"+api+"/prod/GET/pets/1") {
			t.Errorf("template saw %s", out)
		}
	})

	t.Run("cache: one invocation for calls within the TTL", func(t *testing.T) {
		before := invocations(front, "authz")
		for _, path := range []string{"/pets/2", "/pets/3"} {
			if resp, out := f.call("GET", api, "prod", path, nil, bearer("bob")); resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, out)
			}
		}
		if got := invocations(front, "authz") - before; got != 1 {
			t.Errorf("authorizer invoked %d times for two calls with one token, want 1", got)
		}
		// The cached policy is evaluated per method ARN: bob's DELETE is
		// refused by the same cached answer, without another invocation.
		resp, out := f.call("DELETE", api, "prod", "/pets/2", nil, bearer("bob"))
		if resp.StatusCode != 403 || out != `{"message":"User is not authorized to access this resource with an explicit deny"}` {
			t.Errorf("DELETE: %d %s", resp.StatusCode, out)
		}
		if got := invocations(front, "authz") - before; got != 1 {
			t.Errorf("authorizer invoked %d times, want 1 (DELETE uses the cached policy)", got)
		}
	})

	t.Run("deny", func(t *testing.T) {
		resp, out := f.call("GET", api, "prod", "/pets/1", nil, bearer("nobody"))
		if resp.StatusCode != 403 || out != `{"message":"User is not authorized to access this resource with an explicit deny"}` {
			t.Errorf("explicit deny: %d %s", resp.StatusCode, out)
		}
		if resp.Header.Get("x-amzn-ErrorType") != "AccessDeniedException" {
			t.Errorf("explicit deny: x-amzn-ErrorType %q", resp.Header.Get("x-amzn-ErrorType"))
		}
		resp, out = f.call("GET", api, "prod", "/pets/1", nil, bearer("poster"))
		if resp.StatusCode != 403 || out != `{"message":"User is not authorized to access this resource"}` {
			t.Errorf("no matching allow: %d %s", resp.StatusCode, out)
		}
	})

	t.Run("unauthorized", func(t *testing.T) {
		before := invocations(front, "authz")
		for name, hdr := range map[string]map[string]string{
			"no token":                   nil,
			"fails validation":           {"Authorization": "Basic abc"},
			"function says Unauthorized": bearer("expired"),
		} {
			resp, out := f.call("GET", api, "prod", "/pets/1", nil, hdr)
			if resp.StatusCode != 401 || out != `{"message":"Unauthorized"}` {
				t.Errorf("%s: %d %s, want 401 Unauthorized", name, resp.StatusCode, out)
			}
		}
		if got := invocations(front, "authz") - before; got != 1 {
			t.Errorf("authorizer invoked %d times, want 1 (a missing or invalid token never reaches it)", got)
		}
	})

	t.Run("authorizer failure", func(t *testing.T) {
		before := invocations(front, "authz")
		resp, out := f.call("GET", api, "prod", "/pets/1", nil, bearer("crash"))
		if invocations(front, "authz") != before+1 {
			t.Errorf("the failing authorizer was not invoked")
		}
		if resp.StatusCode != 500 {
			t.Errorf("failing authorizer: %d %s, want 500", resp.StatusCode, out)
		}
		if strings.Contains(out, "database down") {
			t.Errorf("the function's error reached the client: %s", out)
		}
	})

	t.Run("REQUEST authorizer", func(t *testing.T) {
		resp, out := f.call("GET", api, "prod", "/reports/9?tenant=acme", nil, map[string]string{"X-User": "carol"})
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, out)
		}
		got := jsonObject(t, out)
		if got["principal"] != "carol" || got["tenant"] != "acme" || got["stage"] != "prod" || got["path"] != "/reports/9" ||
			got["resource"] != "/reports/{id}" || got["id"] != "9" {
			t.Errorf("template saw %s", out)
		}
		before := invocations(front, "reqauthz")
		resp, out = f.call("GET", api, "prod", "/reports/9", nil, map[string]string{"X-User": "carol"})
		if resp.StatusCode != 401 {
			t.Errorf("missing identity source: %d %s, want 401", resp.StatusCode, out)
		}
		if got := invocations(front, "reqauthz") - before; got != 0 {
			t.Errorf("authorizer invoked %d times without its identity sources", got)
		}
	})

	t.Run("usageIdentifierKey is the API key of an AUTHORIZER key source", func(t *testing.T) {
		key := strings.TrimSpace(f.cli("apikey", "create", "from-authorizer", "--value", authorizerIssuedKey))
		plan := strings.TrimSpace(f.cli("usageplan", "create", "metered", "--api", api, "--stage", "prod"))
		f.cli("usageplan", "add-key", plan, key)
		resp, out := f.call("GET", api, "prod", "/metered", nil, bearer("metered"))
		if resp.StatusCode != 200 || out != `{"keyId": "`+key+`"}` {
			t.Errorf("key from the authorizer: %d %s, want 200 with key id %s", resp.StatusCode, out, key)
		}
		// alice's authorizer answer carries no usageIdentifierKey; an
		// x-api-key header does not stand in for it.
		hdr := bearer("alice")
		hdr["x-api-key"] = authorizerIssuedKey
		resp, out = f.call("GET", api, "prod", "/metered", nil, hdr)
		if resp.StatusCode != 403 || out != `{"message":"Forbidden"}` {
			t.Errorf("no key from the authorizer: %d %s, want 403 Forbidden", resp.StatusCode, out)
		}
	})

	t.Run("test-invoke-authorizer", func(t *testing.T) {
		testAuthorizer := func(name string, args ...string) testInvokeAuthorizerOutput {
			t.Helper()
			var out testInvokeAuthorizerOutput
			if err := json.Unmarshal([]byte(f.cli(append([]string{"test-invoke-authorizer", api, name, "--output", "json"}, args...)...)), &out); err != nil {
				t.Fatal(err)
			}
			// The identities as ferry received them are masked; what the
			// function answers (principalId, context) is shown as it is.
			for _, secret := range []string{"Bearer alice", `"X-User":"carol`, `"X-User":["carol`, `"tenant":["acme`} {
				if strings.Contains(out.Log, secret) {
					t.Errorf("the log shows %q:\n%s", secret, out.Log)
				}
			}
			return out
		}
		// The authorizers are listed with the ids import gave them, and an
		// id works wherever a name does.
		var listed struct {
			Item []struct{ ID, Name, Type string } `json:"item"`
		}
		if err := json.Unmarshal([]byte(f.cli("authorizers", api, "--output", "json")), &listed); err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, a := range listed.Item {
			ids[a.Name] = a.ID
		}
		if len(listed.Item) != 2 || ids["tok"] == "" || ids["req"] == "" {
			t.Fatalf("ferry authorizers listed %+v, want tok and req with ids", listed.Item)
		}
		if text := f.cli("authorizers", api); !strings.Contains(text, ids["tok"]) || !strings.Contains(text, "TOKEN") {
			t.Errorf("ferry authorizers (text):\n%s", text)
		}
		if out := testAuthorizer(ids["tok"], "--header", "Authorization=Bearer nobody"); out.ClientStatus != 403 {
			t.Errorf("test-invoke-authorizer by id %s: clientStatus %d, want 403", ids["tok"], out.ClientStatus)
		}
		before := invocations(front, "authz")
		// alice's answer is in the served stage's cache; a test invokes anyway.
		out := testAuthorizer("tok", "--header", "Authorization=Bearer alice", "--path", "/pets/1")
		if out.ClientStatus != 0 || out.PrincipalID != "user-alice" || out.Authorization["tier"][0] != "gold" || out.Authorization["n"][0] != "7" ||
			!strings.HasSuffix(out.Authorization["arn"][0], ":"+api+"/test-invoke-stage/GET/pets/1") || !strings.Contains(out.Policy, `"Effect":"Allow"`) {
			t.Errorf("allow: %+v", out)
		}
		if !strings.Contains(out.Log, "Policy decision for ") || !strings.Contains(out.Log, "Successfully completed authorizer execution") {
			t.Errorf("allow: log\n%s", out.Log)
		}
		out = testAuthorizer("tok", "--header", "Authorization=Bearer nobody", "--path", "/pets/1")
		if out.ClientStatus != 403 || out.PrincipalID != "user-nobody" || !strings.Contains(out.Log, "explicit Deny") {
			t.Errorf("deny: %+v", out)
		}
		out = testAuthorizer("tok")
		if out.ClientStatus != 401 || !strings.Contains(out.Log, "no token in method.request.header.Authorization") {
			t.Errorf("missing token: %+v", out)
		}
		out = testAuthorizer("tok", "--header", "Authorization=Basic abc")
		if out.ClientStatus != 401 || !strings.Contains(out.Log, "does not match identityValidationExpression") {
			t.Errorf("token failing the expression: %+v", out)
		}
		out = testAuthorizer("tok", "--header", "Authorization=Bearer crash")
		if out.ClientStatus != 500 || !strings.Contains(out.Log, "database down") {
			t.Errorf("failing function: %+v", out)
		}
		if got := invocations(front, "authz") - before; got != 3 {
			t.Errorf("authorizer invoked %d times by five tests, want 3 (none without a valid token, none from the cache)", got)
		}
		out = testAuthorizer("req", "--header", "X-User=carol-the-user", "--query", "tenant=acme-tenant", "--path", "/reports/9")
		if out.ClientStatus != 0 || out.PrincipalID != "carol-the-user" || out.Authorization["tenant"][0] != "acme-tenant" ||
			out.Authorization["stage"][0] != "test-invoke-stage" || out.Authorization["resource"][0] != "/reports/{id}" || out.Authorization["id"][0] != "9" {
			t.Errorf("REQUEST authorizer: %+v", out)
		}
		// The text output, as people read it.
		text := f.cli("test-invoke-authorizer", api, "tok", "--header", "Authorization=Bearer nobody")
		if !strings.HasPrefix(text, "Client status: 403 (refused)\n") || !strings.Contains(text, "Principal: user-nobody\n") {
			t.Errorf("text output:\n%s", text)
		}
		if _, errOut, err := f.tryCLI("test-invoke-authorizer", api, "no-such"); err == nil || !strings.Contains(errOut, "tok (id ") {
			t.Errorf("unknown authorizer: %v %s", err, errOut)
		}
	})

	if !signedWithTemporaryKeys(front, w.minio.AccessKey) {
		t.Errorf("every authorizer Invoke call should be signed with the assumed role's temporary keys")
	}
}

// testInvokeAuthorizerOutput is TestInvokeAuthorizer's answer as API
// Gateway's clients read it.
type testInvokeAuthorizerOutput struct {
	ClientStatus  int                 `json:"clientStatus"`
	Log           string              `json:"log"`
	Latency       int64               `json:"latency"`
	PrincipalID   string              `json:"principalId"`
	Policy        string              `json:"policy"`
	Authorization map[string][]string `json:"authorization"`
	Claims        map[string]string   `json:"claims"`
}

// jwksIssuer is an HTTPS JWKS endpoint run by the test, with its CA
// written where ferry is told to trust it.
type jwksIssuer struct {
	srv     *httptest.Server
	key     *ecdsa.PrivateKey
	fetches atomic.Int32
	caFile  string
}

func newJWKSIssuer(t *testing.T) *jwksIssuer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is := &jwksIssuer{key: k}
	is.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	}))
	t.Cleanup(is.srv.Close)
	is.caFile = writeFile(t, "jwks-ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: is.srv.Certificate().Raw})))
	return is
}

func (is *jwksIssuer) token(t *testing.T, claims map[string]any) string {
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: is.key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := jwt.Signed(sig).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const corsHeaders = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"

// ordersAPI is an API as API Gateway exports it after "Enable CORS" on
// /orders: an OPTIONS MOCK method answering the preflight, the
// Access-Control-Allow-Origin header on the real method, and DEFAULT_4XX
// and DEFAULT_5XX gateway responses carrying CORS headers so a browser can
// read refusals too. The methods are guarded by a JWT authorizer.
func ordersAPI(t *testing.T, jwksURI string) string {
	return writeFile(t, "orders.yaml", fmt.Sprintf(`openapi: 3.0.1
info: {title: orders, version: "1"}
components:
  securitySchemes:
    orders-jwt:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: method.request.header.Authorization
        jwtConfiguration:
          issuer: https://issuer.test
          audience: [orders-api]
          jwksUri: %s
    broken-jwt:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: jwt
        jwtConfiguration:
          issuer: https://issuer.test
          audience: [orders-api]
          jwksUri: https://127.0.0.1:9/unreachable/jwks.json
paths:
  /broken:
    get:
      security: [{broken-jwt: []}]
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
  /orders:
    get:
      security: [{orders-jwt: [orders/read]}]
      responses:
        "200":
          description: "200 response"
          headers:
            Access-Control-Allow-Origin: {schema: {type: string}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        passthroughBehavior: when_no_match
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'*'"
            responseTemplates:
              application/json: '{"sub": "$context.authorizer.claims.sub", "email": "$context.authorizer.claims.email", "scope": "$context.authorizer.claims.scope"}'
    options:
      responses:
        "200":
          description: "200 response"
          headers:
            Access-Control-Allow-Origin: {schema: {type: string}}
            Access-Control-Allow-Methods: {schema: {type: string}}
            Access-Control-Allow-Headers: {schema: {type: string}}
          content: {}
      x-amazon-apigateway-integration:
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Methods: "'GET,OPTIONS'"
              method.response.header.Access-Control-Allow-Headers: "'%[2]s'"
              method.response.header.Access-Control-Allow-Origin: "'*'"
        requestTemplates:
          application/json: "{\"statusCode\": 200}"
        passthroughBehavior: when_no_match
        type: mock
x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX:
    responseParameters:
      gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
      gatewayresponse.header.Access-Control-Allow-Headers: "'%[2]s'"
  DEFAULT_5XX:
    responseParameters:
      gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
      gatewayresponse.header.Access-Control-Allow-Headers: "'%[2]s'"
`, jwksURI, corsHeaders))
}

func TestJWTAuthorizerAndCORS(t *testing.T) {
	is := newJWKSIssuer(t)
	f := startFerryWith(t, serveOptions{env: []string{"FERRY_JWKS_CA_FILE=" + is.caFile}})
	api := strings.TrimSpace(f.cli("import", ordersAPI(t, is.srv.URL+"/.well-known/jwks.json")))
	f.cli("deploy", api, "--stage", "prod")
	now := time.Now()
	claims := func(over map[string]any) map[string]any {
		c := map[string]any{"iss": "https://issuer.test", "aud": "orders-api", "sub": "user-42", "email": "u42@example.com",
			"scope": "orders/read orders/list", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
		for k, v := range over {
			c[k] = v
		}
		return c
	}
	auth := func(tok string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + tok, "Origin": "https://shop.example"}
	}

	t.Run("valid token, claims in the template", func(t *testing.T) {
		resp, out := f.call("GET", api, "prod", "/orders", nil, auth(is.token(t, claims(nil))))
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, out)
		}
		got := jsonObject(t, out)
		if got["sub"] != "user-42" || got["email"] != "u42@example.com" || got["scope"] != "orders/read orders/list" {
			t.Errorf("template saw %s", out)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("Access-Control-Allow-Origin = %q on the method response", resp.Header.Get("Access-Control-Allow-Origin"))
		}
	})

	cases := []struct {
		name   string
		claims map[string]any
		status int
		body   string
	}{
		{"expired", map[string]any{"exp": now.Add(-10 * time.Minute).Unix()}, 401, `{"message":"The incoming token has expired"}`},
		{"wrong issuer", map[string]any{"iss": "https://evil.test"}, 401, `{"message":"Unauthorized"}`},
		{"wrong audience", map[string]any{"aud": "billing-api"}, 401, `{"message":"Unauthorized"}`},
		{"missing scope", map[string]any{"scope": "orders/write"}, 403, `{"message":"User is not authorized to access this resource"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, out := f.call("GET", api, "prod", "/orders", nil, auth(is.token(t, claims(c.claims))))
			if resp.StatusCode != c.status || out != c.body {
				t.Errorf("%d %s, want %d %s", resp.StatusCode, out, c.status, c.body)
			}
			// DEFAULT_4XX carries the CORS headers, so a browser can read the refusal.
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Headers") != corsHeaders {
				t.Errorf("refusal without CORS headers: %v", resp.Header)
			}
		})
	}

	t.Run("no token", func(t *testing.T) {
		resp, out := f.call("GET", api, "prod", "/orders", nil, map[string]string{"Origin": "https://shop.example"})
		if resp.StatusCode != 401 || out != `{"message":"Unauthorized"}` || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%d %s %v", resp.StatusCode, out, resp.Header)
		}
	})

	t.Run("DEFAULT_5XX carries CORS headers", func(t *testing.T) {
		// The issuer's keys cannot be fetched: the authorizer fails.
		resp, out := f.call("GET", api, "prod", "/broken", nil, auth(is.token(t, claims(nil))))
		if resp.StatusCode != 500 || out != `{"message": "Internal server error"}` {
			t.Errorf("%d %s, want 500", resp.StatusCode, out)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Headers") != corsHeaders {
			t.Errorf("5XX without CORS headers: %v", resp.Header)
		}
		if !f.waitLog("authorizer broken-jwt: JWKS https://127.0.0.1:9/unreachable/jwks.json") {
			t.Errorf("the log does not say which authorizer failed and why")
		}
	})

	t.Run("CORS preflight needs no token", func(t *testing.T) {
		resp, out := f.call("OPTIONS", api, "prod", "/orders", nil, map[string]string{
			"Origin": "https://shop.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization",
		})
		if resp.StatusCode != 200 {
			t.Fatalf("preflight: %d %s", resp.StatusCode, out)
		}
		want := map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,OPTIONS", "Access-Control-Allow-Headers": corsHeaders}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("preflight %s = %q, want %q", k, got, v)
			}
		}
	})

	t.Run("test-invoke-authorizer", func(t *testing.T) {
		testAuthorizer := func(args ...string) testInvokeAuthorizerOutput {
			t.Helper()
			var out testInvokeAuthorizerOutput
			if err := json.Unmarshal([]byte(f.cli(append([]string{"test-invoke-authorizer", api, "orders-jwt", "--output", "json"}, args...)...)), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		tok := is.token(t, claims(nil))
		out := testAuthorizer("--header", "Authorization=Bearer "+tok)
		if out.ClientStatus != 0 || out.PrincipalID != "user-42" || out.Claims["email"] != "u42@example.com" || out.Claims["scope"] != "orders/read orders/list" {
			t.Errorf("valid token: %+v", out)
		}
		if strings.Contains(out.Log, tok[:40]) {
			t.Errorf("the log shows the token:\n%s", out.Log)
		}
		out = testAuthorizer("--header", "Authorization=Bearer "+is.token(t, claims(map[string]any{"aud": "billing-api"})))
		if out.ClientStatus != 401 || !strings.Contains(out.Log, "the token's audience is not accepted") || out.Claims != nil {
			t.Errorf("wrong audience: %+v", out)
		}
		out = testAuthorizer()
		if out.ClientStatus != 401 || !strings.Contains(out.Log, "no token in") {
			t.Errorf("no token: %+v", out)
		}
	})

	t.Run("keys are fetched once and cached", func(t *testing.T) {
		if got := is.fetches.Load(); got != 1 {
			t.Errorf("JWKS fetched %d times, want 1", got)
		}
	})
}
