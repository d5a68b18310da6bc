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
		if wildcardMatch(expandResource(r, t), c.ResourceARN, false) {
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
		if wildcardMatch(p, s, fold) {
			return true
		}
	}
	return false
}

// wildcardMatch is IAM's glob: * matches any run of characters, slashes
// included, and ? any one character. It runs in O(len(p)·len(s)) at worst,
// so a hostile pattern cannot make it explode.
func wildcardMatch(p, s string, fold bool) bool {
	if fold {
		p, s = strings.ToLower(p), strings.ToLower(s)
	}
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
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
