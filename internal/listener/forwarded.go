package listener

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// maxHops bounds how many forwarded entries are read; a chain longer than
// this is refused rather than walked, so a client cannot make every request
// parse an arbitrarily long header.
const maxHops = 32

// errTooManyHops reports a forwarding chain longer than maxHops.
var errTooManyHops = fmt.Errorf("more than %d forwarding hops", maxHops)

// ParseXForwardedFor returns the addresses of X-Forwarded-For header lines,
// the client first, as the lines and commas order them. An entry that is
// not an address (with or without a port) is an error naming it.
func ParseXForwardedFor(lines []string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, line := range lines {
		for _, part := range strings.Split(line, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if len(out) == maxHops {
				return nil, errTooManyHops
			}
			a, err := parseNode(part)
			if err != nil {
				return nil, fmt.Errorf("X-Forwarded-For entry %d: %w", len(out)+1, err)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// ParseForwarded returns the for= addresses of RFC 7239 Forwarded header
// lines, the client first. An element without for= is skipped; "unknown"
// and obfuscated identifiers ("_hidden") are an invalid Addr in their place,
// since they say a hop exists without saying who it is.
func ParseForwarded(lines []string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, line := range lines {
		p := &fwdParser{s: line}
		for !p.done() {
			if len(out) == maxHops {
				return nil, errTooManyHops
			}
			forVal, found, err := p.element()
			if err != nil {
				return nil, fmt.Errorf("Forwarded element %d: %w", len(out)+1, err)
			}
			if !found {
				continue
			}
			if forVal == "unknown" || strings.HasPrefix(forVal, "_") {
				out = append(out, netip.Addr{})
				continue
			}
			a, err := parseNode(forVal)
			if err != nil {
				return nil, fmt.Errorf("Forwarded element %d: for=: %w", len(out)+1, err)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// parseNode reads an address as proxies write it: 192.0.2.1, 192.0.2.1:80,
// 2001:db8::1, [2001:db8::1] or [2001:db8::1]:80.
func parseNode(s string) (netip.Addr, error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, fmt.Errorf("%q has no closing ]", s)
		}
		if rest := s[end+1:]; rest != "" && !validPort(rest) {
			return netip.Addr{}, fmt.Errorf("%q has a bad port", s)
		}
		s = s[1:end]
	} else if strings.Count(s, ":") == 1 {
		host, port, _ := strings.Cut(s, ":")
		if !validPort(":" + port) {
			return netip.Addr{}, fmt.Errorf("%q has a bad port", s)
		}
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%q is not an IP address", s)
	}
	return a.Unmap(), nil
}

func validPort(s string) bool {
	if len(s) < 2 || len(s) > 6 || s[0] != ':' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// fwdParser walks one Forwarded line: elements separated by commas, pairs
// by semicolons, values tokens or quoted strings.
type fwdParser struct {
	s string
	i int
}

func (p *fwdParser) done() bool {
	p.skipSpace()
	return p.i >= len(p.s)
}

func (p *fwdParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// element reads up to the next comma and returns its for= value.
func (p *fwdParser) element() (forVal string, found bool, err error) {
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			return forVal, found, nil
		}
		if p.i >= len(p.s) {
			return forVal, found, nil
		}
		key := p.token()
		if key == "" {
			return "", false, fmt.Errorf("expected a parameter name at byte %d", p.i)
		}
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			return "", false, fmt.Errorf("parameter %q has no value", key)
		}
		p.i++
		val, err := p.value()
		if err != nil {
			return "", false, fmt.Errorf("parameter %q: %w", key, err)
		}
		if strings.EqualFold(key, "for") {
			if found {
				return "", false, errors.New("for= given twice in one element")
			}
			forVal, found = val, true
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ';' {
			p.i++
		}
	}
}

func (p *fwdParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *fwdParser) value() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		p.i++
		var b strings.Builder
		for p.i < len(p.s) {
			c := p.s[p.i]
			p.i++
			switch c {
			case '"':
				return b.String(), nil
			case '\\':
				if p.i >= len(p.s) {
					return "", errors.New("quoted string ends in a backslash")
				}
				b.WriteByte(p.s[p.i])
				p.i++
			default:
				b.WriteByte(c)
			}
		}
		return "", errors.New("unterminated quoted string")
	}
	v := p.token()
	if v == "" {
		return "", fmt.Errorf("empty value at byte %d", p.i)
	}
	return v, nil
}

// isTokenChar is RFC 7230's tchar.
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
