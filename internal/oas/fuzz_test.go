package oas

import "testing"

// FuzzImport feeds arbitrary bytes to Import: it must never panic, and an
// API it accepts must export and import again.
func FuzzImport(f *testing.F) {
	f.Add(readTestdata(f, "sns-publish.fnsub.json"))
	f.Add([]byte("swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths:\n  /a/{b}:\n    get:\n      parameters: [{name: b, in: path, required: true, type: string}]\n      responses: {\"200\": {description: ok}}\n      x-amazon-apigateway-integration: {type: mock, responses: {default: {statusCode: \"200\"}}}\n"))
	f.Add([]byte(`{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/{proxy+}":{"x-amazon-apigateway-any-method":{"responses":{},"x-amazon-apigateway-integration":{"type":"http_proxy","httpMethod":"ANY","uri":"http://h/{proxy}"}}}}}`))
	f.Add([]byte("openapi: 3.0.1\ninfo: {title: !Sub '${A}-${!B}', version: \"1\"}\nx-a: &x [1, *x]\npaths: {}\n"))
	f.Add([]byte(`{"swagger":"2.0","info":{"title":"t"},"paths":{"/":{"get":{"responses":{}}}},"definitions":{"A":{"$ref":"#/definitions/A"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		api, err := Import(data, ImportOptions{Filename: "fuzz", Vars: map[string]string{"A": "a"}})
		if err != nil {
			if api != nil {
				t.Fatal("an API and an error together")
			}
			if len(Errors(err)) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			return
		}
		out, err := Export(api)
		if err != nil {
			t.Fatalf("export of an imported API: %v", err)
		}
		if _, err := Import(out, ImportOptions{Filename: "export"}); err != nil {
			t.Fatalf("re-import of the export: %v\n%s", err, out)
		}
	})
}
