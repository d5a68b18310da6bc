package mapping

import (
	"fmt"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// Kind says where a source value comes from or a target value goes.
type Kind uint8

// Source and target kinds.
const (
	Literal Kind = iota + 1
	RequestPath
	RequestQuery
	RequestMultiQuery
	RequestHeader
	RequestMultiHeader
	RequestBody
	RequestBodyPath
	Context
	StageVariable
	ResponseHeader
	ResponseMultiHeader
	ResponseBody
	ResponseBodyPath
)

// Source is a parsed mapping source.
type Source struct {
	// Kind says where the value comes from.
	Kind Kind
	// Name is the parameter, header, context path or stage variable name; the
	// literal's text for Literal.
	Name string
	// Expr is the JSONPath of a body source ("$.a.b"); empty for the whole body.
	Expr string
	path jp.Expr
}

// Target is a parsed mapping target.
type Target struct {
	// Kind says where the value goes.
	Kind Kind
	// Name is the parameter or header name.
	Name string
}

// String prints the source back as an expression.
func (s Source) String() string {
	switch s.Kind {
	case Literal:
		return "'" + s.Name + "'"
	case RequestBody:
		return "method.request.body"
	case RequestBodyPath:
		return "method.request.body" + bodyPathSuffix(s.Expr)
	case ResponseBody:
		return "integration.response.body"
	case ResponseBodyPath:
		return "integration.response.body" + bodyPathSuffix(s.Expr)
	case Context:
		return "context." + s.Name
	case StageVariable:
		return "stageVariables." + s.Name
	}
	for p, k := range namedSources {
		if k == s.Kind {
			return p + s.Name
		}
	}
	return "?"
}

var namedSources = map[string]Kind{
	"method.request.path.":                   RequestPath,
	"method.request.querystring.":            RequestQuery,
	"method.request.multivaluequerystring.":  RequestMultiQuery,
	"method.request.header.":                 RequestHeader,
	"method.request.multivalueheader.":       RequestMultiHeader,
	"integration.response.header.":           ResponseHeader,
	"integration.response.multivalueheader.": ResponseMultiHeader,
	"context.":                               Context,
	"stageVariables.":                        StageVariable,
}

// ParseSource parses a mapping source expression.
func ParseSource(s string) (Source, error) {
	if strings.HasPrefix(s, "'") {
		if len(s) < 2 || !strings.HasSuffix(s, "'") {
			return Source{}, fmt.Errorf("literal %q lacks its closing quote", s)
		}
		return Source{Kind: Literal, Name: s[1 : len(s)-1]}, nil
	}
	for _, b := range []struct {
		prefix string
		whole  Kind
		path   Kind
	}{
		{"method.request.body", RequestBody, RequestBodyPath},
		{"integration.response.body", ResponseBody, ResponseBodyPath},
	} {
		if s == b.prefix {
			return Source{Kind: b.whole}, nil
		}
		if rest, ok := strings.CutPrefix(s, b.prefix+"."); ok {
			src, err := bodyPath(b.path, rest)
			if err == nil && src.path.String() == "$" {
				// "method.request.body.$" is the whole body.
				return Source{Kind: b.whole}, nil
			}
			return src, err
		}
	}
	for p, k := range namedSources {
		if name, ok := strings.CutPrefix(s, p); ok {
			if name == "" {
				return Source{}, fmt.Errorf("%q names no parameter after %q", s, p)
			}
			if strings.ContainsAny(name, " \t\r\n") {
				return Source{}, fmt.Errorf("%q: name %q contains white space", s, name)
			}
			return Source{Kind: k, Name: name}, nil
		}
	}
	return Source{}, fmt.Errorf("%q is not a mapping source: want method.request.*, integration.response.*, context.*, stageVariables.* or a 'literal'", s)
}

// bodyPathSuffix prints a body JSONPath after its source's prefix: "$.a.b"
// as ".a.b", any other form ("$[0]", "$..a") whole after a dot, so that the
// printed expression parses back to the same path.
func bodyPathSuffix(expr string) string {
	if strings.HasPrefix(expr, "$.") && !strings.HasPrefix(expr, "$..") {
		return expr[1:]
	}
	return "." + expr
}

// bodyPath compiles the JSONPath after "method.request.body." ("a.b",
// "items[0].id", or an explicit "$.a").
func bodyPath(k Kind, rest string) (Source, error) {
	expr := rest
	if !strings.HasPrefix(expr, "$") {
		expr = "$." + rest
	}
	p, err := jp.ParseString(expr)
	if err != nil {
		return Source{}, fmt.Errorf("body JSONPath %q: %v", expr, err)
	}
	return Source{Kind: k, Expr: expr, path: p}, nil
}

// ParseTarget parses a target expression that must start with one of the
// allowed prefixes, each mapped to its kind.
func ParseTarget(s string, allowed map[string]Kind) (Target, error) {
	for p, k := range allowed {
		if name, ok := strings.CutPrefix(s, p); ok {
			if name == "" {
				return Target{}, fmt.Errorf("%q names no parameter after %q", s, p)
			}
			return Target{Kind: k, Name: name}, nil
		}
	}
	want := make([]string, 0, len(allowed))
	for p := range allowed {
		want = append(want, p+"NAME")
	}
	sortStrings(want)
	return Target{}, fmt.Errorf("%q is not a valid target: want one of %s", s, strings.Join(want, ", "))
}

// Targets of an integration request.
var IntegrationRequestTargets = map[string]Kind{
	"integration.request.path.":                  RequestPath,
	"integration.request.querystring.":           RequestQuery,
	"integration.request.multivaluequerystring.": RequestMultiQuery,
	"integration.request.header.":                RequestHeader,
	"integration.request.multivalueheader.":      RequestMultiHeader,
}

// Targets of a method response.
var MethodResponseTargets = map[string]Kind{
	"method.response.header.": ResponseHeader,
}

// Targets of a gateway response.
var GatewayResponseTargets = map[string]Kind{
	"gatewayresponse.header.": ResponseHeader,
}
