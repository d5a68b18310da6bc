package listener

import (
	"net"
	"net/http"
	"net/netip"
)

// SourceIP finds a request's $context.identity.sourceIp.
type SourceIP struct {
	// Trusted are the proxies whose forwarding headers are believed.
	Trusted []netip.Prefix
}

// Of returns the caller's address. The peer is the caller unless it is a
// trusted proxy; then the forwarding chain is walked from the nearest hop
// back, and the first address that is not itself a trusted proxy is the
// caller. Forwarded wins over X-Forwarded-For when both are present. A
// chain that cannot be read — malformed, too long, or an unknown hop —
// stops the walk at the last hop known, so a client can never pick its own
// address by writing a header: at worst it gets its proxy's.
func (s SourceIP) Of(r *http.Request) string {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() {
		return r.RemoteAddr
	}
	if !s.trusted(peer) {
		return peer.String()
	}
	var hops []netip.Addr
	var err error
	if v := r.Header.Values("Forwarded"); len(v) > 0 {
		hops, err = ParseForwarded(v)
	} else if v := r.Header.Values("X-Forwarded-For"); len(v) > 0 {
		hops, err = ParseXForwardedFor(v)
	}
	if err != nil {
		return peer.String()
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		if !hops[i].IsValid() {
			break
		}
		client = hops[i]
		if !s.trusted(client) {
			break
		}
	}
	return client.String()
}

func (s SourceIP) trusted(a netip.Addr) bool {
	for _, p := range s.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
