package awsproto

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// RequestInput is what the integration request stage hands over: the
// parsed URI, the endpoint, and everything the mappings produced.
type RequestInput struct {
	// URI is the integration's parsed service URI.
	URI ServiceURI
	// HTTPMethod is the integration's httpMethod. Query and JSON protocol
	// calls are always POST: their parameters travel in the body.
	HTTPMethod string
	// BaseURL is the service endpoint (awsauth.Endpoint.URL).
	BaseURL string
	// PathStyle puts an S3 bucket subdomain in the path instead of the host,
	// for endpoints that are overridden (local servers have no wildcard DNS).
	PathStyle bool
	// Body is the rendered mapping result.
	Body []byte
	// Headers are the integration.request.header.* values; they override
	// the protocol's defaults.
	Headers http.Header
	// Query are the integration.request.querystring.* values. For query
	// protocol services they join the form body.
	Query url.Values
	// PathParams are the integration.request.path.* values, substituted for
	// {name} placeholders of a path URI.
	PathParams map[string]string
}

// BuildRequest returns the unsigned request for in. It sets Content-Length
// and GetBody so the request can be signed and retried.
func BuildRequest(ctx context.Context, in RequestInput) (*http.Request, error) {
	svc, known := Lookup(in.URI.Service)
	base, err := url.Parse(in.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("awsproto: endpoint %q is not a base URL", in.BaseURL)
	}
	var (
		method  string
		target  *url.URL
		body    []byte
		headers = http.Header{}
	)
	switch in.URI.Kind {
	case ActionURI:
		if !known {
			return nil, fmt.Errorf("awsproto: %s: ferry does not know the protocol of service %q; use a path/ URI", in.URI, svc.Name)
		}
		method, target = http.MethodPost, base.JoinPath("/")
		switch {
		case svc.Protocol == JSON || svc.TargetPrefix != "" && wantsJSON(in.Headers):
			body = jsonBody(in.Body)
			headers.Set("Content-Type", "application/x-amz-json-"+svc.JSONVersion)
			headers.Set("X-Amz-Target", svc.TargetPrefix+"."+in.URI.Action)
		case svc.Protocol == Query:
			body = queryBody(in.Body, in.URI, svc.Version, in.Query)
			headers.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			headers.Set("Accept", "application/json")
		default:
			return nil, fmt.Errorf("awsproto: %s: service %s speaks %s; use a path/ URI", in.URI, svc.Name, svc.Protocol)
		}
	case PathURI:
		if method = strings.ToUpper(in.HTTPMethod); method == "" {
			return nil, fmt.Errorf("awsproto: %s: the integration has no httpMethod", in.URI)
		}
		if target, err = pathTarget(base, in); err != nil {
			return nil, err
		}
		body = in.Body
		if svc.Protocol == Query {
			headers.Set("Accept", "application/json")
			if len(body) > 0 {
				headers.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			}
		}
	default:
		return nil, fmt.Errorf("awsproto: service URI has no kind (parse it with ParseServiceURI)")
	}
	for name, values := range in.Headers {
		headers[http.CanonicalHeaderKey(name)] = append([]string(nil), values...)
	}
	req, err := http.NewRequestWithContext(ctx, method, target.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("awsproto: %s: %w", in.URI, err)
	}
	req.Header = headers
	if len(body) == 0 {
		req.Body, req.GetBody = http.NoBody, func() (io.ReadCloser, error) { return http.NoBody, nil }
	}
	return req, nil
}

func wantsJSON(h http.Header) bool {
	return strings.HasPrefix(strings.ToLower(h.Get("Content-Type")), "application/x-amz-json-")
}

// jsonBody sends "{}" for an empty body: JSON services reject a request
// with no document at all.
func jsonBody(b []byte) []byte {
	if len(bytes.TrimSpace(b)) == 0 {
		return []byte("{}")
	}
	return b
}

// queryBody keeps the rendered body byte for byte and appends what it
// lacks: Action and Version, then the URI's parameters, then the mapped
// query string. A parameter the template wrote wins over both.
func queryBody(rendered []byte, u ServiceURI, version string, query url.Values) []byte {
	present := map[string]bool{}
	body := strings.TrimRight(string(rendered), "\r\n")
	for _, pair := range strings.Split(body, "&") {
		k, _, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil && name != "" {
			present[name] = true
		}
	}
	var b strings.Builder
	b.WriteString(body)
	add := func(name, value string) {
		if present[name] {
			return
		}
		present[name] = true
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(name) + "=" + url.QueryEscape(value))
	}
	add("Action", u.Action)
	add("Version", version)
	for _, p := range u.Params {
		add(p.Name, p.Value)
	}
	names := make([]string, 0, len(query))
	for name := range query {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range query[name] {
			add(name, v)
		}
	}
	return []byte(b.String())
}

// pathTarget substitutes placeholders and, for S3 buckets, places the
// subdomain in the host or, path-style, in front of the path.
func pathTarget(base *url.URL, in RequestInput) (*url.URL, error) {
	raw, rawQuery, _ := strings.Cut(in.URI.Path, "?")
	path, err := substitute(raw, in.PathParams, in.URI)
	if err != nil {
		return nil, err
	}
	target := *base
	if sub := in.URI.Subdomain; sub != "" {
		sub, err = substitute(sub, in.PathParams, in.URI)
		if err != nil {
			return nil, err
		}
		if in.PathStyle {
			path = "/" + url.PathEscape(sub) + path
		} else {
			target.Host = sub + "." + target.Host
		}
	}
	target.RawPath = strings.TrimRight(base.EscapedPath(), "/") + path
	unescaped, err := url.PathUnescape(target.RawPath)
	if err != nil {
		return nil, fmt.Errorf("awsproto: %s: path %q: %w", in.URI, target.RawPath, err)
	}
	target.Path = unescaped
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("awsproto: %s: query %q: %w", in.URI, rawQuery, err)
	}
	for name, values := range in.Query {
		q[name] = append(q[name], values...)
	}
	target.RawQuery = q.Encode()
	return &target, nil
}

// substitute replaces {name} with the escaped path parameter and {name+}
// with the parameter escaped segment by segment, keeping its slashes. S3
// keys always keep their slashes, as the SDKs send them: S3 reads "%2F" as
// "/" anyway, and a signature over the escaped form would not match the
// canonical path S3 computes. A placeholder with no value is an error: AWS
// would reach the wrong object.
func substitute(s string, params map[string]string, u ServiceURI) (string, error) {
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("awsproto: %s: unclosed '{' in %q", u, s)
		}
		b.WriteString(s[:open])
		name := s[open+1 : open+end]
		greedy := strings.HasSuffix(name, "+") || u.Service == "s3"
		name = strings.TrimSuffix(name, "+")
		v, ok := params[name]
		if !ok {
			return "", fmt.Errorf("awsproto: %s: no integration.request.path.%s for {%s}", u, name, s[open+1:open+end])
		}
		if greedy {
			segs := strings.Split(v, "/")
			for i := range segs {
				segs[i] = escapeSegment(segs[i])
			}
			b.WriteString(strings.Join(segs, "/"))
		} else {
			b.WriteString(escapeSegment(v))
		}
		s = s[open+end+1:]
	}
}

// escapeSegment escapes a path segment the way AWS's canonical request does
// (RFC 3986: everything but A-Z a-z 0-9 - _ . ~), not the way net/url does:
// url.PathEscape keeps "+", "=", "@" and others, which S3 then escapes when it
// computes the signature, and the two signatures differ.
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
