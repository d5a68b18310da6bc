package listener

import (
	"bufio"
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
)

func TestAllowance(t *testing.T) {
	const rt = 300 * time.Millisecond
	cases := []struct {
		name        string
		rate, extra int64
		moved       int64
		waited      time.Duration
		want        time.Duration
		wantRateCut bool
		wantTooSlow bool
	}{
		{"rate off: the pause bound alone", 0, 0, 10, time.Hour, rt, false, false},
		{"within the grace", 1000, 0, 0, 100 * time.Millisecond, 200 * time.Millisecond, true, false},
		{"within the grace, nothing waited", 1000, 0, 0, 0, rt, false, false},
		{"grace nearly spent", 1000, 0, 0, 250 * time.Millisecond, 50 * time.Millisecond, true, false},
		{"fast enough after the grace", 1000, 0, 5000, 2 * time.Second, rt, false, false},
		{"behind the rate after the grace", 1000, 0, 1000, 900 * time.Millisecond, 100 * time.Millisecond, true, false},
		{"too slow already", 1000, 0, 100, time.Second, -700 * time.Millisecond, true, true},
		{"the bytes of this wait count", 1000, 1000, 0, 900 * time.Millisecond, 100 * time.Millisecond, true, false},
		{"a huge count does not overflow", 1, 0, 1 << 62, time.Hour, rt, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := clock{timeout: rt, moved: tc.moved, waited: tc.waited}
			got, rateCut := c.allowance(tc.rate, tc.extra)
			if got != tc.want || rateCut != tc.wantRateCut || (got <= 0) != tc.wantTooSlow {
				t.Errorf("allowance = %v, rate cut %v; want %v, %v", got, rateCut, tc.want, tc.wantRateCut)
			}
		})
	}
}

// TestServerTimeouts checks that the whole-transfer timeouts of net/http
// stay off, and that what net/http derived from ReadTimeout still is.
func TestServerTimeouts(t *testing.T) {
	cases := []struct {
		name           string
		l              Limits
		header, idle   time.Duration
		handlerWrapped bool
	}{
		{"defaults", Limits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}, 10 * time.Second, 2 * time.Minute, true},
		{"header and idle fall back on readTimeout", Limits{ReadTimeout: 5 * time.Second}, 5 * time.Second, 5 * time.Second, true},
		{"no timeouts", Limits{}, 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := NewServer(http.NotFoundHandler(), tc.l, nil)
			if srv.ReadTimeout != 0 || srv.WriteTimeout != 0 {
				t.Errorf("server ReadTimeout %v WriteTimeout %v, want both 0", srv.ReadTimeout, srv.WriteTimeout)
			}
			if srv.ReadHeaderTimeout != tc.header || srv.IdleTimeout != tc.idle {
				t.Errorf("header %v idle %v, want %v %v", srv.ReadHeaderTimeout, srv.IdleTimeout, tc.header, tc.idle)
			}
			if (srv.ConnState != nil) != (tc.l.WriteTimeout > 0) {
				t.Errorf("ConnState hook set: %v", srv.ConnState != nil)
			}
		})
	}
}

// protocols runs a test over HTTP/1.1 on plain TCP and over HTTP/2 on TLS,
// the two ways clients reach the gateway.
var protocols = []string{"HTTP/1.1", "HTTP/2.0"}

// startPaced serves h with l over proto and returns its base URL and a
// client that speaks proto to it. The handshake and idle bounds, when not
// given, are roomy: on a loaded machine a TLS handshake, or the gap before
// an HTTP/2 client's first stream, can take longer than the short bounds
// under test (which idleTimeout would otherwise inherit).
func startPaced(t testing.TB, proto string, l Limits, h http.Handler) (string, *http.Client) {
	t.Helper()
	l.ReadHeaderTimeout = cmp.Or(l.ReadHeaderTimeout, 5*time.Second)
	l.IdleTimeout = cmp.Or(l.IdleTimeout, 10*time.Second)
	var certs *Certificates
	var tlsConf *tls.Config
	if proto == "HTTP/2.0" {
		ca := newCA(t, "pace CA")
		leaf := ca.issue(t, "gw", false, inADay)
		dir := t.TempDir()
		writeFiles(t, dir, map[string][]byte{"c.pem": leaf.certPEM, "k.pem": leaf.keyPEM})
		var err error
		if certs, err = NewCertificates(TLSFiles{Cert: filepath.Join(dir, "c.pem"), Key: filepath.Join(dir, "k.pem")}, nil, nil); err != nil {
			t.Fatal(err)
		}
		tlsConf = &tls.Config{RootCAs: ca.pool()}
	}
	ln, err := Listen("127.0.0.1:0", certs)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, l, log.New(io.Discard, "", 0))
	go srv.Serve(ln)
	tr := &http.Transport{TLSClientConfig: tlsConf, ForceAttemptHTTP2: tlsConf != nil}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	scheme := "http://"
	if certs != nil {
		scheme = "https://"
	}
	return scheme + ln.Addr().String(), &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

