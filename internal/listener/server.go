package listener

import (
	"cmp"
	"context"
	"crypto/tls"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
)

// DefaultMaxURLBytes is API Gateway's bound on a request URL, 8 KB.
const DefaultMaxURLBytes = 8192

// Limits bound what one client can make the server hold.
type Limits struct {
	// MaxHeaderBytes bounds the request head; larger heads get 431.
	MaxHeaderBytes int
	// MaxURLBytes bounds the request target; longer ones get 414. Zero
	// means DefaultMaxURLBytes.
	MaxURLBytes int
	// ReadHeaderTimeout bounds reading the request head, and the TLS
	// handshake: a client that trickles its headers is cut off here.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds each wait for the request body: a client that
	// sends no body byte for this long is cut off, the body's Read failing
	// with a 408 *gatewayresponse.Error caused by a *SlowClientError. Only
	// time ferry spends waiting for the client counts, so a body that
	// arrives within ReadTimeout is always read and a large one may take as
	// long as it keeps moving (see MinBodyRate). It is also the fallback of
	// ReadHeaderTimeout and IdleTimeout when those are zero. Zero: no bound.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request (its head,
	// or its body once read) to the first byte of the answer, and then
	// each wait for the client to take the answer: a client that takes
	// nothing for this long is cut off. Pauses of a streaming backend do
	// not count. Zero: no bound.
	WriteTimeout time.Duration
	// MinBodyRate is the least average rate, in bytes per second, at
	// which a client must send its body and take the answer once it has
	// been waited on for ReadTimeout (WriteTimeout); a slower one is cut
	// off. Zero turns the rate check off, leaving the per-wait bounds.
	MinBodyRate int64
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout time.Duration
	// ConnRate is the sustained requests per second one connection may
	// send; zero means no limit. Above it requests get 429 THROTTLED.
	ConnRate float64
	// ConnBurst is how many requests a connection may send at once before
	// ConnRate applies; zero means max(1, ConnRate).
	ConnBurst int
}

// noAPI renders refusals made before any API is known: API Gateway's
// default gateway responses.
var noAPI *gatewayresponse.Set

type connLimiterKey struct{}

// NewServer wraps h with the limits that need a handler (URL length, rate
// per connection, per-request deadlines) and returns a server with the rest
// set. TLS, when wanted, comes from the listener (see Listen), not from the
// server.
//
// The server's own ReadTimeout and WriteTimeout stay zero: they would bound
// whole transfers and cut large ones on slow links. ReadTimeout and
// WriteTimeout of l are per-wait deadlines set on each request instead.
func NewServer(h http.Handler, l Limits, errorLog *log.Logger) *http.Server {
	maxURL := l.MaxURLBytes
	if maxURL <= 0 {
		maxURL = DefaultMaxURLBytes
	}
	srv := &http.Server{
		Handler:        paceHandler(limitHandler(h, maxURL), l),
		MaxHeaderBytes: l.MaxHeaderBytes,
		// net/http falls back on ReadTimeout for these two; keep that
		// now that ReadTimeout is no longer the server's.
		ReadHeaderTimeout: cmp.Or(l.ReadHeaderTimeout, l.ReadTimeout),
		IdleTimeout:       cmp.Or(l.IdleTimeout, l.ReadTimeout),
		ErrorLog:          errorLog,
	}
	if l.WriteTimeout > 0 {
		srv.ConnState = boundServerWrites(srv, l.WriteTimeout)
	}
	if l.ConnRate > 0 {
		burst := l.ConnBurst
		if burst <= 0 {
			burst = max(1, int(l.ConnRate))
		}
		srv.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
			return context.WithValue(ctx, connLimiterKey{}, rate.NewLimiter(rate.Limit(l.ConnRate), burst))
		}
	}
	return srv
}

func limitHandler(next http.Handler, maxURL int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.RequestURI) > maxURL {
			noAPI.Write(r.Context(), w, &gatewayresponse.Error{
				Type: gatewayresponse.Default4XX, Status: http.StatusRequestURITooLong, Message: "Request-URI Too Long",
			}, nil)
			return
		}
		if lim, ok := r.Context().Value(connLimiterKey{}).(*rate.Limiter); ok {
			res := lim.Reserve()
			if d := res.Delay(); d > 0 {
				res.Cancel()
				w.Header().Set("Retry-After", strconv.Itoa(int(d/time.Second)+1))
				noAPI.Write(r.Context(), w, gatewayresponse.New(gatewayresponse.Throttled, nil), nil)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// boundServerWrites gives an HTTP/1 connection a write deadline once a
// request's head has been read, as the server's WriteTimeout did, so that
// what the server answers by itself to a bad head (431, 400) cannot block
// forever on a client that reads nothing. HTTP/2 connections are skipped:
// their deadlines are per stream, and one on the connection would cut
// every stream on it. A plain connection is HTTP/1 unless the server has
// been given unencrypted HTTP/2, and then it is left alone.
func boundServerWrites(srv *http.Server, d time.Duration) func(net.Conn, http.ConnState) {
	return func(c net.Conn, s http.ConnState) {
		if s != http.StateActive {
			return
		}
		tc, isTLS := c.(*tls.Conn)
		if isTLS && tc.ConnectionState().NegotiatedProtocol == "h2" ||
			!isTLS && srv.Protocols != nil && srv.Protocols.UnencryptedHTTP2() {
			return
		}
		_ = c.SetWriteDeadline(time.Now().Add(d))
	}
}

// Listen opens addr, with TLS from certs when certs is non-nil.
func Listen(addr string, certs *Certificates) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil || certs == nil {
		return ln, err
	}
	return tls.NewListener(ln, certs.TLSConfig()), nil
}
