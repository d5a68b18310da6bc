package listener

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
)

// writeChunk is the most the response writer hands the connection at once.
// The bounds are checked between chunks, so one large Write cannot hold a
// slow client for longer than a chunk takes.
const writeChunk = 32 << 10

// maxAllowance stands in for "as long as you like" when a byte count at
// the minimum rate would overflow a time.Duration.
const maxAllowance = time.Duration(1<<63 - 1)

// clock is the budget of one direction of one request: how long ferry may
// wait on the client, in total and per wait. Only time spent waiting on
// the client counts; time ferry spends elsewhere (a backend taking an
// upload slowly, a backend pausing its stream) does not.
type clock struct {
	timeout time.Duration // longest single wait; 0: this direction is not paced
	moved   int64         // bytes the client sent or took
	waited  time.Duration // time spent waiting on the client so far
	rateCut bool          // the armed deadline comes from the rate, not the pause bound
	armed   time.Time     // the deadline of the wait under way, zero between waits
}

// allowance is how long the next wait may take when it would move extra
// more bytes: the pause bound, or less when the client is behind the
// minimum rate. After a grace of timeout of waiting, the client must
// average rate bytes per second of waiting. Zero or less means the client
// is already too slow.
func (c *clock) allowance(rate, extra int64) (time.Duration, bool) {
	if rate <= 0 {
		return c.timeout, false
	}
	budget := max(c.timeout, bytesAt(c.moved+extra, rate)) - c.waited
	if budget < c.timeout {
		return budget, true
	}
	return c.timeout, false
}

// bytesAt is how long n bytes take at rate bytes per second.
func bytesAt(n, rate int64) time.Duration {
	secs := float64(n) / float64(rate)
	if secs >= float64(maxAllowance/time.Second) {
		return maxAllowance
	}
	return time.Duration(secs * float64(time.Second))
}

// pace holds one request's deadlines. Every controller call happens under
// mu and none after the handler has returned: an integration may read the
// body from its own goroutine, and the connection outlives the request.
type pace struct {
	mu    sync.Mutex
	rc    *http.ResponseController
	rate  int64
	done  bool
	read  clock
	write clock

	hasBody     bool      // the request has a body, read through paceBody
	bodyStarted bool      // a body read has begun
	bodyDone    bool      // the body reached its end (or failed)
	firstByte   time.Time // the first response byte is due by then; zero while the body is read
	writing     bool      // the response has started
	cut         error     // the response was cut; later writes fail with it
}

// paceHandler bounds each wait on the client instead of whole transfers;
// see Limits.ReadTimeout and Limits.WriteTimeout.
func paceHandler(next http.Handler, l Limits) http.Handler {
	if l.ReadTimeout <= 0 && l.WriteTimeout <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := &pace{rc: http.NewResponseController(w), rate: l.MinBodyRate,
			read: clock{timeout: l.ReadTimeout}, write: clock{timeout: l.WriteTimeout}}
		if l.WriteTimeout > 0 {
			p.firstByte = time.Now().Add(l.WriteTimeout)
			if err := p.rc.SetWriteDeadline(p.firstByte); err != nil {
				// A writer that cannot take deadlines (only tests build
				// such) is served unbounded rather than refused.
				p.write.timeout, p.firstByte = 0, time.Time{}
			} else {
				w = &paceWriter{ResponseWriter: w, p: p}
			}
		}
		// Without a body the server already watches the connection for
		// a close; a read deadline there would cancel the request.
		if l.ReadTimeout > 0 && r.Body != nil && r.Body != http.NoBody {
			r.Body = &paceBody{ReadCloser: r.Body, p: p}
			p.hasBody = true
		}
		defer p.finish()
		next.ServeHTTP(w, r)
	})
}

