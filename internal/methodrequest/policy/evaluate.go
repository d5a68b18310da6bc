package policy

import (
	"net/netip"
	"strings"
)

// Decision is the outcome of evaluating a policy.
type Decision int

const (
	// ImplicitDeny: no statement allowed the call.
	ImplicitDeny Decision = iota
	// Allowed: a statement allowed it and none denied it.
	Allowed
	// ExplicitDeny: a Deny statement matched.
	ExplicitDeny
)

// Call is what a policy is evaluated against.
type Call struct {
	// ResourceARN is arn:aws:execute-api:REGION:ACCOUNT:APIID/STAGE/METHOD/PATH.
	ResourceARN string
	// SourceIP is the caller's address; invalid when unknown.
	SourceIP netip.Addr
}

// Target is where a policy is served, to expand execute-api:/ shorthands.
type Target struct {
	Region, AccountID, APIID string
}

// Evaluate applies AWS's order: any matching Deny wins, then any matching
// Allow, else the implicit deny.
func (d *Document) Evaluate(t Target, c Call) Decision {
	allowed := false
	for i := range d.Statements {
		st := &d.Statements[i]
		if !st.applies(t, c) {
			continue
		}
		if st.Deny {
			return ExplicitDeny
		}
		allowed = true
	}
	if allowed {
		return Allowed
	}
	return ImplicitDeny
}

func (st *Statement) applies(t Target, c Call) bool {
	if !st.Anonymous {
		return false
	}
	if !anyMatch(st.Actions, "execute-api:Invoke", true) {
		return false
	}
	hit := false
	for _, r := range st.Resources {
		if WildcardMatch(expandResource(r, t), c.ResourceARN, false) {
			hit = true
			break
		}
	}
	if hit == st.NotResource {
		return false
	}
	for _, cond := range st.Conditions {
		if !cond.holds(c.SourceIP) {
			return false
		}
	}
	return true
}

// holds follows IAM: a missing source address satisfies neither IpAddress
// nor NotIpAddress.
func (c Condition) holds(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap()
	in := false
	for _, p := range c.Prefixes {
		if p.Contains(ip) {
			in = true
			break
		}
	}
	return in != c.Not
}

// expandResource turns API Gateway's shorthand execute-api:/STAGE/METHOD/PATH
// into the ARN it stands for, as API Gateway does when it stores a policy.
func expandResource(r string, t Target) string {
	if rest, ok := strings.CutPrefix(r, "execute-api:/"); ok {
		return "arn:aws:execute-api:" + t.Region + ":" + t.AccountID + ":" + t.APIID + "/" + rest
	}
	return r
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if WildcardMatch(p, s, fold) {
			return true
		}
	}
	return false
}

// WildcardMatch is IAM's glob, shared by resource policies and Lambda
// authorizer policies: * matches any run of characters, slashes and colons
// included, and ? any one character; fold compares ASCII letters without
// case (action names). It backtracks only to the last star, so it runs in
// O(len(p)·len(s)) at worst and a hostile pattern cannot make it explode,
// and it allocates nothing.
func WildcardMatch(p, s string, fold bool) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		// A star is tried as a wildcard before anything else: taken as the
		// literal character it would stop "a*" from matching "a*b".
		if pi < len(p) && p[pi] == '*' {
			star, mark = pi, si
			pi++
			continue
		}
		if pi < len(p) && (p[pi] == '?' || p[pi] == s[si] || fold && lowerASCII(p[pi]) == lowerASCII(s[si])) {
			pi++
			si++
			continue
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark++
		si = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicit deny"
	}
	return "implicit deny"
}
