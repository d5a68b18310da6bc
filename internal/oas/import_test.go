package oas

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrygw/ferry/internal/model"
)

// validFiles are the testdata documents that must import cleanly with
// fullOpts: 2.0 and 3.0, JSON and YAML, the two fixtures, a PetStore as API
// Gateway ships it, a {proxy+}/ANY API and one that uses every extension.
var validFiles = []string{
	"petstore.json",
	"sns-publish.fnsub.json",
	"sns-publish.seed-verbatim.json",
	"auth20.yaml",
	"lambda30.json",
	"proxy-any.yaml",
	"lambda-short.yaml",
	"rich.yaml",
}

func TestImportGolden(t *testing.T) {
	for _, name := range validFiles {
		t.Run(name, func(t *testing.T) {
			api := importFile(t, name)
			golden(t, strings.TrimSuffix(name, filepath.Ext(name))+".api.json", indentJSON(t, normalize(t, api)))
		})
	}
}

func method(t *testing.T, api *model.API, path, verb string) *model.Method {
	t.Helper()
	r := api.FindResource(path)
	if r == nil {
		t.Fatalf("no resource %s", path)
	}
	m := r.ResourceMethods[verb]
	if m == nil {
		t.Fatalf("no %s %s", verb, path)
	}
	return m
}

// TestImportSemantics checks, beside the golden files, the facts of API
// Gateway's import that matter most, so a careless -update cannot bless a
// regression in them.
func TestImportSemantics(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, api *model.API)
	}{
		{"petstore.json", func(t *testing.T, api *model.API) {
			if api.RestAPI.Name != "PetStore" || api.RestAPI.BasePath != "/test" {
				t.Errorf("name %q basePath %q", api.RestAPI.Name, api.RestAPI.BasePath)
			}
			if got := len(api.Resources); got != 3 {
				t.Errorf("%d resources, want / /pets /pets/{petId}", got)
			}
			pets := api.FindResource("/pets")
			if pets.ParentID != api.RestAPI.RootResourceID || pets.PathPart != "pets" {
				t.Errorf("/pets: parent %q part %q", pets.ParentID, pets.PathPart)
			}
			if id := api.FindResource("/pets/{petId}"); id.ParentID != pets.ID || id.PathPart != "{petId}" {
				t.Errorf("/pets/{petId}: parent %q part %q", id.ParentID, id.PathPart)
			}
			get := method(t, api, "/pets", "GET")
			if want := map[string]bool{"method.request.querystring.type": false, "method.request.querystring.page": false}; !equalBoolMaps(get.RequestParameters, want) {
				t.Errorf("requestParameters %v", get.RequestParameters)
			}
			if get.MethodIntegration.Type != model.IntegrationHTTP || get.MethodIntegration.PassthroughBehavior != model.PassthroughWhenNoMatch {
				t.Errorf("integration %+v", get.MethodIntegration)
			}
			post := method(t, api, "/pets", "POST")
			if post.RequestModels["application/json"] != "NewPet" || post.OperationName != "CreatePet" {
				t.Errorf("POST /pets models %v operation %q", post.RequestModels, post.OperationName)
			}
			opts := method(t, api, "/pets", "OPTIONS")
			ir := opts.MethodIntegration.IntegrationResponses["200"]
			if ir == nil || ir.SelectionPattern != "" || ir.ResponseParameters["method.response.header.Access-Control-Allow-Methods"] != "'POST,GET,OPTIONS'" {
				t.Errorf("OPTIONS default response %+v", ir)
			}
			if h := opts.MethodResponses["200"].ResponseParameters; len(h) != 3 || h["method.response.header.Access-Control-Allow-Origin"] {
				t.Errorf("OPTIONS method response headers %v", h)
			}
			var newPet *model.Model
			for _, m := range api.Models {
				if m.Name == "NewPet" {
					newPet = m
				}
			}
			wantRef := `"$ref":"https://apigateway.amazonaws.com/restapis/` + api.RestAPI.ID + `/models/PetType"`
			if newPet == nil || !strings.Contains(newPet.Schema, wantRef) || !strings.Contains(newPet.Schema, draft4) {
				t.Errorf("NewPet schema %v, want it to contain %s and the draft-04 marker", newPet, wantRef)
			}
		}},
		{"sns-publish.fnsub.json", func(t *testing.T, api *model.API) {
			in := method(t, api, "/test", "POST").MethodIntegration
			if in.Type != model.IntegrationAWS || in.URI != "arn:aws:apigateway:eu-west-1:sns:action/Publish" ||
				in.Credentials != "arn:aws:iam::123456789012:role/apigateway-sns-role" {
				t.Errorf("integration %+v", in)
			}
			want := "Action=Publish&TopicArn=$util.urlEncode('arn:aws:sns:eu-west-1:123456789012:orders')&Message=$util.urlEncode($input.body)##"
			if got := in.RequestTemplates["application/json"]; got != want {
				t.Errorf("template %q, want %q", got, want)
			}
			if r := in.IntegrationResponses["200"]; r == nil || r.SelectionPattern != "" {
				t.Errorf("default response %+v", r)
			}
		}},
		{"proxy-any.yaml", func(t *testing.T, api *model.API) {
			anyM := method(t, api, "/{proxy+}", "ANY")
			if anyM.MethodIntegration.Type != model.IntegrationHTTPProxy || anyM.OperationName != "ProxyEverything" ||
				!anyM.RequestParameters["method.request.path.proxy"] {
				t.Errorf("ANY /{proxy+}: %+v", anyM)
			}
			root := method(t, api, "/", "ANY").MethodIntegration
			want := "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:root-handler/invocations"
			if root.URI != want || root.TimeoutInMillis != 10000 || root.ContentHandling != model.ContentHandlingConvertToText {
				t.Errorf("ANY /: %+v", root)
			}
			if api.RestAPI.BasePath != "/prod" {
				t.Errorf("basePath %q from the server variables, want /prod", api.RestAPI.BasePath)
			}
		}},
		{"auth20.yaml", func(t *testing.T, api *model.API) {
			if m := method(t, api, "/admin/{proxy+}", "ANY"); m.AuthorizationType != "AWS_IAM" || m.APIKeyRequired {
				t.Errorf("ANY /admin/{proxy+}: %s key %v", m.AuthorizationType, m.APIKeyRequired)
			}
			if m := method(t, api, "/public", "GET"); m.APIKeyRequired || m.AuthorizationType != "NONE" {
				t.Errorf("security: [] must clear the document's api key: %+v", m)
			}
			post := method(t, api, "/items", "POST")
			if post.AuthorizationType != "COGNITO_USER_POOLS" || !post.APIKeyRequired || len(post.AuthorizationScopes) != 1 {
				t.Errorf("POST /items: %+v", post)
			}
			want := []string{
				`auth20.yaml:40:5: securityDefinitions.oauth: security scheme "oauth" ignored; ferry enforces x-api-key keys, authorizers and awsSigv4`,
				`auth20.yaml:98:11: POST /items: parameters.1: formData parameter "note" ignored; map the body with a request template instead`,
				`auth20.yaml:148:7: PUT /public: no x-amazon-apigateway-integration; the method has no backend until one is set`,
			}
			if strings.Join(api.RestAPI.Warnings, "\n") != strings.Join(want, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(api.RestAPI.Warnings, "\n"), strings.Join(want, "\n"))
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) { tc.check(t, importFile(t, tc.file)) })
	}
}

