// Package integrationrequest turns a method request into an integration
// request: parameter mappings (integration.request.* from method.request.*,
// context, stage variables and literals), the request template chosen by
// Content-Type with API Gateway's passthrough rules, $context.requestOverride,
// and the backend URL with its {placeholders} and ${stageVariables.x} filled.
//
// A Step is compiled once per deployment. It does not call the backend and
// does not validate the method request; both are neighbouring steps.
package integrationrequest
