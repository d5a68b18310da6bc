// Package integrationresponse turns a backend's answer into the method
// response: it selects the integration response whose selectionPattern fully
// matches the selection key (the backend status for HTTP and MOCK; a hook
// lets Lambda integrations use errorMessage), maps response parameters,
// renders the response template chosen by Accept and applies
// $context.responseOverride.
//
// A Selector is compiled once per deployment. Proxy integrations have none:
// their answers go back unchanged.
package integrationresponse
