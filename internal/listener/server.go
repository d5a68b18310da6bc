package listener

import (
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
	// ReadTimeout bounds reading the whole request.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the head to the end of the answer.
	WriteTimeout time.Duration
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
// per connection) and returns a server with the rest set. TLS, when wanted,
// comes from the listener (see Listen), not from the server.
func NewServer(h http.Handler, l Limits, errorLog *log.Logger) *http.Server {
	maxURL := l.MaxURLBytes
	if maxURL <= 0 {
		maxURL = DefaultMaxURLBytes
	}
	srv := &http.Server{
		Handler:           limitHandler(h, maxURL),
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		ErrorLog:          errorLog,
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

// Listen opens addr, with TLS from certs when certs is non-nil.
func Listen(addr string, certs *Certificates) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil || certs == nil {
		return ln, err
	}
	return tls.NewListener(ln, certs.TLSConfig()), nil
}