func equalBoolMaps(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestImportFixturesNeedOptions imports the shared fixtures without the
// options they need, then with each one missing, and checks that every
// problem is named with its place and what to pass.
func TestImportFixturesNeedOptions(t *testing.T) {
	fnsub := []string{
		`sns-publish.fnsub.json:40:26: POST /test: x-amazon-apigateway-integration.credentials: account id "account-id" is a placeholder; pass --account-id`,
		`sns-publish.fnsub.json:41:18: POST /test: x-amazon-apigateway-integration.uri: region "region" is a placeholder; pass --region`,
		`sns-publish.fnsub.json:52:26: POST /test: x-amazon-apigateway-integration.requestTemplates.application/json: Fn::Sub variable "TopicArn" is not set; pass --var TopicArn=VALUE`,
	}
	verbatim := []string{
		`sns-publish.seed-verbatim.json:1:539: POST /test: x-amazon-apigateway-integration.credentials: account id "account-id" is a placeholder; pass --account-id`,
		`sns-publish.seed-verbatim.json:1:598: POST /test: x-amazon-apigateway-integration.uri: region "region" is a placeholder; pass --region`,
		`sns-publish.seed-verbatim.json:1:861: POST /test: x-amazon-apigateway-integration.requestTemplates.application/json: Fn::Sub variable "**<TOPIC-ARN>**" is not set; pass --var **<TOPIC-ARN>**=VALUE`,
	}
	tests := []struct {
		name string
		file string
		opt  ImportOptions
		want []string
	}{
		{"fnsub/nothing", "sns-publish.fnsub.json", ImportOptions{}, fnsub},
		{"fnsub/no region", "sns-publish.fnsub.json", ImportOptions{AccountID: "123456789012", Vars: fullOpts.Vars}, fnsub[1:2]},
		{"fnsub/no account", "sns-publish.fnsub.json", ImportOptions{Region: "us-east-1", Vars: fullOpts.Vars}, fnsub[0:1]},
		{"fnsub/no var", "sns-publish.fnsub.json", ImportOptions{Region: "us-east-1", AccountID: "123456789012"}, fnsub[2:]},
		{"verbatim/nothing", "sns-publish.seed-verbatim.json", ImportOptions{}, verbatim},
		{"bad options", "sns-publish.fnsub.json", ImportOptions{Region: "mars-1", AccountID: "12345", Vars: fullOpts.Vars}, []string{
			`sns-publish.fnsub.json: --region "mars-1" is not an AWS region name such as us-east-1`,
			`sns-publish.fnsub.json: --account-id "12345" is not a 12-digit AWS account id`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Filename = tc.file
			api, err := Import(readTestdata(t, tc.file), tc.opt)
			if api != nil {
				t.Error("an import with problems returned an API")
			}
			checkErrors(t, err, tc.want)
		})
	}
}

func checkErrors(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %d problems", len(want))
	}
	var got []string
	for _, e := range Errors(err) {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err.Error() != strings.Join(want, "\n") {
		t.Errorf("Error() = %q", err.Error())
	}
	if len(want) == 1 {
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("a single problem is not an *Error: %T", err)
		}
	} else if _, ok := err.(MultiError); !ok {
		t.Errorf("several problems are not a MultiError: %T", err)
	}
}
