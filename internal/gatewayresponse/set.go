package gatewayresponse

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/mappingtemplate"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/reqctx"
)

// Request is what a customized gateway response may read about the request
// it answers. Every field may be nil.
type Request struct {
	// Values is the method request, for gatewayresponse.header.* sources;
	// nil before one exists.
	Values *mapping.Values
	// Accept is the request's Accept header, for choosing a template.
	Accept string
	// Template renders customized bodies; nil when the request has no context yet.
	Template *mappingtemplate.Input
}

// Set is the compiled gateway responses of one API.
type Set struct {
	byType map[Type]*custom
}

type custom struct {
	status    int
	headers   []header
	templates templates
}

type header struct {
	name string
	src  mapping.Source
}

// Compile checks and compiles an API's gateway responses. A nil or empty
// list gives API Gateway's defaults.
func Compile(list []*model.GatewayResponse) (*Set, error) {
	s := &Set{byType: map[Type]*custom{}}
	for _, gr := range list {
		t := Type(gr.ResponseType)
		if !t.Known() {
			return nil, fmt.Errorf("gatewayResponses: unknown responseType %q", gr.ResponseType)
		}
		where := "gatewayResponses[" + gr.ResponseType + "]"
		c := &custom{}
		if gr.StatusCode != "" {
			n, err := strconv.Atoi(gr.StatusCode)
			if err != nil || n < 100 || n > 599 {
				return nil, fmt.Errorf("%s: statusCode %q is not an HTTP status", where, gr.StatusCode)
			}
			c.status = n
		}
		for _, target := range sortedKeys(gr.ResponseParameters) {
			tg, err := mapping.ParseTarget(target, mapping.GatewayResponseTargets)
			if err != nil {
				return nil, fmt.Errorf("%s: responseParameters: %w", where, err)
			}
			src, err := mapping.ParseSource(gr.ResponseParameters[target])
			if err != nil {
				return nil, fmt.Errorf("%s: responseParameters[%q]: %w", where, target, err)
			}
			switch src.Kind {
			case mapping.ResponseHeader, mapping.ResponseMultiHeader, mapping.ResponseBody, mapping.ResponseBodyPath:
				return nil, fmt.Errorf("%s: responseParameters[%q]: a gateway response cannot read %s", where, target, src)
			}
			c.headers = append(c.headers, header{name: tg.Name, src: src})
		}
		tp, err := compileTemplates(where+".responseTemplates", gr.ResponseTemplates)
		if err != nil {
			return nil, err
		}
		c.templates = tp
		s.byType[t] = c
	}
	return s, nil
}

// lookup finds the customization that applies to t: its own, else the
// DEFAULT_4XX or DEFAULT_5XX one of its status class.
func (s *Set) lookup(t Type, status int) *custom {
	if s == nil {
		return nil
	}
	if c, ok := s.byType[t]; ok {
		return c
	}
	switch {
	case status >= 400 && status < 500:
		return s.byType[Default4XX]
	case status >= 500:
		return s.byType[Default5XX]
	}
	return nil
}

// status applies the API's status codes: the type's own customization,
// else that of DEFAULT_4XX or DEFAULT_5XX, which API Gateway applies to every
// type of its class that does not set one.
func (s *Set) status(t Type, status int) int {
	if s == nil {
		return status
	}
	if c, ok := s.byType[t]; ok && c.status != 0 {
		return c.status
	}
	var class *custom
	switch {
	case status >= 400 && status < 500:
		class = s.byType[Default4XX]
	case status >= 500:
		class = s.byType[Default5XX]
	}
	if class != nil && class.status != 0 {
		return class.status
	}
	return status
}

// Write answers err. It is the one place an error becomes a response. It
// returns the status written and, when a customized template could not be
// rendered, the reason (the default body is sent instead).
func (s *Set) Write(ctx context.Context, w http.ResponseWriter, err error, req *Request) (int, error) {
	ge := From(err)
	status := ge.StatusCode()
	c := s.lookup(ge.Type, status)
	status = s.status(ge.Type, status)
	var rc *reqctx.Context
	if req != nil && req.Values != nil {
		rc = req.Values.Context
	}
	if rc != nil {
		rc.Error = reqctx.Error{
			Message:               ge.Message,
			MessageString:         quote(ge.Message),
			ResponseType:          string(ge.Type),
			ValidationErrorString: ge.ValidationErrorString,
		}
	}
	h := w.Header()
	var renderErr error
	body := defaultBody(ge.Type, ge.Message)
	contentType := "application/json"
	if c != nil {
		if req != nil && req.Values != nil {
			for _, hd := range c.headers {
				vs, err := hd.src.Eval(req.Values)
				if err == nil && len(vs) > 0 {
					h.Set(hd.name, vs[len(vs)-1])
				}
			}
		} else {
			for _, hd := range c.headers {
				if hd.src.Kind == mapping.Literal {
					h.Set(hd.name, hd.src.Name)
				}
			}
		}
		accept := ""
		if req != nil {
			accept = req.Accept
		}
		if ct, t := c.templates.choose(accept); t != nil {
			in := &mappingtemplate.Input{Context: rc}
			if req != nil && req.Template != nil {
				in = req.Template
				in.Context = rc
			}
			out, err := t.Render(ctx, in, mappingtemplate.Limits{})
			if err != nil {
				renderErr = templateError(fmt.Sprintf("gatewayResponses[%s].responseTemplates[%q]", ge.Type, ct), err)
			} else {
				body, contentType = out, ct
			}
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentType)
	}
	if et := ge.Type.ErrorType(); et != "" && h.Get("x-amzn-ErrorType") == "" {
		h["x-amzn-ErrorType"] = []string{et}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status, renderErr
}

// defaultBody is the body API Gateway answers with when the API does not
// customize the response. Its front door (authentication, keys, throttling,
// routing) renders the default template {"message":$context.error.messageString}
// as is; the errors raised behind it (validation, mapping, integration) come
// with a space after the colon. Clients that compare bytes see the difference,
// so ferry keeps it.
func defaultBody(t Type, msg string) []byte {
	if msg == "" {
		// A Lambda authorizer that fails answers {"message":null}: its
		// $context.error.messageString is empty.
		return []byte(`{"message":null}`)
	}
	if builtin[t].spaced {
		return []byte(`{"message": ` + quote(msg) + `}`)
	}
	return []byte(`{"message":` + quote(msg) + `}`)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
