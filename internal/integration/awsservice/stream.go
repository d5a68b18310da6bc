package awsservice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/awsproto"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
)

// unbounded is the timeout the streaming sender is built with: callStream
// keeps its own clock, which starts only once the body has been sent.
const unbounded = 1 << 31 // milliseconds, about 24 days

var errStreamTimeout = errors.New("S3 did not answer within the integration timeout")

// callStream sends an S3 object call. A streamed client body goes out
// signed as UNSIGNED-PAYLOAD, so it is never read ahead to be hashed; a
// buffered one (rendered by a template) is hashed as usual. The answer
// comes back as a stream for the pipeline to pass on or buffer.
//
// The integration timeout bounds S3's answer, counted from the moment the
// last byte of the body went out: a gigabyte from a slow client may take
// minutes to send, and that time is the client's, not S3's.
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
	ctx, cancel := context.WithCancelCause(ctx)
	clock := &answerClock{timeout: b.timeout, cancel: cancel}
	out := &integration.Request{Method: hreq.Method, URL: hreq.URL, Header: hreq.Header}
	switch {
	case req.Stream != nil && req.ContentLength != 0:
		out.Stream, out.ContentLength = &sentReader{r: req.Stream, sent: clock.start}, req.ContentLength
		out.Header.Set("X-Amz-Content-Sha256", awsauth.UnsignedPayload)
	case req.Stream == nil:
		out.Body, out.ContentLength = req.Body, int64(len(req.Body))
		clock.start()
	default:
		clock.start()
	}
	resp, err := b.stream(ctx, out)
	clock.stop()
	if err != nil {
		cause := context.Cause(ctx)
		cancel(nil)
		if errors.Is(cause, errStreamTimeout) {
			return nil, gatewayresponse.New(gatewayresponse.IntegrationTimeout, fmt.Errorf("integration: %w", errStreamTimeout))
		}
		return nil, sendError(err)
	}
	if resp.Stream != nil {
		resp.Stream = integration.CancelOnClose(resp.Stream, cancel)
	} else {
		cancel(nil)
	}
	return resp, nil
}

// answerClock cancels the call when S3 takes longer than the timeout to
// answer once the request is sent.
type answerClock struct {
	timeout time.Duration
	cancel  context.CancelCauseFunc
	mu      sync.Mutex
	timer   *time.Timer
	stopped bool
}

func (c *answerClock) start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer == nil && !c.stopped {
		c.timer = time.AfterFunc(c.timeout, func() { c.cancel(errStreamTimeout) })
	}
}

func (c *answerClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
}

// sentReader calls sent when its reader is exhausted.
type sentReader struct {
	r    io.Reader
	sent func()
}

func (s *sentReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil {
		s.sent()
	}
	return n, err
}
