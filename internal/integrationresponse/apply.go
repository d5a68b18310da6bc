package integrationresponse

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/mappingtemplate"
)

// Input is what shaping the method response reads.
type Input struct {
	// Values holds the method request and, in RespHeader and RespBody, the backend's answer.
	Values *mapping.Values
	// Accept is the client's Accept header.
	Accept string
	// Template is the response template input; its Body is the backend's
	// body and its Context receives $context.responseOverride.
	Template *mappingtemplate.Input
}

// Output is the method response.
type Output struct {
	Status int
	Header http.Header
	Body   []byte
	// Template is the response template key used, "" when the body passed through.
	Template string
}

// Apply maps the backend answer into the method response.
func (r *Response) Apply(ctx context.Context, in *Input) (*Output, error) {
	out := &Output{Status: r.Status, Header: http.Header{}, Body: in.Values.RespBody}
	for i := range r.headers {
		h := &r.headers[i]
		vals, err := h.src.Eval(in.Values)
		if err != nil {
			return nil, gatewayresponse.Internal(fmt.Errorf("%s.responseParameters[%q]: %w", r.where, h.key, err))
		}
		if len(vals) > 0 {
			out.Header.Set(h.name, strings.Join(vals, ","))
		}
	}
	contentType := "application/json"
	if k := gatewayresponse.ChooseByAccept(in.Accept, r.keys); k != "" {
		t := r.templates[strings.ToLower(k)]
		b, err := t.Render(ctx, in.Template, mappingtemplate.Limits{})
		if err != nil {
			return nil, gatewayresponse.Internal(templateError(fmt.Sprintf("%s.responseTemplates[%q]", r.where, k), err))
		}
		out.Body, out.Template, contentType = b, k, k
	}
	if out.Header.Get("Content-Type") == "" {
		out.Header.Set("Content-Type", contentType)
	}
	if in.Template != nil && in.Template.Context != nil {
		ro := in.Template.Context.ResponseOverride
		if ro.Status != 0 {
			if ro.Status < 100 || ro.Status > 599 {
				return nil, gatewayresponse.Internal(fmt.Errorf("%s: $context.responseOverride.status %s is not an HTTP status", r.where, strconv.Itoa(ro.Status)))
			}
			out.Status = ro.Status
		}
		for k, v := range ro.Header {
			out.Header.Set(k, v)
		}
	}
	return out, nil
}
