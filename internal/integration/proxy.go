package integration

import (
	"net/http"
	"net/url"

	"github.com/ferrygw/ferry/internal/binarymedia"
	"github.com/ferrygw/ferry/internal/reqctx"
)

// ProxyRequest is the whole method request, for AWS_PROXY backends that hand
// it to a Lambda function as the proxy event. The pipeline fills it only for
// AWS_PROXY integrations; every other backend sees Request.Proxy == nil.
type ProxyRequest struct {
	// HTTPMethod is the client's method.
	HTTPMethod string
	// Resource is the matched resource path ("/pets/{id}").
	Resource string
	// Path is the request path after the stage ("/pets/1").
	Path string
	// Header is the client's headers, every value kept.
	Header http.Header
	// Query is the client's query string, every value kept.
	Query url.Values
	// PathParams are the resource's path parameters, unescaped.
	PathParams map[string]string
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// Context is $context, the event's requestContext.
	Context *reqctx.Context
	// Body is the client's body, buffered.
	Body []byte
	// Binary are the API's binary media types: a body of such a type goes
	// to the function base64-encoded, and a function's base64 body is
	// decoded when the client accepts, or the function answers, such a type.
	Binary binarymedia.Types
}
