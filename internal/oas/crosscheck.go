package oas

import (
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// crossCheck holds an integration to what its method declares, as API
// Gateway does when it creates them: a mapping may only read declared
// request parameters, an integration response may only produce a declared
// method response, and may only set that response's declared headers.
func (im *importer) crossCheck(loc []string, m *model.Method) {
	in := m.MethodIntegration
	for target, src := range in.RequestParameters {
		if p, ok := declaredParam(src); ok {
			if _, declared := m.RequestParameters[p]; !declared {
				im.errorf(append(clip(loc), "requestParameters", target), "source %s is not a declared request parameter of the method; add it to parameters", src)
			}
		}
	}
	for i, p := range in.CacheKeyParameters {
		if _, declared := m.RequestParameters[p]; !declared {
			im.errorf(append(clip(loc), "cacheKeyParameters", itoa(i)), "%s is not a declared request parameter of the method", p)
		}
	}
	responses, _ := im.object(append(clip(loc), "responses"))
	for _, key := range responses.keys() {
		r, ok := im.object(responses.at(key))
		if !ok {
			continue
		}
		code := r.str("statusCode")
		ir := in.IntegrationResponses[code]
		if ir == nil || (ir.SelectionPattern != key && !(key == "default" && ir.SelectionPattern == "")) {
			continue // reported already, or a duplicate status
		}
		mr := m.MethodResponses[code]
		if mr == nil {
			im.errorf(r.at("statusCode"), "status %s has no method response; add %q to the operation's responses", code, code)
			continue
		}
		for target := range ir.ResponseParameters {
			if _, declared := mr.ResponseParameters[target]; !declared && responseTarget.MatchString(target) {
				im.errorf(append(r.at("responseParameters"), target), "header %s is not declared in the headers of response %s", strings.TrimPrefix(target, "method.response.header."), code)
			}
		}
	}
}

// declaredParam maps a mapping source to the method request parameter it
// needs declared; the body and non-request sources need none.
func declaredParam(src string) (string, bool) {
	rest, ok := strings.CutPrefix(src, "method.request.")
	if !ok {
		return "", false
	}
	in, name, ok := strings.Cut(rest, ".")
	if !ok {
		return "", false
	}
	switch in {
	case "path", "querystring", "header":
	case "multivaluequerystring":
		in = "querystring"
	case "multivalueheader":
		in = "header"
	default:
		return "", false
	}
	return "method.request." + in + "." + name, true
}