func checkProto(t testing.TB, resp *http.Response, proto string) {
	t.Helper()
	if resp.Proto != proto {
		t.Fatalf("served over %s, want %s", resp.Proto, proto)
	}
}

type bodyResult struct {
	n    int64
	err  error
	took time.Duration
}

// trickle sends chunks of size bytes with a pause after each, stopping
// when the server stops reading.
func trickle(pw *io.PipeWriter, chunks, size int, pause time.Duration) {
	chunk := []byte(strings.Repeat("b", size))
	for range chunks {
		if _, err := pw.Write(chunk); err != nil {
			return
		}
		time.Sleep(pause)
	}
	pw.Close()
}

// The bounds of the tests: short where a client must be cut, longer where
// a transfer must pass, so that a loaded machine's scheduling stalls (a
// few hundred milliseconds on two shared cores) do not cut it.
const (
	short = 300 * time.Millisecond
	long  = 2 * time.Second
)

// TestBodyPacing: the body may take longer than readTimeout while it keeps
// coming, but not pause longer than readTimeout, nor fall below
// minBodyRate once readTimeout of waiting has passed.
func TestBodyPacing(t *testing.T) {
	cases := []struct {
		name         string
		timeout      time.Duration
		rate         int64
		chunks, size int
		pause        time.Duration
		wantCut      string // "" when the whole body must be read
		minT, maxT   time.Duration
	}{
		{"pauses shorter than readTimeout, 3s in all", long, 1024, 12, 2048, 250 * time.Millisecond, "", 2500 * time.Millisecond, 15 * time.Second},
		{"a pause longer than readTimeout", short, 1024, 3, 1024, 1500 * time.Millisecond, "sent nothing for 300ms (limits.readTimeout)", 250 * time.Millisecond, 1400 * time.Millisecond},
		{"a trickle below minBodyRate", long, 8192, 60, 64, 100 * time.Millisecond, "below limits.minBodyRate (8192 bytes/s)", 1800 * time.Millisecond, 5 * time.Second},
		{"the same trickle with the rate check off", long, 0, 25, 64, 100 * time.Millisecond, "", 2300 * time.Millisecond, 15 * time.Second},
	}
	for _, proto := range protocols {
		for _, tc := range cases {
			t.Run(proto+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				results := make(chan bodyResult, 1)
				url, c := startPaced(t, proto, Limits{ReadTimeout: tc.timeout, WriteTimeout: tc.timeout, MinBodyRate: tc.rate},
					http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						start := time.Now()
						n, err := io.Copy(io.Discard, r.Body)
						results <- bodyResult{n, err, time.Since(start)}
						if err != nil {
							w.WriteHeader(gatewayresponse.From(err).StatusCode())
						}
						fmt.Fprint(w, n)
					}))
				pr, pw := io.Pipe()
				defer pr.Close()
				go trickle(pw, tc.chunks, tc.size, tc.pause)
				req, _ := http.NewRequest("POST", url+"/", pr)
				go func() {
					if resp, err := c.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}()
				var got bodyResult
				select {
				case got = <-results:
				case <-time.After(15 * time.Second):
					f, _ := os.Create("/tmp/pace-goroutines.txt")
					pprof.Lookup("goroutine").WriteTo(f, 2)
					f.Close()
					t.Fatal("the handler never finished reading")
				}
				if got.took < tc.minT || got.took > tc.maxT {
					t.Errorf("reading took %v, want %v to %v", got.took, tc.minT, tc.maxT)
				}
				if tc.wantCut == "" {
					if got.err != nil || got.n != int64(tc.chunks*tc.size) {
						t.Fatalf("read %d bytes, %v; want all %d", got.n, got.err, tc.chunks*tc.size)
					}
					return
				}
				var ge *gatewayresponse.Error
				var slow *SlowClientError
				if !errors.As(got.err, &ge) || ge.StatusCode() != http.StatusRequestTimeout || !errors.As(got.err, &slow) {
					t.Fatalf("error %v, want a 408 gateway error caused by a slow client", got.err)
				}
				if !strings.Contains(slow.Reason, tc.wantCut) || !errors.Is(got.err, os.ErrDeadlineExceeded) {
					t.Errorf("reason %q, want it to contain %q", slow.Reason, tc.wantCut)
				}
			})
		}
	}
}

