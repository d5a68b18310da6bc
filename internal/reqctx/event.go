package reqctx

// ProxyEvent is API Gateway's proxy event, payload format 1.0: the method
// request as a Lambda proxy integration receives it, and the shape
// `ferry template render --event` reads. Maps left nil marshal as null, as
// API Gateway sends them when the request has none.
type ProxyEvent struct {
	// Resource is the resource path template ("/pets/{id}").
	Resource string `json:"resource"`
	// Path is the request path.
	Path string `json:"path"`
	// HTTPMethod is the request method.
	HTTPMethod string `json:"httpMethod"`
	// Headers holds one value per header (the last of repeated ones).
	Headers map[string]string `json:"headers"`
	// MultiValueHeaders holds every value of each header.
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	// QueryStringParameters holds one value per query parameter (the last).
	QueryStringParameters map[string]string `json:"queryStringParameters"`
	// MultiValueQueryStringParameters holds every value of each parameter.
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	// PathParameters are the path parameters by name.
	PathParameters map[string]string `json:"pathParameters"`
	// StageVariables are the stage's variables.
	StageVariables map[string]string `json:"stageVariables"`
	// RequestContext is $context.
	RequestContext *Context `json:"requestContext"`
	// Body is the payload, base64-encoded when IsBase64Encoded is set; nil for none.
	Body *string `json:"body"`
	// IsBase64Encoded marks a base64 Body.
	IsBase64Encoded bool `json:"isBase64Encoded"`
}
