package mapping

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/ohler55/ojg/oj"

	"github.com/ferrygw/ferry/internal/reqctx"
)

// Values is what a source can read: the method request, and in an
// integration response the backend's answer.
type Values struct {
	// Path holds the decoded path parameters.
	Path map[string]string
	// Greedy names the path parameter of a {name+} resource segment, whose
	// slashes are path separators rather than data.
	Greedy string
	// Query is the method request's query string, every value in order.
	Query url.Values
	// Header is the method request's headers.
	Header http.Header
	// Host is the request's Host, which Go keeps out of Header.
	Host string
	// Body is the buffered method request body.
	Body []byte
	// Context is $context.
	Context *reqctx.Context
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// RespHeader is the backend's headers, in an integration response.
	RespHeader http.Header
	// RespBody is the backend's body, in an integration response.
	RespBody []byte

	reqDoc, respDoc       any
	reqParsed, respParsed bool
}

// Eval returns the source's values, or nil when the source is absent. A
// single-valued source yields one value; the multivalue sources yield all.
// The error is a broken mapping: a body that is not JSON under a JSONPath.
func (s *Source) Eval(v *Values) ([]string, error) {
	one := func(x string, ok bool) ([]string, error) {
		if !ok {
			return nil, nil
		}
		return []string{x}, nil
	}
	switch s.Kind {
	case Literal:
		return []string{s.Name}, nil
	case RequestPath:
		x, ok := v.Path[s.Name]
		return one(x, ok)
	case RequestQuery:
		vs := v.Query[s.Name]
		if len(vs) == 0 {
			return nil, nil
		}
		return vs[len(vs)-1:], nil
	case RequestMultiQuery:
		return v.Query[s.Name], nil
	case RequestHeader:
		if v.Host != "" && strings.EqualFold(s.Name, "Host") {
			return []string{v.Host}, nil
		}
		return lastHeader(v.Header, s.Name)
	case RequestMultiHeader:
		if v.Host != "" && strings.EqualFold(s.Name, "Host") {
			return []string{v.Host}, nil
		}
		return v.Header.Values(s.Name), nil
	case ResponseHeader:
		return lastHeader(v.RespHeader, s.Name)
	case ResponseMultiHeader:
		return v.RespHeader.Values(s.Name), nil
	case RequestBody:
		return []string{string(v.Body)}, nil
	case ResponseBody:
		return []string{string(v.RespBody)}, nil
	case RequestBodyPath:
		if !v.reqParsed {
			v.reqDoc, v.reqParsed = parseBody(v.Body), true
		}
		return s.evalPath(v.reqDoc, "method request")
	case ResponseBodyPath:
		if !v.respParsed {
			v.respDoc, v.respParsed = parseBody(v.RespBody), true
		}
		return s.evalPath(v.respDoc, "integration response")
	case Context:
		return one(ContextValue(v.Context, s.Name))
	case StageVariable:
		x, ok := v.StageVariables[s.Name]
		return one(x, ok)
	}
	return nil, fmt.Errorf("source kind %d cannot be evaluated", s.Kind)
}

type badJSON struct{ err error }

func parseBody(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	doc, err := oj.Parse(b)
	if err != nil {
		return badJSON{err}
	}
	return doc
}

func (s *Source) evalPath(doc any, where string) ([]string, error) {
	if bad, ok := doc.(badJSON); ok {
		return nil, fmt.Errorf("%s: %s body is not JSON: %v", s, where, bad.err)
	}
	if doc == nil {
		return nil, nil
	}
	res := s.path.Get(doc)
	if len(res) == 0 {
		return nil, nil
	}
	out := res[0]
	if len(res) > 1 {
		out = res
	}
	if str, ok := out.(string); ok {
		return []string{str}, nil
	}
	return []string{oj.JSON(out, &oj.Options{Sort: true})}, nil
}

func lastHeader(h http.Header, name string) ([]string, error) {
	vs := h.Values(name)
	if len(vs) == 0 {
		return nil, nil
	}
	return vs[len(vs)-1:], nil
}

// ContextValue reads $context.NAME ("requestId", "identity.sourceIp",
// "authorizer.claims.sub").
func ContextValue(c *reqctx.Context, name string) (string, bool) {
	if c == nil {
		return "", false
	}
	switch name {
	case "requestId":
		return c.RequestID, true
	case "extendedRequestId":
		return c.ExtendedRequestID, true
	case "apiId":
		return c.APIID, true
	case "stage":
		return c.Stage, true
	case "resourcePath":
		return c.ResourcePath, true
	case "resourceId":
		return c.ResourceID, true
	case "httpMethod":
		return c.HTTPMethod, true
	case "path":
		return c.Path, true
	case "protocol":
		return c.Protocol, true
	case "requestTime":
		return c.RequestTime, true
	case "requestTimeEpoch":
		return strconv.FormatInt(c.RequestTimeEpoch, 10), true
	case "domainName":
		return c.DomainName, true
	case "domainPrefix":
		return c.DomainPrefix, true
	case "accountId":
		return c.AccountID, true
	case "identity.sourceIp":
		return c.Identity.SourceIP, true
	case "identity.userAgent":
		return c.Identity.UserAgent, true
	case "identity.apiKey":
		return c.Identity.APIKey, true
	case "identity.apiKeyId":
		return c.Identity.APIKeyID, true
	case "identity.caller":
		return c.Identity.Caller, true
	case "identity.user":
		return c.Identity.User, true
	case "identity.userArn":
		return c.Identity.UserArn, true
	case "identity.accountId":
		return c.Identity.AccountID, true
	case "identity.accessKey":
		return c.Identity.AccessKey, true
	case "error.message":
		return c.Error.Message, true
	case "error.messageString":
		return c.Error.MessageString, true
	case "error.responseType":
		return c.Error.ResponseType, true
	case "error.validationErrorString":
		return c.Error.ValidationErrorString, true
	}
	if rest, ok := strings.CutPrefix(name, "authorizer."); ok && c.Authorizer != nil {
		var cur any = c.Authorizer
		for _, part := range strings.Split(rest, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				return "", false
			}
			if cur, ok = m[part]; !ok {
				return "", false
			}
		}
		switch x := cur.(type) {
		case string:
			return x, true
		case nil:
			return "", false
		default:
			b, err := json.Marshal(x)
			if err != nil {
				return "", false
			}
			return string(b), true
		}
	}
	return "", false
}

func sortStrings(s []string) { sort.Strings(s) }