type writeResult struct {
	n    int64
	err  error
	took time.Duration
}

// TestResponsePacing: a response may stream for longer than writeTimeout
// to a client that keeps reading, and its backend may pause; an answer
// whose first byte comes late is cut.
func TestResponsePacing(t *testing.T) {
	write := func(pieces int, size int, pause, firstPause time.Duration) func(w http.ResponseWriter) (int64, error) {
		return func(w http.ResponseWriter) (int64, error) {
			rc := http.NewResponseController(w)
			piece := []byte(strings.Repeat("r", size))
			var n int64
			time.Sleep(firstPause)
			for range pieces {
				m, err := w.Write(piece)
				n += int64(m)
				if err == nil {
					err = rc.Flush()
				}
				if err != nil {
					return n, err
				}
				time.Sleep(pause)
			}
			return n, nil
		}
	}
	cases := []struct {
		name      string
		timeout   time.Duration
		rate      int64
		handler   func(w http.ResponseWriter) (int64, error)
		readPause time.Duration // between the client's 64 KiB reads
		want      int64
		wantCut   string
		minT      time.Duration
	}{
		{"streamed for 3s to a fast reader", long, 1024, write(12, 1024, 250*time.Millisecond, 0), 0, 12 * 1024, "", 2700 * time.Millisecond},
		{"24 MiB read at about 6 MB/s, longer than writeTimeout", long, 1 << 20, write(24, 1<<20, 0, 0), 10 * time.Millisecond, 24 << 20, "", 2500 * time.Millisecond},
		{"backend pauses longer than writeTimeout", long, 1024, write(3, 1024, 2500*time.Millisecond, 0), 0, 3 * 1024, "", 5 * time.Second},
		{"no first byte within writeTimeout", short, 1024, write(1, 10, 0, 900*time.Millisecond), 0, 0, "no first byte within 300ms", 0},
	}
	for _, proto := range protocols {
		for _, tc := range cases {
			t.Run(proto+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				results := make(chan writeResult, 1)
				url, c := startPaced(t, proto, Limits{ReadTimeout: tc.timeout, WriteTimeout: tc.timeout, MinBodyRate: tc.rate},
					http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						start := time.Now()
						n, err := tc.handler(w)
						results <- writeResult{n, err, time.Since(start)}
					}))
				start := time.Now()
				resp, err := c.Get(url + "/")
				var got int64
				if err == nil {
					checkProto(t, resp, proto)
					buf := make([]byte, 64<<10)
					for err == nil {
						var m int
						m, err = io.ReadFull(resp.Body, buf)
						got += int64(m)
						time.Sleep(tc.readPause)
					}
					if err == io.EOF || err == io.ErrUnexpectedEOF {
						err = nil
					}
					resp.Body.Close()
				}
				took := time.Since(start)
				res := <-results
				if tc.wantCut == "" {
					if err != nil || got != tc.want || res.err != nil {
						var slow *SlowClientError
						if errors.As(res.err, &slow) {
							t.Logf("connection error: %v", slow.Err)
						}
						t.Fatalf("client read %d bytes (%v), handler %v; want all %d", got, err, res.err, tc.want)
					}
					if took < tc.minT {
						t.Errorf("took %v, want at least %v", took, tc.minT)
					}
					return
				}
				var slow *SlowClientError
				if !errors.As(res.err, &slow) || !strings.Contains(slow.Reason, tc.wantCut) {
					t.Fatalf("handler error %v, want %q", res.err, tc.wantCut)
				}
				if err == nil && got > 0 {
					t.Errorf("the client got %d bytes of a cut answer", got)
				}
			})
		}
	}
}

