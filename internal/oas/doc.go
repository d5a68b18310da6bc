// Package oas turns OpenAPI documents carrying Amazon API Gateway's
// x-amazon-apigateway-* extensions into a model.API, and a model.API back
// into such a document.
//
// Import follows API Gateway's own import semantics for REST APIs, so an
// export taken from AWS runs on ferry unchanged. It accepts OpenAPI 2.0 and
// 3.0, JSON or YAML, resolves CloudFormation Fn::Sub strings, and fills
// region and account placeholders in ARNs when told what they are. Every
// problem is reported with the file, line:col, the resource path and method
// it concerns and the dotted OpenAPI field, all at once, and nothing is
// returned on error, so a caller can import all-or-nothing.
//
// The package owns the translation only. It does not store, deploy, compile
// mapping templates or call AWS: the admin API stores what Import returns,
// and the data plane compiles templates when it builds a deployment. The one
// thing it does compile is selection patterns, because a pattern that cannot
// compile is a property of the document, and reporting it at import time
// points at the right line.
package oas
