package pipeline

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/ferrygw/ferry/internal/binarymedia"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

// contentHandling is an operation's compiled conversions: the integration's
// for the request, the integration responses' by method response status.
type contentHandling struct {
	request  string
	response map[int]string
}

// compileContentHandling checks the integration's and its responses'
// contentHandling. The selected integration response is known to the
// pipeline by its method response status, so responses that share a status
// must agree on their conversion.
func compileContentHandling(in *model.Integration) (contentHandling, error) {
	ch := contentHandling{request: in.ContentHandling}
	if err := binarymedia.CheckHandling(in.ContentHandling); err != nil {
		return ch, fmt.Errorf("integration.contentHandling %w", err)
	}
	codes := make([]string, 0, len(in.IntegrationResponses))
	for c := range in.IntegrationResponses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	seen := map[int]string{}
	for _, code := range codes {
		ir := in.IntegrationResponses[code]
		if ir == nil {
			continue
		}
		where := fmt.Sprintf("integration.integrationResponses[%q].contentHandling", code)
		if err := binarymedia.CheckHandling(ir.ContentHandling); err != nil {
			return ch, fmt.Errorf("%s %w", where, err)
		}
		sc := ir.StatusCode
		if sc == "" {
			sc = code
		}
		status, err := strconv.Atoi(sc)
		if err != nil {
			continue // the integration response compiler reports it
		}
		if prev, ok := seen[status]; ok && prev != ir.ContentHandling {
			return ch, fmt.Errorf("%s: %q differs from another response with statusCode %d (%q); ferry needs them equal", where, ir.ContentHandling, status, prev)
		}
		seen[status] = ir.ContentHandling
		if ir.ContentHandling != "" {
			if ch.response == nil {
				ch.response = map[int]string{}
			}
			ch.response[status] = ir.ContentHandling
		}
	}
	return ch, nil
}

// convertRequest applies the request table to the buffered method request
// body, before templates read it: a binary body converted to text reaches
// $input.body as base64.
func (x *exchange) convertRequest() error {
	h := x.op.content.request
	if h == "" || len(x.vals.Body) == 0 {
		return nil
	}
	a := binarymedia.RequestAction(x.s.media.Match(payloadType(x.r.Header)), h)
	b, err := binarymedia.Apply(a, x.vals.Body)
	if err != nil {
		return gatewayresponse.Internal(fmt.Errorf("integration.contentHandling %s: %w", h, err))
	}
	x.vals.Body = b
	return nil
}

// convertResponse applies the response table to a buffered backend answer
// once its integration response (method status) is known. A text answer
// toward a binary Accept is base64-decoded even without contentHandling,
// as API Gateway does; one that is not base64 is a 500.
func (x *exchange) convertResponse(status int, resp *integration.Response) error {
	if x.s.media.Empty() && x.op.content.response == nil {
		return nil
	}
	h := x.op.content.response[status]
	payloadBinary := x.s.media.Match(payloadType(resp.Header))
	acceptBinary := x.s.media.Match(x.acceptType())
	a := binarymedia.ResponseAction(payloadBinary, acceptBinary, h)
	if a == binarymedia.Keep {
		return nil
	}
	b, err := binarymedia.Apply(a, resp.Body)
	if err != nil {
		return gatewayresponse.Internal(fmt.Errorf("integration response (status %d, contentHandling %q, Content-Type %q, Accept %q): %s: %w",
			status, h, resp.Header.Get("Content-Type"), x.acceptType(), a, err))
	}
	resp.Body = b
	return nil
}

// payloadType is a payload's Content-Type; a missing one is API Gateway's
// default, application/json, which "*/*" in binaryMediaTypes makes binary.
func payloadType(h http.Header) string {
	if ct := h.Get("Content-Type"); ct != "" {
		return ct
	}
	return "application/json"
}

// acceptType is the first media type of the request's Accept; a request
// without one is taken to accept API Gateway's default, application/json.
func (x *exchange) acceptType() string {
	if a := binarymedia.FirstAccept(x.r.Header.Get("Accept")); a != "" {
		return a
	}
	return "application/json"
}
