package listener

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

// paceWriter arms the write deadline only while ferry waits for the client
// to take the response, chunk by chunk.
type paceWriter struct {
	http.ResponseWriter
	p *pace
}

func (w *paceWriter) Write(b []byte) (int, error) {
	total := 0
	for first := true; first || len(b) > 0; first = false {
		chunk := b[:min(len(b), writeChunk)]
		start, err := w.p.armWrite(int64(len(chunk)))
		if err != nil {
			return total, err
		}
		n, err := w.ResponseWriter.Write(chunk)
		total += n
		if err := w.p.wrote(start, n, err); err != nil {
			return total, err
		}
		b = b[n:]
	}
	return total, nil
}

// FlushError is what http.ResponseController.Flush calls; the flush is a
// wait on the client like a write.
func (w *paceWriter) FlushError() error {
	start, err := w.p.armWrite(0)
	if err != nil {
		return err
	}
	return w.p.wrote(start, 0, w.p.rc.Flush())
}

// Flush serves callers that assert http.Flusher.
func (w *paceWriter) Flush() { _ = w.FlushError() }

// Unwrap lets http.ResponseController reach the server's writer.
func (w *paceWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// armWrite starts a wait for the client to take extra bytes and returns
// when it started, or the error that ends the response.
func (p *pace) armWrite(extra int64) (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut != nil {
		return time.Time{}, p.cut
	}
	now := time.Now()
	if !p.writing {
		if !p.firstByte.IsZero() && !now.Before(p.firstByte) {
			return now, p.cutWrite(now, os.ErrDeadlineExceeded,
				fmt.Sprintf("no first byte within %v of the request (limits.writeTimeout)", p.write.timeout))
		}
		p.writing = true
	}
	d, rateCut := p.write.allowance(p.rate, extra)
	if d <= 0 {
		return now, p.cutWrite(now, os.ErrDeadlineExceeded, p.writeReason(true))
	}
	p.write.armed, p.write.rateCut = now.Add(d), rateCut
	_ = p.rc.SetWriteDeadline(p.write.armed)
	return now, nil
}

// wrote ends the wait armWrite started.
func (p *pace) wrote(start time.Time, n int, err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return err
	}
	now := time.Now()
	p.write.waited += now.Sub(start)
	p.write.moved += int64(n)
	armed := p.write.armed
	p.write.armed = time.Time{}
	// Disarm: ferry may now wait on its backend, which is no fault of the
	// client, and an HTTP/2 stream would be reset by a running deadline.
	_ = p.rc.SetWriteDeadline(time.Time{})
	if err == nil || !timedOut(err, armed, now) {
		return err
	}
	return p.cutWrite(now, err, p.writeReason(p.write.rateCut))
}

func (p *pace) writeReason(rateCut bool) string {
	if rateCut {
		return fmt.Sprintf("the client took %d bytes in %v of waiting, below limits.minBodyRate (%d bytes/s)",
			p.write.moved, p.write.waited.Round(time.Millisecond), p.rate)
	}
	return fmt.Sprintf("the client took nothing for %v (limits.writeTimeout)", p.write.timeout)
}

// cutWrite ends the response: a deadline in the past makes the server
// drop the connection (HTTP/1) or reset the stream (HTTP/2) instead of
// finishing an answer the client would get truncated anyway.
func (p *pace) cutWrite(now time.Time, err error, reason string) error {
	p.cut = &SlowClientError{Op: "response", Reason: reason, Err: err}
	_ = p.rc.SetWriteDeadline(now)
	return p.cut
}
