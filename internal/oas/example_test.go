package oas_test

import (
	"fmt"

	"github.com/ferrygw/ferry/internal/oas"
)

func ExampleImport() {
	doc := []byte(`
swagger: "2.0"
info: {title: notify, version: "1"}
paths:
  /notify:
    post:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:region:sns:action/Publish
        credentials: arn:aws:iam::account-id:role/notifier
        responses: {default: {statusCode: "200"}}
`)
	_, err := oas.Import(doc, oas.ImportOptions{Filename: "notify.yaml"})
	fmt.Println(err)

	api, err := oas.Import(doc, oas.ImportOptions{Filename: "notify.yaml", Region: "eu-west-1", AccountID: "123456789012"})
	if err != nil {
		fmt.Println(err)
		return
	}
	in := api.FindResource("/notify").ResourceMethods["POST"].MethodIntegration
	fmt.Println(in.Type, in.URI)
	fmt.Println(in.Credentials)
	// Output:
	// notify.yaml:11:14: POST /notify: x-amazon-apigateway-integration.uri: region "region" is a placeholder; pass --region
	// notify.yaml:12:22: POST /notify: x-amazon-apigateway-integration.credentials: account id "account-id" is a placeholder; pass --account-id
	// AWS arn:aws:apigateway:eu-west-1:sns:action/Publish
	// arn:aws:iam::123456789012:role/notifier
}
