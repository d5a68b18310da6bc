package listener

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestSourceIP(t *testing.T) {
	s := SourceIP{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.10/32"), netip.MustParsePrefix("10.0.0.0/8")}}
	cases := []struct {
		name, peer string
		header     map[string][]string
		want       string
	}{
		{"no proxy", "192.0.2.1:5000", nil, "192.0.2.1"},
		{"untrusted peer's header ignored", "192.0.2.1:5000", map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "192.0.2.1"},
		{"trusted peer, one hop", "127.0.0.10:5000", map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "203.0.113.9"},
		{"trusted peer without header", "127.0.0.10:5000", nil, "127.0.0.10"},
		{"spoofed entry left of the real client", "127.0.0.10:1", map[string][]string{"X-Forwarded-For": {"1.1.1.1, 203.0.113.9"}}, "203.0.113.9"},
		{"chain of trusted proxies", "127.0.0.10:1", map[string][]string{"X-Forwarded-For": {"203.0.113.9, 10.1.1.1", "10.2.2.2"}}, "203.0.113.9"},
		{"all hops trusted", "127.0.0.10:1", map[string][]string{"X-Forwarded-For": {"10.1.1.1, 10.2.2.2"}}, "10.1.1.1"},
		{"port and brackets", "127.0.0.10:1", map[string][]string{"X-Forwarded-For": {"[2001:db8::7]:443"}}, "2001:db8::7"},
		{"malformed chain falls back to the peer", "127.0.0.10:1", map[string][]string{"X-Forwarded-For": {"203.0.113.9, bogus"}}, "127.0.0.10"},
		{"Forwarded", "127.0.0.10:1", map[string][]string{"Forwarded": {`for=198.51.100.17;proto=https;by=10.0.0.1, for="10.3.3.3:80"`}}, "198.51.100.17"},
		{"Forwarded wins over X-Forwarded-For", "127.0.0.10:1", map[string][]string{
			"Forwarded": {`For="[2001:db8:cafe::17]:4711"`}, "X-Forwarded-For": {"203.0.113.9"}}, "2001:db8:cafe::17"},
		{"Forwarded unknown hop stops the walk", "127.0.0.10:1", map[string][]string{"Forwarded": {"for=192.0.2.60, for=unknown, for=10.9.9.9"}}, "10.9.9.9"},
		{"Forwarded malformed", "127.0.0.10:1", map[string][]string{"Forwarded": {`for="192.0.2.60`}}, "127.0.0.10"},
		{"mapped peer", "[::ffff:192.0.2.5]:1", nil, "192.0.2.5"},
		{"too many hops", "127.0.0.10:1", map[string][]string{"X-Forwarded-For": {strings.Repeat("10.0.0.1,", maxHops+1)}}, "127.0.0.10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for k, vs := range tc.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if got := s.Of(r); got != tc.want {
				t.Errorf("Of = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseForwardedErrors(t *testing.T) {
	cases := []struct{ line, want string }{
		{`for=`, `Forwarded element 1: parameter "for": empty value at byte 4`},
		{`for`, `Forwarded element 1: parameter "for" has no value`},
		{`;`, `Forwarded element 1: expected a parameter name at byte 0`},
		{`for="a\`, `quoted string ends in a backslash`},
		{`for=1.2.3.4;for=5.6.7.8`, `for= given twice in one element`},
		{`for=1.2.3.4, for=300.1.1.1`, `Forwarded element 2: for=: "300.1.1.1" is not an IP address`},
		{`for="[2001:db8::1"`, `has no closing ]`},
		{`for="1.2.3.4:http"`, `has a bad port`},
		{`for="fe80::1%eth0"`, `is not an IP address`},
	}
	for _, tc := range cases {
		_, err := ParseForwarded([]string{tc.line})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseForwarded(%q) error = %v, want %q", tc.line, err, tc.want)
		}
	}
	if _, err := ParseXForwardedFor([]string{"1.2.3.4, x"}); err == nil || err.Error() != `X-Forwarded-For entry 2: "x" is not an IP address` {
		t.Errorf("ParseXForwardedFor error = %v", err)
	}
}

// FuzzForwarded checks that no header makes the parsers panic, that what
// they accept is an address or an explicit unknown, and that a client
// behind no trusted proxy never gets anything but its peer address.
func FuzzForwarded(f *testing.F) {
	f.Add(`for=192.0.2.43, for="[2001:db8:cafe::17]:4711";proto=https`, "203.0.113.9, 10.0.0.1")
	f.Add(`for=unknown;by=_hidden`, "[::1]:80")
	f.Add(`FOR="\"x"`, ",,")
	s := SourceIP{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	f.Fuzz(func(t *testing.T, fwd, xff string) {
		hops, err := ParseForwarded([]string{fwd})
		if err == nil && len(hops) > maxHops {
			t.Fatalf("%d hops accepted", len(hops))
		}
		xhops, err := ParseXForwardedFor([]string{xff})
		for _, h := range xhops {
			if err == nil && (!h.IsValid() || h.Is4In6()) {
				t.Fatalf("X-Forwarded-For gave %v", h)
			}
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Forwarded", fwd)
		r.Header.Set("X-Forwarded-For", xff)
		r.RemoteAddr = "192.0.2.1:1"
		if got := s.Of(r); got != "192.0.2.1" {
			t.Fatalf("untrusted peer became %q", got)
		}
		r.RemoteAddr = "127.0.0.1:1"
		if _, err := netip.ParseAddr(s.Of(r)); err != nil {
			t.Fatalf("source %q is not an address", s.Of(r))
		}
	})
}
