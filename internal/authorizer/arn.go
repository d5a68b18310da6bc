package authorizer

import (
	"strings"

	"github.com/ferrygw/ferry/internal/integration/lambda"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// segment is one part of a resource path: literal text, or the path
// parameter whose value replaces it in the method ARN.
type segment struct {
	text  string
	param string
}

// splitPath compiles "/pets/{id}" so a method ARN is built without parsing
// per call.
func splitPath(path string) []segment {
	var out []segment
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			name := strings.TrimSuffix(part[1:len(part)-1], "+")
			out = append(out, segment{param: name})
			continue
		}
		out = append(out, segment{text: part})
	}
	return out
}

// methodARN is the resource an authorizer's policy is evaluated against:
// arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/VERB/PATH, with the
// path as called (parameters filled in) and the verb the client used.
func (m *method) methodARN(g *pipeline.GuardRequest, account string) string {
	var b strings.Builder
	b.Grow(64 + len(g.HTTP.URL.Path))
	b.WriteString("arn:aws:execute-api:")
	b.WriteString(m.region)
	b.WriteByte(':')
	b.WriteString(account)
	b.WriteByte(':')
	b.WriteString(g.APIID)
	b.WriteByte('/')
	if g.Stage == "" {
		b.WriteString("test-invoke-stage")
	} else {
		b.WriteString(g.Stage)
	}
	b.WriteByte('/')
	b.WriteString(g.HTTP.Method)
	b.WriteByte('/')
	for i, s := range m.path {
		if i > 0 {
			b.WriteByte('/')
		}
		if s.param != "" {
			b.WriteString(g.PathParams[s.param])
		} else {
			b.WriteString(s.text)
		}
	}
	return b.String()
}

// regionOf is the region an authorizer lives in: its Lambda URI's or its
// first user pool's.
func regionOf(def *model.Authorizer) string {
	if t, ok, err := lambda.ParseInvokeURI(def.AuthorizerURI); ok && err == nil {
		return t.Region
	}
	for _, arn := range def.ProviderARNs {
		if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
			return parts[3]
		}
	}
	return ""
}

// accountOf guesses the account an API lives in from its authorizer, for
// method ARNs when ferry is told no account: the function's ARN names it,
// else the invoking role's. Policies that spell the account out then match
// as they do on API Gateway.
func accountOf(def *model.Authorizer) string {
	if t, ok, err := lambda.ParseInvokeURI(def.AuthorizerURI); ok && err == nil {
		if parts := strings.Split(t.Function, ":"); len(parts) >= 7 && parts[0] == "arn" {
			return parts[4]
		} else if len(parts) >= 3 && parts[1] == "function" {
			return parts[0]
		}
	}
	if parts := strings.SplitN(def.AuthorizerCredentials, ":", 6); len(parts) == 6 && parts[0] == "arn" {
		return parts[4]
	}
	return ""
}
