package awsservice

import (
	"context"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/awsproto"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
)

// callStream sends an S3 object call. A streamed client body goes out
// signed as UNSIGNED-PAYLOAD, so it is never read ahead to be hashed; a
// buffered one (rendered by a template) is hashed as usual. The answer
// comes back as a stream for the pipeline to pass on or buffer.
func (b *backend) callStream(ctx context.Context, req *integration.Request) (*integration.Response, error) {
	in := awsproto.RequestInput{
		URI:        b.uri,
		HTTPMethod: b.method,
		BaseURL:    b.endpoint.URL,
		PathStyle:  b.endpoint.Overridden,
		Headers:    req.Header,
		Query:      req.Query,
		PathParams: req.PathParams,
	}
	if req.Stream == nil {
		in.Body = req.Body
	}
	hreq, err := awsproto.BuildRequest(ctx, in)
	if err != nil {
		return nil, gatewayresponse.Internal(err)
	}
	out := &integration.Request{Method: hreq.Method, URL: hreq.URL, Header: hreq.Header}
	switch {
	case req.Stream != nil && req.ContentLength != 0:
		out.Stream, out.ContentLength = req.Stream, req.ContentLength
		out.Header.Set("X-Amz-Content-Sha256", awsauth.UnsignedPayload)
	case req.Stream == nil:
		out.Body, out.ContentLength = req.Body, int64(len(req.Body))
	}
	resp, err := b.stream(ctx, out)
	if err != nil {
		return nil, sendError(err)
	}
	return resp, nil
}
