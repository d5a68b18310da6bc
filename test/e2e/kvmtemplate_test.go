package e2e

import (
	"strings"
	"testing"
)

// kvmTemplateAPI answers, from a MOCK integration, what $kvm.get finds for
// a few names: the response template is where a user reads configuration
// kept in a key-value map.
const kvmTemplateAPI = `openapi: 3.0.1
info: {title: kvm-template, version: "1"}
paths:
  /conf:
    get:
      responses:
        "200": {description: ok}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: "greeting=$kvm.get('cfg', 'greeting') tier=$!kvm.get('cfg', 'tier') secret=$!kvm.get('sec', 'token') none=$!kvm.get('cfg', 'nope')"
`

// $kvm.get in a template looks an entry up in the stage's scope, then the
// API's, then the global one, as kvm: credentials are; an entry of an
// encrypted map never reaches a template, and a missing one prints nothing
// with the quiet reference.
func TestKVMGetInTemplatesFollowsScopes(t *testing.T) {
	f := startFerry(t, "")
	id := importAndDeploy(t, f, writeFile(t, "kvm.yaml", kvmTemplateAPI), "prod")
	f.cli("deploy", id, "--stage", "beta")

	apiScope, betaScope := "api:"+id, "stage:"+id+"/beta"
	f.cli("kvm", "create", "cfg")
	f.putSecret("cfg", "greeting", "global hello")
	f.putSecret("cfg", "tier", "global tier")
	f.cli("kvm", "create", "cfg", "--scope", apiScope)
	f.putSecretIn(apiScope, "cfg", "tier", "api tier")
	f.cli("kvm", "create", "cfg", "--scope", betaScope)
	f.putSecretIn(betaScope, "cfg", "greeting", "beta hello")
	f.cli("kvm", "create", "sec", "--encrypted", "--scope", betaScope)
	f.putSecretIn(betaScope, "sec", "token", "s3cr3t-value")
	f.cli("kvm", "create", "sec")
	f.putSecret("sec", "token", "plain global token")

	for _, c := range []struct{ stage, want string }{
		// prod has no maps of its own: greeting from global, tier from the API.
		{"prod", "greeting=global hello tier=api tier secret=plain global token none="},
		// beta's own greeting wins; its encrypted sec map hides the global
		// plain entry of the same name rather than letting it stand in.
		{"beta", "greeting=beta hello tier=api tier secret= none="},
	} {
		resp, body := f.call("GET", id, c.stage, "/conf", nil, nil)
		if resp.StatusCode != 200 || strings.TrimSpace(body) != c.want {
			t.Errorf("GET /%s/conf: %d %q, want 200 %q", c.stage, resp.StatusCode, body, c.want)
		}
	}
	if strings.Contains(f.logs.String(), "s3cr3t-value") {
		t.Error("an encrypted value reached the log")
	}
}