// finish leaves deadlines for what the server still does after the
// handler: flushing the response and discarding an unread body.
func (p *pace) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.write.timeout > 0 {
		switch {
		case p.cut != nil:
			_ = p.rc.SetWriteDeadline(now)
		case !p.writing && !p.firstByte.IsZero() && !now.Before(p.firstByte):
			// Too late for a first byte: the deadline stays in the past
			// and the answer is not sent, as the old whole-response bound did.
			_ = p.rc.SetWriteDeadline(p.firstByte)
		default:
			d, _ := p.write.allowance(p.rate, 0)
			_ = p.rc.SetWriteDeadline(now.Add(d))
		}
	}
	if p.hasBody && !p.bodyDone {
		d, _ := p.read.allowance(p.rate, 0)
		_ = p.rc.SetReadDeadline(now.Add(d))
	}
	p.done = true
}

// paceBody arms the read deadline only while ferry waits for the client's
// body.
type paceBody struct {
	io.ReadCloser
	p *pace
}

func (b *paceBody) Read(buf []byte) (int, error) {
	p := b.p
	p.mu.Lock()
	if p.done || p.bodyDone {
		p.mu.Unlock()
		return b.ReadCloser.Read(buf)
	}
	if !p.bodyStarted {
		p.bodyStarted = true
		if !p.writing && !p.firstByte.IsZero() {
			// Receiving the body is not waiting for the answer: the
			// first-byte clock restarts when the body ends.
			p.firstByte = time.Time{}
			_ = p.rc.SetWriteDeadline(time.Time{})
		}
	}
	start := time.Now()
	d, rateCut := p.read.allowance(p.rate, 0)
	p.read.armed, p.read.rateCut = start.Add(d), rateCut
	_ = p.rc.SetReadDeadline(p.read.armed)
	p.mu.Unlock()

	n, err := b.ReadCloser.Read(buf)

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return n, err
	}
	now := time.Now()
	p.read.waited += now.Sub(start)
	p.read.moved += int64(n)
	armed := p.read.armed
	p.read.armed = time.Time{}
	// Disarm: a deadline left running while ferry is busy elsewhere would
	// cut an HTTP/2 stream, and after the last byte it would cancel the
	// request once the server starts watching for a close. (A deadline
	// falling in the instant between the end of the body and this call
	// still does; the client was then at its very limit.)
	_ = p.rc.SetReadDeadline(time.Time{})
	if err == nil {
		return n, nil
	}
	p.bodyDone = true
	if !p.writing && p.write.timeout > 0 {
		p.firstByte = now.Add(p.write.timeout)
		_ = p.rc.SetWriteDeadline(p.firstByte)
	}
	if err == io.EOF || !timedOut(err, armed, now) {
		return n, err
	}
	var why string
	if p.read.rateCut {
		why = fmt.Sprintf("the client sent %d bytes in %v of waiting, below limits.minBodyRate (%d bytes/s)",
			p.read.moved, p.read.waited.Round(time.Millisecond), p.rate)
	} else {
		why = fmt.Sprintf("the client sent nothing for %v (limits.readTimeout)", p.read.timeout)
	}
	return n, &gatewayresponse.Error{Type: gatewayresponse.Default4XX, Status: http.StatusRequestTimeout,
		Message: "Request Timeout", Cause: &SlowClientError{Op: "request body", Reason: why, Err: err}}
}

// timedOut tells a deadline from other failures. HTTP/2 reports a
// stream cut by its write deadline as a closed stream, so a failure at or
// past the armed deadline counts too.
func timedOut(err error, armed, now time.Time) bool {
	return errors.Is(err, os.ErrDeadlineExceeded) || (!armed.IsZero() && !now.Before(armed))
}

// SlowClientError says which bound a client broke and how.
type SlowClientError struct {
	// Op is "request body" or "response".
	Op string
	// Reason is what the client did, with the numbers and the limit's name.
	Reason string
	// Err is the connection's own error.
	Err error
}

func (e *SlowClientError) Error() string { return e.Op + ": " + e.Reason }

// Unwrap gives the connection's error, so errors.Is(err,
// os.ErrDeadlineExceeded) holds.
func (e *SlowClientError) Unwrap() error { return e.Err }

// Timeout reports true: the client was too slow.
func (e *SlowClientError) Timeout() bool { return true }
