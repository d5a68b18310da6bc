// Package methodrequest validates a method request the way an API Gateway
// request validator does: required parameters (path, query string, header)
// and the body against the method's request model, a JSON Schema draft 4.
// Failures are gateway-response errors with API Gateway's exact messages.
//
// A Validator is compiled once per deployment; a method without a validator,
// or whose validator checks nothing it declares, compiles to nil and costs
// nothing per request. Authorization and API keys are other steps.
package methodrequest