// TestClientStopsReading: a client that takes nothing is cut off within
// about writeTimeout once its buffers are full, the handler's Write
// fails, and nothing of the request is left running.
func TestClientStopsReading(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			results := make(chan writeResult, 1)
			url, c := startPaced(t, proto, Limits{ReadTimeout: short, WriteTimeout: short, MinBodyRate: 1024},
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/warm" {
						return
					}
					start := time.Now()
					chunk := make([]byte, 64<<10)
					var n int64
					var err error
					for n < 1<<30 && err == nil {
						var m int
						m, err = w.Write(chunk)
						n += int64(m)
					}
					results <- writeResult{n, err, time.Since(start)}
				}))
			// Warm up: the transport's and the server's lazily started goroutines.
			if resp, err := c.Get(url + "/warm"); err == nil {
				resp.Body.Close()
			}
			c.Transport.(*http.Transport).CloseIdleConnections()
			time.Sleep(200 * time.Millisecond)
			before := runtime.NumGoroutine()

			resp, err := c.Get(url + "/")
			if err != nil {
				t.Fatal(err)
			}
			checkProto(t, resp, proto)
			var res writeResult
			select {
			case res = <-results:
			case <-time.After(15 * time.Second):
				t.Fatal("the handler was never stopped")
			}
			var slow *SlowClientError
			if !errors.As(res.err, &slow) || !strings.Contains(slow.Reason, "took nothing for 300ms") {
				t.Fatalf("handler error %v after %d bytes, want a cut for taking nothing", res.err, res.n)
			}
			t.Logf("%s: cut after %d bytes in %v", proto, res.n, res.took)
			resp.Body.Close()
			c.Transport.(*http.Transport).CloseIdleConnections()
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				t.Errorf("%d goroutines after the cut, %d before", n, before)
			}
		})
	}
}

// smallBuffers gives accepted connections a small send buffer, so a slow
// reader is felt after kilobytes instead of the megabytes loopback buffers.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(16 << 10)
	}
	return c, err
}

// TestSlowReaderBelowMinRate reads steadily but slower than minBodyRate:
// no single wait is long, yet the client is cut once the grace is spent.
func TestSlowReaderBelowMinRate(t *testing.T) {
	results := make(chan writeResult, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		chunk := make([]byte, 16<<10)
		var n int64
		for n < 256<<20 {
			m, err := w.Write(chunk)
			n += int64(m)
			if err != nil {
				results <- writeResult{n, err, time.Since(start)}
				return
			}
		}
		results <- writeResult{n, nil, time.Since(start)}
	}), Limits{ReadHeaderTimeout: time.Second, WriteTimeout: time.Second, MinBodyRate: 1 << 20}, log.New(io.Discard, "", 0))
	go srv.Serve(smallBuffers{ln})
	defer srv.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(16 << 10)
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	stop := make(chan struct{})
	defer close(stop)
	go func() { // about 160 KiB/s: well under the 1 MiB/s asked for
		buf := make([]byte, 16<<10)
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := conn.Read(buf); err != nil {
				return
			}
		}
	}()
	select {
	case res := <-results:
		var slow *SlowClientError
		if !errors.As(res.err, &slow) || !strings.Contains(slow.Reason, "below limits.minBodyRate (1048576 bytes/s)") {
			t.Fatalf("handler error %v after %d bytes in %v, want a cut for the rate", res.err, res.n, res.took)
		}
		t.Logf("cut after %d bytes in %v: %v", res.n, res.took, res.err)
	case <-time.After(20 * time.Second):
		t.Fatal("the slow reader was never cut off")
	}
}

// TestKeepAliveAfterDeadline: once a request's deadlines have long passed,
// the next request on the connection still gets the server's own answers
// (431 here), as with the old whole-response timeout.
func TestKeepAliveAfterDeadline(t *testing.T) {
	addr := strings.TrimPrefix(func() string {
		u, _ := startPaced(t, "HTTP/1.1", Limits{MaxHeaderBytes: 4096, ReadHeaderTimeout: time.Second, ReadTimeout: 300 * time.Millisecond,
			WriteTimeout: 300 * time.Millisecond, IdleTimeout: 10 * time.Second, MinBodyRate: 1024},
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body); io.WriteString(w, "ok") }))
		return u
	}(), "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i, head := range []string{
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		// net/http's head limit on a kept-alive connection has more slack
		// than on a new one: go well past it.
		"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 100000) + "\r\n\r\n",
	} {
		time.Sleep(700 * time.Millisecond) // past every deadline of the request before
		io.WriteString(conn, head)
		conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d on the kept-alive connection: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		want := []int{200, 200, 431}[i]
		if resp.StatusCode != want {
			t.Errorf("request %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
}

// TestBoundServerWrites: after a head is read, what the server writes on
// its own to a client that reads nothing fails within writeTimeout.
func TestBoundServerWrites(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	boundServerWrites(&http.Server{}, short)(conn, http.StateActive)
	start := time.Now()
	buf := make([]byte, 64<<10)
	for time.Since(start) < 10*time.Second {
		if _, err = conn.Write(buf); err != nil {
			break
		}
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("writing to a client that reads nothing: %v after %v, want a deadline error", err, time.Since(start))
	}
}
