package pipeline

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ferrygw/ferry/internal/binarymedia"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/integrationresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// responseStreaming is what an operation needs to pass a streamed backend
// answer to the client without buffering it.
type responseStreaming struct {
	// ok is true when no integration response reads the body: no
	// templates, no mapping of integration.response.body, selection by status.
	ok bool
	// mapsType holds the method statuses whose integration response maps
	// Content-Type itself; the others take the object's.
	mapsType map[int]bool
}

// compileResponseStreaming decides whether the integration's answers can
// stream. key is the selection key the operation was compiled with.
func compileResponseStreaming(in *model.Integration, key integrationresponse.KeyFunc) responseStreaming {
	if key != nil {
		return responseStreaming{} // a Lambda errorMessage is in the body
	}
	rs := responseStreaming{ok: true}
	for code, ir := range in.IntegrationResponses {
		if ir == nil {
			continue
		}
		if len(ir.ResponseTemplates) > 0 {
			return responseStreaming{}
		}
		for target, source := range ir.ResponseParameters {
			src, err := mapping.ParseSource(source)
			if err != nil || src.Kind == mapping.ResponseBody || src.Kind == mapping.ResponseBodyPath {
				return responseStreaming{}
			}
			if strings.EqualFold(target, "method.response.header.Content-Type") {
				if rs.mapsType == nil {
					rs.mapsType = map[int]bool{}
				}
				sc := ir.StatusCode
				if sc == "" {
					sc = code
				}
				var status int
				if _, err := fmt.Sscanf(sc, "%d", &status); err == nil {
					rs.mapsType[status] = true
				}
			}
		}
	}
	return rs
}

// objectResponseHeaders are the headers of an object's answer a streamed
// method response carries unless the integration response maps them, so
// that clients can check, cache and resume what they download.
var objectResponseHeaders = []string{
	"Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified",
	"Content-Encoding", "Content-Disposition", "Cache-Control", "Expires",
}

// streamMethodResponse passes a streamed backend answer through its
// integration response without buffering the body. It reports false,
// having consumed nothing, when the content type tables ask for a
// conversion, which needs the whole body.
func (x *exchange) streamMethodResponse(w http.ResponseWriter, resp *integration.Response) bool {
	ir, _, err := x.op.selector.Select(resp.Status, resp.Header, nil)
	if err != nil {
		resp.Stream.Close()
		x.fail(w, err)
		return true
	}
	payloadBinary := x.s.media.Match(payloadType(resp.Header))
	acceptBinary := x.s.media.Match(x.acceptType())
	if binarymedia.ResponseAction(payloadBinary, acceptBinary, x.op.content.response[ir.Status]) != binarymedia.Keep {
		return false
	}
	defer resp.Stream.Close()
	x.vals.RespHeader = resp.Header
	out, err := ir.Apply(x.r.Context(), &integrationresponse.Input{
		Values: &x.vals, Accept: x.r.Header.Get("Accept"), Template: x.tin,
	})
	if err != nil {
		x.fail(w, err)
		return true
	}
	h := w.Header()
	for k, vs := range out.Header {
		h[k] = vs
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !x.op.streaming.mapsType[ir.Status] {
		h.Set("Content-Type", ct)
	}
	for _, k := range objectResponseHeaders {
		if v := resp.Header.Values(k); len(v) > 0 && h.Get(k) == "" {
			h[http.CanonicalHeaderKey(k)] = v
		}
	}
	status := out.Status
	if status == http.StatusOK && (resp.Status == http.StatusPartialContent || resp.Status == http.StatusNotModified) {
		// A default 200 response would turn a range into what looks like
		// the whole object; keep the status the Content-Range belongs to.
		status = resp.Status
	}
	x.trace.endpointResponse(resp)
	w.WriteHeader(status)
	x.res.Status = status
	buf := copyBuffers.Get().(*[]byte)
	_, err = io.CopyBuffer(w, resp.Stream, *buf)
	copyBuffers.Put(buf)
	if err != nil && x.r.Context().Err() == nil {
		x.res.Err = fmt.Errorf("streaming the integration response: %w", err)
	}
	return true
}
