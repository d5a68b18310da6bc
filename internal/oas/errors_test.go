package oas

import (
	"path/filepath"
	"testing"
)

// TestImportErrors imports each document of testdata/errors and expects
// exactly these problems, in this order: each names the file, line:col, the
// method and resource where it applies, the field and what is wrong.
func TestImportErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"aliases.yaml", []string{
			"aliases.yaml:3:4: e.2.9.8.4: YAML aliases expand to more than 50000 values",
		}},
		{"auth.yaml", []string{
			"auth.yaml:5:40: x-amazon-apigateway-request-validator: request validator \"strict\" is not defined in x-amazon-apigateway-request-validators",
			"auth.yaml:12:46: GET /a: x-amazon-apigateway-request-validator: request validator \"loose\" is not defined in x-amazon-apigateway-request-validators",
			"auth.yaml:14:9: GET /a: security: security scheme \"nobody\" is not defined in components.securitySchemes",
			"auth.yaml:14:9: GET /a: security: a method can use one authorizer, and \"two\" is the second",
			"auth.yaml:22:15: PUT /a: x-amazon-apigateway-auth.type: auth type \"COGNITO\" is not AWS_IAM or NONE",
			"auth.yaml:33:9: components.securitySchemes.one.x-amazon-apigateway-authorizer.authorizerUri: missing; a REQUEST authorizer needs the Lambda function's invocation URI",
			"auth.yaml:34:39: components.securitySchemes.one.x-amazon-apigateway-authorizer.authorizerResultTtlInSeconds: 7200 is outside 0..3600 seconds",
			"auth.yaml:35:39: components.securitySchemes.one.x-amazon-apigateway-authorizer.identityValidationExpression: \"[a-\" does not compile: error parsing regexp: missing closing ]: `[a-`",
			"auth.yaml:41:15: components.securitySchemes.two.x-amazon-apigateway-authorizer.type: authorizer type \"oauth\" is not one of token, request, cognito_user_pools, jwt",
			"auth.yaml:49:11: components.securitySchemes.three.x-amazon-apigateway-authorizer.jwtConfiguration.issuer: missing; the iss claim tokens must carry",
			"auth.yaml:49:11: components.securitySchemes.three.x-amazon-apigateway-authorizer.jwtConfiguration.jwksUri: must be the URL of the issuer's signing keys",
		}},
		{"crosscheck.yaml", []string{
			"crosscheck.yaml:25:46: GET /a/{id}: x-amazon-apigateway-integration.requestParameters.integration.request.querystring.q: source method.request.multivaluequerystring.q is not a declared request parameter of the method; add it to parameters",
			"crosscheck.yaml:27:54: GET /a/{id}: x-amazon-apigateway-integration.cacheKeyParameters.1: method.request.header.Tenant is not a declared request parameter of the method",
			"crosscheck.yaml:33:52: GET /a/{id}: x-amazon-apigateway-integration.responses.default.responseParameters.method.response.header.X-Undeclared: header X-Undeclared is not declared in the headers of response 200",
			"crosscheck.yaml:35:25: GET /a/{id}: x-amazon-apigateway-integration.responses.5\\d\\d.statusCode: status 502 has no method response; add \"502\" to the operation's responses",
		}},
		{"duplicate-key.json", []string{
			"duplicate-key.json:3:26: info.title: key \"title\" appears twice",
		}},
		{"empty.yaml", []string{
			"empty.yaml: the document is empty",
		}},
		{"fnsub.yaml", []string{
			"fnsub.yaml:4:14: info.title: Fn::Sub variable \"Prefix\" is not set; pass --var Prefix=VALUE",
			"fnsub.yaml:7:3: x-amazon-apigateway-policy: CloudFormation Fn::Join is not supported here; only Fn::Sub is resolved on import",
			"fnsub.yaml:15:14: GET /a: x-amazon-apigateway-integration.uri: Fn::Sub variable \"AWS::AccountId\" needs an account id; pass --account-id",
			"fnsub.yaml:15:14: GET /a: x-amazon-apigateway-integration.uri: Fn::Sub variable \"AWS::Region\" needs a region; pass --region",
			"fnsub.yaml:15:14: GET /a: x-amazon-apigateway-integration.uri: Fn::Sub: \"${\" is never closed by \"}\"",
			"fnsub.yaml:16:22: GET /a: x-amazon-apigateway-integration.credentials: YAML tag !Ref is not supported; only !Sub (Fn::Sub) is resolved on import",
			"fnsub.yaml:20:15: GET /a: x-amazon-apigateway-integration.requestTemplates.application/json: Fn::Sub pseudo parameter \"AWS::StackName\" is not supported; pass --var AWS::StackName=VALUE",
		}},
		{"integration.yaml", []string{
			"integration.yaml:10:15: GET /a: x-amazon-apigateway-integration.type: integration type \"lambda\" is not one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY",
			"integration.yaml:15:9: GET /b: x-amazon-apigateway-integration.uri: missing; HTTP integrations need a uri",
			"integration.yaml:16:21: GET /b: x-amazon-apigateway-integration.httpMethod: \"FETCH\" is not an HTTP method API Gateway accepts",
			"integration.yaml:17:30: GET /b: x-amazon-apigateway-integration.passthroughBehavior: \"sometimes\" is not one of WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER",
			"integration.yaml:18:26: GET /b: x-amazon-apigateway-integration.contentHandling: \"convert_to_json\" is not CONVERT_TO_BINARY or CONVERT_TO_TEXT",
			"integration.yaml:19:26: GET /b: x-amazon-apigateway-integration.timeoutInMillis: 30000 is outside 50..29000 milliseconds",
			"integration.yaml:23:9: POST /b: x-amazon-apigateway-integration.connectionId: missing; a VPC_LINK connection needs the link's id",
			"integration.yaml:23:9: POST /b: x-amazon-apigateway-integration.httpMethod: missing; AWS integrations need the method to call the backend with",
			"integration.yaml:24:14: POST /b: x-amazon-apigateway-integration.uri: \"https://sns.amazonaws.com/\" is not an arn:aws:apigateway:REGION:SERVICE:... URI",
			"integration.yaml:25:26: POST /b: x-amazon-apigateway-integration.timeoutInMillis: 10 is outside 50..29000 milliseconds",
			"integration.yaml:32:26: GET /c: x-amazon-apigateway-integration.timeoutInMillis: must be an integer, not \"soon\"",
			"integration.yaml:34:29: GET /c: x-amazon-apigateway-integration.requestTemplates.application/json: must be a string, not a list",
			"integration.yaml:36:42: GET /c: x-amazon-apigateway-integration.requestParameters.integration.response.header.X: target must be integration.request.{header|querystring|path}.NAME",
			"integration.yaml:36:42: GET /c: x-amazon-apigateway-integration.requestParameters.integration.response.header.X: source method.request.header.X is not a declared request parameter of the method; add it to parameters",
			"integration.yaml:37:41: GET /c: x-amazon-apigateway-integration.requestParameters.integration.request.header.Y: source \"$input.body\" must be a 'quoted literal', method.request.*, context.* or stageVariables.*",
			"integration.yaml:40:13: GET /c: x-amazon-apigateway-integration.responses.(unclosed: selection pattern \"(unclosed\" does not compile: error parsing regexp: missing closing ): `(unclosed`",
			"integration.yaml:40:25: GET /c: x-amazon-apigateway-integration.responses.(unclosed.statusCode: status 500 has no method response; add \"500\" to the operation's responses",
			"integration.yaml:42:25: GET /c: x-amazon-apigateway-integration.responses.default.statusCode: \"ok\" is not an HTTP status code",
			"integration.yaml:44:13: GET /c: x-amazon-apigateway-integration.responses.5\\d{2}.statusCode: missing; the status code this response becomes",
			"integration.yaml:53:13: GET /d: x-amazon-apigateway-integration.responses.4\\d{2}: status 400 is already produced by pattern \"40[0-9]\"; API Gateway keys integration responses by status",
			"integration.yaml:55:25: GET /d: x-amazon-apigateway-integration.responses.40[0-9].statusCode: status 400 has no method response; add \"400\" to the operation's responses",
		}},
		{"lambda.yaml", []string{
			"lambda.yaml:8:19: GET /a: x-ferry-lambda.function: function \"bad name\": want NAME, ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME, optionally followed by :VERSION or :ALIAS",
			"lambda.yaml:13:9: PUT /a: x-ferry-lambda: missing; name the function's region, give its ARN, or import with --region",
			"lambda.yaml:17:23: POST /a: x-ferry-lambda: an operation has x-amazon-apigateway-integration or x-ferry-lambda, not both",
			"lambda.yaml:22:17: DELETE /a: x-ferry-lambda.region: \"eu-west-1\" differs from the function ARN's region \"us-east-1\"",
			"lambda.yaml:23:20: DELETE /a: x-ferry-lambda.qualifier: the function \"arn:aws:lambda:us-east-1:123456789012:function:orders:live\" already names a qualifier",
			"lambda.yaml:25:21: DELETE /a: x-ferry-lambda.externalId: an external id goes with a role ARN, not with kvm:aws/invoker",
			"lambda.yaml:29:17: /b: x-ferry-lambda.function: on a path item, name functions under methods (GET: NAME)",
			"lambda.yaml:30:20: /b: x-ferry-lambda.credentials: must be an IAM role ARN or kvm:MAP/ENTRY",
			"lambda.yaml:32:16: /b: x-ferry-lambda.methods.FETCH: \"FETCH\" is not an HTTP method API Gateway accepts",
			"lambda.yaml:33:14: /b: x-ferry-lambda.methods.GET: must be a function name or an object with function, not a number",
			"lambda.yaml:34:51: /b: x-ferry-lambda.methods.POST.timeoutInMillis: 5 is outside 50..29000 milliseconds",
			"lambda.yaml:37:7: /c: x-ferry-lambda.methods: missing; map HTTP methods to functions, e.g. {GET: get-order}",
		}},
		{"list-root.yaml", []string{
			"list-root.yaml:1:1: the document must be an OpenAPI object, not a list",
		}},
		{"not-openapi.yaml", []string{
			"not-openapi.yaml:1:1: not an OpenAPI document: neither \"swagger\": \"2.0\" nor \"openapi\": \"3.0.x\" is set",
		}},
		{"openapi31.yaml", []string{
			"openapi31.yaml:1:10: openapi: OpenAPI 3.1.0 is not supported; API Gateway's REST APIs, and ferry, import 2.0 and 3.0",
		}},
		{"paths.yaml", []string{
			"paths.yaml:3:3: info.title: the API needs a name: set info.title or pass a name",
			"paths.yaml:9:5: /pets/{petId}/toys: {petId} and {id} are sibling variables of /pets; API Gateway allows one variable per level",
			"paths.yaml:12:5: /files/{path+}/meta: greedy path variable {path+} must be the last segment",
			"paths.yaml:15:5: /files/report-{year}.csv: path segment \"report-{year}.csv\" must be a literal or one {variable}",
			"paths.yaml:18:5: /double//slash: path has an empty segment",
			"paths.yaml:21:5: relative: path must start with /",
		}},
		{"placeholders.json", []string{
			"placeholders.json:10:26: securityDefinitions.tok.x-amazon-apigateway-authorizer.authorizerUri: region \"{region}\" is a placeholder; pass --region",
			"placeholders.json:10:26: securityDefinitions.tok.x-amazon-apigateway-authorizer.authorizerUri: account id \"{account-id}\" is a placeholder; pass --account-id",
			"placeholders.json:11:34: securityDefinitions.tok.x-amazon-apigateway-authorizer.authorizerCredentials: account id \"<account>\" is a placeholder; pass --account-id",
			"placeholders.json:18:26: securityDefinitions.pool.x-amazon-apigateway-authorizer.providerARNs.0: region \"REGION\" is a placeholder; pass --region",
			"placeholders.json:18:26: securityDefinitions.pool.x-amazon-apigateway-authorizer.providerARNs.0: account id \"ACCOUNT_ID\" is a placeholder; pass --account-id",
			"placeholders.json:29:18: GET /a: x-amazon-apigateway-integration.uri: region \"<region>\" is a placeholder; pass --region",
			"placeholders.json:30:26: GET /a: x-amazon-apigateway-integration.credentials: must be an IAM role ARN or kvm:MAP/ENTRY",
		}},
		{"references.yaml", []string{
			"references.yaml:12:21: POST /a: requestBody.content.application/json.schema.$ref: reference \"#/components/schemas/Missing\" points at nothing in the document",
			"references.yaml:19:23: POST /a: responses.200.content.application/json.schema.$ref: reference \"other.yaml#/components/schemas/Elsewhere\" points outside the document; ferry imports one self-contained document",
			"references.yaml:23:7: components.schemas.Bad-Name: model name \"Bad-Name\" must be letters and digits only, as API Gateway requires",
		}},
		{"structure.yaml", []string{
			"structure.yaml:7:10: GET /a: must be an object, not a number",
			"structure.yaml:9:19: POST /a: parameters: must be a list, not a string",
			"structure.yaml:15:21: PUT /a: parameters.0.required: must be true or false, not a string",
			"structure.yaml:23:20: GET /b: responses.200.headers: must be an object, not a number",
		}},
		{"syntax.json", []string{
			"syntax.json:5:1: invalid JSON: invalid character '}' looking for beginning of object key string",
		}},
		{"syntax.yaml", []string{
			"syntax.yaml:4:1: invalid YAML: mapping values are not allowed in this context",
		}},
		{"toplevel.yaml", []string{
			"toplevel.yaml:5:37: x-amazon-apigateway-api-key-source: \"QUERY\" is not HEADER or AUTHORIZER",
			"toplevel.yaml:6:47: x-amazon-apigateway-minimum-compression-size: 20000000 is outside 0..10485760 bytes",
			"toplevel.yaml:8:21: x-amazon-apigateway-endpoint-configuration.types.1: \"GLOBAL\" is not EDGE, REGIONAL or PRIVATE",
			"toplevel.yaml:9:29: x-amazon-apigateway-policy: policy string is not JSON: invalid character 'n' looking for beginning of object key string",
			"toplevel.yaml:10:41: x-amazon-apigateway-binary-media-types: must be a list of strings, not a string",
			"toplevel.yaml:13:5: x-amazon-apigateway-gateway-responses.NOT_A_TYPE: gateway response type \"NOT_A_TYPE\" is not one API Gateway defines",
			"toplevel.yaml:15:17: x-amazon-apigateway-gateway-responses.DEFAULT_5XX.statusCode: \"5xx\" is not an HTTP status code",
			"toplevel.yaml:17:33: x-amazon-apigateway-gateway-responses.DEFAULT_5XX.responseParameters.method.response.header.X: target must be gatewayresponse.header.NAME",
			"toplevel.yaml:20:24: x-amazon-apigateway-documentation.documentationParts.0: must be an object, not a string",
		}},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("%d files in testdata/errors but %d cases: every file needs its expected problems", len(files), len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			api, err := Import(readTestdata(t, filepath.Join("errors", tc.file)), ImportOptions{Filename: tc.file})
			if api != nil {
				t.Error("an import with problems returned an API")
			}
			checkErrors(t, err, tc.want)
		})
	}
}
