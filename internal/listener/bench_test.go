package listener

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func BenchmarkSourceIP(b *testing.B) {
	s := SourceIP{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}}
	for _, bc := range []struct{ name, header, value string }{
		{"direct", "", ""},
		{"x-forwarded-for", "X-Forwarded-For", "203.0.113.9, 10.1.1.1, 10.2.2.2"},
		{"forwarded", "Forwarded", `for=203.0.113.9;proto=https, for="10.1.1.1:80"`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "127.0.0.1:5000"
			if bc.header != "" {
				r.Header.Set(bc.header, bc.value)
			}
			b.ReportAllocs()
			for b.Loop() {
				if s.Of(r) == "" {
					b.Fatal("no address")
				}
			}
		})
	}
}

// BenchmarkPacedTransfer moves 4 MiB each way through a real server over
// loopback, with the per-wait deadlines off and on, to show what arming
// them around every read and write costs.
func BenchmarkPacedTransfer(b *testing.B) {
	const size = 4 << 20
	payload := make([]byte, size)
	for _, proto := range protocols {
		for _, paced := range []bool{false, true} {
			l := Limits{ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
			name := proto + "/unpaced"
			if paced {
				l.ReadTimeout, l.WriteTimeout, l.MinBodyRate = time.Minute, time.Minute, 1024
				name = proto + "/paced"
			}
			b.Run(name+"/upload", func(b *testing.B) {
				url, c := startPaced(b, proto, l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body)
				}))
				b.SetBytes(size)
				for b.Loop() {
					resp, err := c.Post(url+"/", "application/octet-stream", bytes.NewReader(payload))
					if err != nil {
						b.Fatal(err)
					}
					resp.Body.Close()
				}
			})
			b.Run(name+"/download", func(b *testing.B) {
				url, c := startPaced(b, proto, l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Write(payload)
				}))
				b.SetBytes(size)
				for b.Loop() {
					resp, err := c.Get(url + "/")
					if err != nil {
						b.Fatal(err)
					}
					if n, _ := io.Copy(io.Discard, resp.Body); n != size {
						b.Fatalf("read %d bytes", n)
					}
					resp.Body.Close()
				}
			})
		}
	}
}
