// Package gatewayresponse owns the data plane's one error type and the one
// place that turns an error into an HTTP answer.
//
// Every step of a stage's pipeline (router, method request, integration
// request, integration, integration response) reports failure as an *Error
// carrying an API Gateway gateway response type, the status and the
// client-safe message; the internal reason travels in Cause and never reaches
// the client. A Set, compiled once per deployment from the API's
// model.GatewayResponse list, renders those errors the way API Gateway does,
// with per-API status, header and template customizations.
//
// This package must not know about routing or backends: it only formats.
package gatewayresponse
