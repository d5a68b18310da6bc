package listener

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

func startPlain(t *testing.T, l Limits) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}), l, nil)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// TestSlowloris holds a connection open by sending its head one byte per
// second: the server cuts it off at ReadHeaderTimeout and keeps answering
// everyone else meanwhile.
func TestSlowloris(t *testing.T) {
	addr := startPlain(t, Limits{ReadHeaderTimeout: 1500 * time.Millisecond, IdleTimeout: time.Second})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cut := make(chan time.Duration, 1)
	start := time.Now()
	go func() {
		head := "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 20)
		for i := 0; i < len(head); i++ {
			if _, err := conn.Write([]byte{head[i]}); err != nil {
				break
			}
			time.Sleep(time.Second)
		}
		cut <- time.Since(start)
	}()
	// Others are served while the slow client trickles.
	c := &http.Client{Timeout: 2 * time.Second}
	for i := 0; i < 5; i++ {
		resp, err := c.Get("http://" + addr + "/")
		if err != nil {
			t.Fatalf("request %d while a slow client was connected: %v", i, err)
		}
		resp.Body.Close()
		time.Sleep(200 * time.Millisecond)
	}
	select {
	case d := <-cut:
		if d > 6*time.Second {
			t.Errorf("slow client cut after %v, want about 1.5s", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slow client was never cut off")
	}
}

// TestLimits is the bad-input table of the edge: each row gets a clear
// answer, and no row leaves goroutines behind.
func TestLimits(t *testing.T) {
	addr := startPlain(t, Limits{MaxHeaderBytes: 4096, MaxURLBytes: 1024, ConnRate: 2, ConnBurst: 3,
		ReadHeaderTimeout: time.Second, IdleTimeout: time.Second})
	cases := []struct {
		name, request string
		status        int
	}{
		{"plain", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"URL too long", "GET /" + strings.Repeat("a", 1100) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
		{"head too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 10000) + "\r\n\r\n", 431},
		{"CRLF injection in a header value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400},
		{"not HTTP", "HELLO\r\n\r\n", 400},
	}
	time.Sleep(100 * time.Millisecond)
	before := runtime.NumGoroutine()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, tc.request)
			conn.SetReadDeadline(time.Now().Add(3 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
	t.Run("rate per connection", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		var got []int
		for i := 0; i < 5; i++ {
			fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			got = append(got, resp.StatusCode)
			if resp.StatusCode == 429 && resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
		if fmt.Sprint(got) != "[200 200 200 429 429]" {
			t.Errorf("statuses %v, want the burst of 3 then 429", got)
		}
		// Another connection has its own budget.
		resp, err := http.Get("http://" + addr + "/")
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("fresh connection: %v %v", resp, err)
		}
		if resp != nil {
			resp.Body.Close()
		}
		http.DefaultClient.CloseIdleConnections()
	})
	// Settle: connections the server closed take a moment to unwind.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+1 {
		t.Errorf("%d goroutines after the bad-input rows, %d before", n, before)
	}
}
