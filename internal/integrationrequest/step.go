package integrationrequest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/mappingtemplate"
	"github.com/ferrygw/ferry/internal/model"
)

// DefaultContentType stands in for a missing Content-Type, as in API Gateway.
const DefaultContentType = "application/json"

// Step is a compiled integration request.
type Step struct {
	typ         string
	method      string
	proxy       bool
	uri         *uriTemplate
	params      []param
	templates   map[string]*mappingtemplate.Template
	passthrough string
	// needsBody is true when a mapping or template reads the request body.
	needsBody bool
	// streams is true for integrations that take the client's body as a
	// stream though they are not proxies (S3 path integrations).
	streams bool
}

type param struct {
	target mapping.Target
	source mapping.Source
	key    string // the target as written, for errors
}

// Compile checks and compiles an integration's request side. Errors name
// the field: `integration.requestParameters["integration.request.path.id"]: ...`.
func Compile(in *model.Integration) (*Step, error) {
	s := &Step{
		typ:         in.Type,
		method:      strings.ToUpper(in.HTTPMethod),
		proxy:       in.Type == model.IntegrationHTTPProxy || in.Type == model.IntegrationAWSProxy,
		passthrough: in.PassthroughBehavior,
	}
	switch s.passthrough {
	case "":
		s.passthrough = model.PassthroughWhenNoMatch
	case model.PassthroughWhenNoMatch, model.PassthroughWhenNoTemplates, model.PassthroughNever:
	default:
		return nil, fmt.Errorf("integration.passthroughBehavior %q: want WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER", in.PassthroughBehavior)
	}
	keys := make([]string, 0, len(in.RequestParameters))
	for k := range in.RequestParameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		where := fmt.Sprintf("integration.requestParameters[%q]", k)
		tg, err := mapping.ParseTarget(k, mapping.IntegrationRequestTargets)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		src, err := mapping.ParseSource(in.RequestParameters[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		switch src.Kind {
		case mapping.ResponseHeader, mapping.ResponseMultiHeader, mapping.ResponseBody, mapping.ResponseBodyPath:
			return nil, fmt.Errorf("%s: an integration request cannot read %s", where, src)
		case mapping.RequestBody, mapping.RequestBodyPath:
			s.needsBody = true
		}
		s.params = append(s.params, param{target: tg, source: src, key: k})
	}
	if !s.proxy && len(in.RequestTemplates) > 0 {
		s.templates = make(map[string]*mappingtemplate.Template, len(in.RequestTemplates))
		for ct, src := range in.RequestTemplates {
			name := fmt.Sprintf("integration.requestTemplates[%q]", ct)
			t, err := mappingtemplate.Parse(name, src)
			if err != nil {
				return nil, templateError(name, err)
			}
			s.templates[strings.ToLower(ct)] = t
		}
		s.needsBody = true
	}
	s.streams = streamsBody(in)
	if in.Type == model.IntegrationHTTP || in.Type == model.IntegrationHTTPProxy {
		u, err := parseURITemplate(in.URI)
		if err != nil {
			return nil, fmt.Errorf("integration.uri: %w", err)
		}
		s.uri = u
	}
	return s, nil
}

// NeedsBody reports whether building the request reads the method request
// body; when false the body may stream through (HTTP_PROXY without body
// mappings, S3 path integrations without request templates).
func (s *Step) NeedsBody() bool { return s.needsBody || !(s.proxy || s.streams) }

// Input is one method request as the step reads it.
type Input struct {
	// Values is the method request for mappings; Values.Body is the buffered body.
	Values *mapping.Values
	// HTTPMethod is the client's method.
	HTTPMethod string
	// RawQuery is the client's query string, forwarded as is by proxies.
	RawQuery string
	// Stream is the unread client body when the step does not need it buffered.
	Stream io.Reader
	// ContentLength is Stream's length, -1 when unknown.
	ContentLength int64
	// Template is the template input; its Context receives $context.requestOverride.
	Template *mappingtemplate.Input
	// Trace, when set, receives the rendered body for the execution log.
	Trace func(format string, args ...any)
}

// Build makes the integration request.
func (s *Step) Build(ctx context.Context, in *Input) (*integration.Request, error) {
	v := in.Values
	out := &integration.Request{Method: s.method, ContentLength: -1}
	if out.Method == "" || out.Method == "ANY" {
		out.Method = in.HTTPMethod
	}
	if s.proxy {
		out.Header = v.Header.Clone()
	} else {
		out.Header = http.Header{}
	}
	var query url.Values
	// Made on first use: most methods map no path. pathParams are escaped for
	// an HTTP URI; rawPath are the values themselves, for AWS service URIs,
	// whose protocol escapes them its own way.
	var pathParams, rawPath map[string]string
	for i := range s.params {
		p := &s.params[i]
		vals, err := p.source.Eval(v)
		if err != nil {
			return nil, gatewayresponse.Internal(fmt.Errorf("integration.requestParameters[%q]: %w", p.key, err))
		}
		if vals == nil {
			continue
		}
		switch p.target.Kind {
		case mapping.RequestPath:
			keepSlash := p.source.Kind == mapping.RequestPath && p.source.Name == v.Greedy && v.Greedy != ""
			val := strings.Join(vals, ",")
			if err := checkPathValue(p.target.Name, val); err != nil {
				return nil, err
			}
			if pathParams == nil {
				pathParams, rawPath = map[string]string{}, map[string]string{}
			}
			pathParams[p.target.Name] = escapePath(val, keepSlash)
			rawPath[p.target.Name] = val
		case mapping.RequestQuery:
			if query == nil {
				query = url.Values{}
			}
			query[p.target.Name] = []string{strings.Join(vals, ",")}
		case mapping.RequestMultiQuery:
			if query == nil {
				query = url.Values{}
			}
			query[p.target.Name] = append([]string(nil), vals...)
		case mapping.RequestHeader:
			out.Header.Set(p.target.Name, strings.Join(vals, ","))
		case mapping.RequestMultiHeader:
			out.Header.Del(p.target.Name)
			for _, x := range vals {
				out.Header.Add(p.target.Name, x)
			}
		}
	}
	if err := s.body(ctx, in, out); err != nil {
		return nil, err
	}
	if in.Template != nil && in.Template.Context != nil {
		ro := &in.Template.Context.RequestOverride
		for k, x := range ro.Header {
			out.Header.Set(k, x)
		}
		for k, x := range ro.QueryString {
			if query == nil {
				query = url.Values{}
			}
			query[k] = []string{x}
		}
		for k, x := range ro.Path {
			if err := checkPathValue(k, x); err != nil {
				return nil, err
			}
			if pathParams == nil {
				pathParams, rawPath = map[string]string{}, map[string]string{}
			}
			pathParams[k] = escapePath(x, true)
			rawPath[k] = x
		}
	}
	out.PathParams, out.Query = rawPath, query
	if s.uri != nil {
		u, err := s.uri.fill(pathParams, v.StageVariables)
		if err != nil {
			return nil, gatewayresponse.Internal(err)
		}
		if s.proxy && in.RawQuery != "" {
			u.RawQuery = joinQuery(u.RawQuery, in.RawQuery)
		}
		if len(query) > 0 {
			q := u.Query()
			for k, vs := range query {
				q[k] = vs
			}
			u.RawQuery = q.Encode()
		}
		out.URL = u
	}
	return out, nil
}

func joinQuery(a, b string) string {
	if a == "" {
		return b
	}
	return a + "&" + b
}

// body applies the template and passthrough rules.
func (s *Step) body(ctx context.Context, in *Input, out *integration.Request) error {
	v := in.Values
	if s.proxy {
		if in.Stream != nil {
			out.Stream, out.ContentLength = in.Stream, in.ContentLength
		} else {
			out.Body = v.Body
		}
		return nil
	}
	if in.Stream != nil && s.streams {
		streamBody(in, out)
		return nil
	}
	ct := mediaType(v.Header.Get("Content-Type"))
	t, key := s.template(ct)
	switch Passthrough(s.passthrough, len(s.templates), t != nil) {
	case Reject:
		return gatewayresponse.New(gatewayresponse.UnsupportedMediaType,
			fmt.Errorf("no request template for content type %q and passthroughBehavior %s", ct, s.passthrough))
	case PassThrough:
		out.Body = v.Body
		if c := v.Header.Get("Content-Type"); c != "" {
			out.Header.Set("Content-Type", c)
		}
		return nil
	}
	b, err := t.Render(ctx, in.Template, mappingtemplate.Limits{})
	if err != nil {
		return gatewayresponse.Internal(templateError(fmt.Sprintf("integration.requestTemplates[%q]", key), err))
	}
	if in.Trace != nil {
		in.Trace("Request template %q rendered %d bytes", key, len(b))
	}
	out.Body = b
	// An AWS service call's content type belongs to the service's protocol
	// (a form for query services, application/x-amz-json-1.x for JSON ones),
	// which the AWS backend sets; only an explicit header mapping overrides it.
	if out.Header.Get("Content-Type") == "" && s.typ != model.IntegrationAWS {
		out.Header.Set("Content-Type", ct)
	}
	return nil
}

// template finds the request template for a media type: an exact key, then $default.
func (s *Step) template(ct string) (*mappingtemplate.Template, string) {
	if t := s.templates[ct]; t != nil {
		return t, ct
	}
	if t := s.templates["$default"]; t != nil {
		return t, "$default"
	}
	return nil, ""
}

// Outcome is what the integration request does with a method request body.
type Outcome int

// Outcomes of Passthrough.
const (
	UseTemplate Outcome = iota + 1
	PassThrough
	Reject // 415 Unsupported Media Type
)

// Passthrough is API Gateway's passthrough table: given the behaviour, how
// many request templates the integration has and whether one matches the
// request's content type, it says whether to render, pass the body through
// unchanged, or reject the request.
func Passthrough(behavior string, templates int, matched bool) Outcome {
	if matched {
		return UseTemplate
	}
	switch behavior {
	case model.PassthroughWhenNoTemplates:
		if templates == 0 {
			return PassThrough
		}
		return Reject
	case model.PassthroughNever:
		return Reject
	}
	return PassThrough
}

// mediaType is the lowercased media type of a Content-Type, parameters
// dropped; a missing one is application/json.
func mediaType(ct string) string {
	if ct == "" {
		return DefaultContentType
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

// Plain reports whether the step reads nothing of the method request but
// its body stream: a proxy without parameter mappings.
func (s *Step) Plain() bool { return s.proxy && len(s.params) == 0 }

// templateError names a template's field and keeps the engine's line:col,
// so an error reads `FIELD: 3:7: unexpected "#end"`.
func templateError(field string, err error) error {
	var te *mappingtemplate.Error
	if errors.As(err, &te) {
		return fmt.Errorf("%s: %d:%d: %s", field, te.Line, te.Col, te.Msg)
	}
	return fmt.Errorf("%s: %w", field, err)
}
