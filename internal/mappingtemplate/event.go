package mappingtemplate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/textproto"

	"github.com/ferrygw/ferry/internal/reqctx"
)

// ProxyEvent is the proxy event (payload format 1.0) that
// `ferry template render --event` reads; see reqctx.ProxyEvent.
type ProxyEvent = reqctx.ProxyEvent

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
