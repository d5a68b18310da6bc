package listener

import (
	"net/http/httptest"
	"net/netip"
	"testing"
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
