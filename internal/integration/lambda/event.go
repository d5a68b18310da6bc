package lambda

import (
	"encoding/base64"
	"encoding/json"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/reqctx"
)

// BuildEvent is the proxy event of a method request. A header or query
// parameter given more than once keeps its last value in headers and
// queryStringParameters and every value in the multiValue maps. A body
// whose Content-Type is one of the API's binary media types is sent
// base64-encoded with isBase64Encoded set; any other body as text.
func BuildEvent(p *integration.ProxyRequest) ([]byte, error) {
	ev := reqctx.ProxyEvent{
		Resource:       p.Resource,
		Path:           p.Path,
		HTTPMethod:     p.HTTPMethod,
		RequestContext: p.Context,
	}
	if len(p.Header) > 0 {
		ev.Headers = make(map[string]string, len(p.Header))
		ev.MultiValueHeaders = make(map[string][]string, len(p.Header))
		for k, vs := range p.Header {
			if len(vs) == 0 {
				continue
			}
			ev.Headers[k] = vs[len(vs)-1]
			ev.MultiValueHeaders[k] = vs
		}
	}
	if len(p.Query) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(p.Query))
		ev.MultiValueQueryStringParameters = make(map[string][]string, len(p.Query))
		for k, vs := range p.Query {
			if len(vs) == 0 {
				continue
			}
			ev.QueryStringParameters[k] = vs[len(vs)-1]
			ev.MultiValueQueryStringParameters[k] = vs
		}
	}
	if len(p.PathParams) > 0 {
		ev.PathParameters = p.PathParams
	}
	if len(p.StageVariables) > 0 {
		ev.StageVariables = p.StageVariables
	}
	if len(p.Body) > 0 {
		var s string
		if p.Binary.Match(p.Header.Get("Content-Type")) {
			s = base64.StdEncoding.EncodeToString(p.Body)
			ev.IsBase64Encoded = true
		} else {
			s = string(p.Body)
		}
		ev.Body = &s
	}
	return json.Marshal(&ev)
}
