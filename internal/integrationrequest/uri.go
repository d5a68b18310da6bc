package integrationrequest

import (
	"fmt"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"net/url"
	"strings"
)

// uriTemplate is an HTTP integration URI split into text, {path}
// placeholders and ${stageVariables.x} references.
type uriTemplate struct {
	parts []uriPart
}

type uriPart struct {
	text     string
	param    string // {name} or {name+}
	stageVar string
}

func parseURITemplate(s string) (*uriTemplate, error) {
	t := &uriTemplate{}
	for len(s) > 0 {
		i := strings.IndexAny(s, "{$")
		if i < 0 {
			t.parts = append(t.parts, uriPart{text: s})
			break
		}
		if s[i] == '$' && !strings.HasPrefix(s[i:], "${") {
			t.parts = append(t.parts, uriPart{text: s[:i+1]})
			s = s[i+1:]
			continue
		}
		if i > 0 {
			t.parts = append(t.parts, uriPart{text: s[:i]})
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf("%q: unclosed %q", s, s[i:])
		}
		inner := s[i : i+end+1]
		s = s[i+end+1:]
		if strings.HasPrefix(inner, "${") {
			name, ok := strings.CutPrefix(inner[2:len(inner)-1], "stageVariables.")
			if !ok || name == "" {
				return nil, fmt.Errorf("%q: want ${stageVariables.NAME}", inner)
			}
			t.parts = append(t.parts, uriPart{stageVar: name})
			continue
		}
		name := strings.TrimSuffix(inner[1:len(inner)-1], "+")
		if name == "" {
			return nil, fmt.Errorf("empty placeholder %q", inner)
		}
		t.parts = append(t.parts, uriPart{param: name})
	}
	return t, nil
}

func (t *uriTemplate) fill(path, stageVars map[string]string) (*url.URL, error) {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.param != "":
			v, ok := path[p.param]
			if !ok {
				return nil, fmt.Errorf("integration.uri: {%s} has no integration.request.path.%s mapping value", p.param, p.param)
			}
			b.WriteString(v)
		case p.stageVar != "":
			b.WriteString(stageVars[p.stageVar])
		default:
			b.WriteString(p.text)
		}
	}
	u, err := url.Parse(b.String())
	if err != nil {
		return nil, fmt.Errorf("integration.uri after substitution: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("integration.uri after substitution %q is not an http(s) URL", u.Redacted())
	}
	return u, nil
}

// escapePath escapes a path parameter value for the backend URL. Only a
// greedy parameter's slashes stay separators; elsewhere a slash is data.
func escapePath(v string, keepSlash bool) string {
	if !keepSlash {
		return url.PathEscape(v)
	}
	segs := strings.Split(v, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// checkPathValue refuses a path parameter that would climb out of the URI
// path it is filled into: a "." or ".." segment (also percent-encoded, which
// some servers decode before normalizing). Inside a non-greedy parameter a
// slash is escaped, but S3 keys keep theirs, so every segment is checked.
func checkPathValue(name, v string) error {
	for _, seg := range strings.Split(v, "/") {
		switch strings.ToLower(strings.ReplaceAll(seg, "%2e", ".")) {
		case ".", "..":
			return gatewayresponse.Newf(gatewayresponse.BadRequestParameters,
				"Invalid request path parameter %s: it may not hold a \".\" or \"..\" segment", name)
		}
	}
	return nil
}
