package pipeline

import (
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

// proxyRequest is the whole method request for an AWS_PROXY backend. The
// maps are the request's own (not copies): the backend only reads them
// while the request is served.
func (x *exchange) proxyRequest() *integration.ProxyRequest {
	path := x.e.Path
	if path == "" {
		path = "/"
	}
	return &integration.ProxyRequest{
		HTTPMethod:     x.r.Method,
		Resource:       x.op.resourcePath,
		Path:           path,
		Header:         x.r.Header,
		Query:          x.r.URL.Query(),
		PathParams:     x.vals.Path,
		StageVariables: x.s.vars,
		Context:        x.rc,
		Body:           x.vals.Body,
		Binary:         x.s.media,
	}
}

// stageVariables are the variables of the stage being compiled: never nil
// for a stage, even one without variables, and nil in Check.
func stageVariables(s *model.Stage) map[string]string {
	switch {
	case s == nil:
		return nil
	case s.Variables == nil:
		return map[string]string{}
	}
	return s.Variables
}
