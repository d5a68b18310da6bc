package authorizer

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/reqctx"
)

type tokenEvent struct {
	Type               string `json:"type"`
	AuthorizationToken string `json:"authorizationToken"`
	MethodArn          string `json:"methodArn"`
}

type requestEvent struct {
	Type                            string              `json:"type"`
	MethodArn                       string              `json:"methodArn"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  *reqctx.Context     `json:"requestContext"`
}

// event is the authorizer's input: TOKEN's three fields, or REQUEST's
// copy of the method request (as a proxy event, without the body).
func (l *lambdaAuth) event(g *pipeline.GuardRequest, m *method, arn, token string) ([]byte, error) {
	if l.token {
		return json.Marshal(tokenEvent{Type: TypeToken, AuthorizationToken: token, MethodArn: arn})
	}
	ev := requestEvent{
		Type: TypeRequest, MethodArn: arn, Resource: g.ResourcePath, HTTPMethod: g.HTTP.Method,
		Path: pathOf(arn), RequestContext: g.Context,
	}
	if len(g.HTTP.Header) > 0 || g.HTTP.Host != "" {
		ev.Headers, ev.MultiValueHeaders = map[string]string{}, map[string][]string{}
		for k, vs := range g.HTTP.Header {
			if len(vs) > 0 {
				ev.Headers[k], ev.MultiValueHeaders[k] = vs[len(vs)-1], vs
			}
		}
		if g.HTTP.Host != "" {
			ev.Headers["Host"], ev.MultiValueHeaders["Host"] = g.HTTP.Host, []string{g.HTTP.Host}
		}
	}
	if q := g.HTTP.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters, ev.MultiValueQueryStringParameters = map[string]string{}, url.Values{}
		for k, vs := range q {
			if len(vs) > 0 {
				ev.QueryStringParameters[k], ev.MultiValueQueryStringParameters[k] = vs[len(vs)-1], vs
			}
		}
	}
	if len(g.PathParams) > 0 {
		ev.PathParameters = g.PathParams
	}
	if len(g.StageVariables) > 0 {
		ev.StageVariables = g.StageVariables
	}
	return json.Marshal(ev)
}

// pathOf is the called path of a method ARN (after API id, stage and verb).
func pathOf(arn string) string {
	i := strings.Index(arn, "/")
	if i < 0 {
		return "/"
	}
	rest := arn[i+1:]
	for n := 0; n < 2; n++ {
		j := strings.Index(rest, "/")
		if j < 0 {
			return "/"
		}
		rest = rest[j+1:]
	}
	return "/" + rest
}
