package mappingtemplate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/textproto"

	"github.com/ferrygw/ferry/internal/reqctx"
)

// ProxyEvent is the part of an API Gateway proxy event (payload format 1.0)
// that feeds a mapping template; `ferry template render --event` reads it.
type ProxyEvent struct {
	// Resource is the resource path template ("/pets/{id}").
	Resource string `json:"resource"`
	// Path is the request path.
	Path string `json:"path"`
	// HTTPMethod is the request method.
	HTTPMethod string `json:"httpMethod"`
	// Headers holds one value per header.
	Headers map[string]string `json:"headers"`
	// MultiValueHeaders holds every value of each header; it wins over Headers.
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	// QueryStringParameters holds one value per query parameter.
	QueryStringParameters map[string]string `json:"queryStringParameters"`
	// MultiValueQueryStringParameters holds every value; it wins over QueryStringParameters.
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	// PathParameters are the path parameters by name.
	PathParameters map[string]string `json:"pathParameters"`
	// StageVariables are the stage's variables.
	StageVariables map[string]string `json:"stageVariables"`
	// RequestContext supplies $context.
	RequestContext *reqctx.Context `json:"requestContext"`
	// Body is the payload, base64-encoded when IsBase64Encoded is set.
	Body *string `json:"body"`
	// IsBase64Encoded marks a base64 Body.
	IsBase64Encoded bool `json:"isBase64Encoded"`
}

// InputFromEvent decodes a proxy event into an Input. Unknown fields are
// ignored: real events carry many this package does not read.
func InputFromEvent(data []byte) (*Input, error) {
	var ev ProxyEvent
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("event: %v", err)
	}
	in := &Input{
		Path:           ev.PathParameters,
		StageVariables: ev.StageVariables,
		Query:          map[string][]string{},
		Header:         map[string][]string{},
		Context:        ev.RequestContext,
	}
	if in.Context == nil {
		in.Context = &reqctx.Context{}
	}
	c := in.Context
	if c.HTTPMethod == "" {
		c.HTTPMethod = ev.HTTPMethod
	}
	if c.ResourcePath == "" {
		c.ResourcePath = ev.Resource
	}
	if c.Path == "" {
		c.Path = ev.Path
	}
	for k, v := range ev.QueryStringParameters {
		in.Query[k] = []string{v}
	}
	for k, v := range ev.MultiValueQueryStringParameters {
		in.Query[k] = v
	}
	for k, v := range ev.Headers {
		in.Header[textproto.CanonicalMIMEHeaderKey(k)] = []string{v}
	}
	for k, v := range ev.MultiValueHeaders {
		in.Header[textproto.CanonicalMIMEHeaderKey(k)] = v
	}
	if ev.Body != nil {
		in.Body = []byte(*ev.Body)
		if ev.IsBase64Encoded {
			b, err := base64.StdEncoding.DecodeString(*ev.Body)
			if err != nil {
				return nil, fmt.Errorf("event: body is marked isBase64Encoded but is not valid base64")
			}
			in.Body = b
		}
	}
	return in, nil
}
