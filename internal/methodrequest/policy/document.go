package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Document is a parsed resource policy.
type Document struct {
	Statements []Statement
}

// Statement is one policy statement that can apply to an anonymous caller.
type Statement struct {
	// Sid names the statement in errors; it may be empty.
	Sid string
	// Deny is true for "Effect": "Deny".
	Deny bool
	// Actions are the Action patterns (execute-api:Invoke, execute-api:*, *).
	Actions []string
	// Resources are Resource patterns, or NotResources when NotResource was used.
	Resources []string
	// NotResource inverts Resources.
	NotResource bool
	// Anonymous is false when the Principal names specific IAM identities,
	// which an unsigned caller can never be: the statement never applies.
	Anonymous bool
	// Conditions must all hold for the statement to apply.
	Conditions []Condition
}

// Condition is one aws:SourceIp test.
type Condition struct {
	// Not is true for NotIpAddress.
	Not bool
	// Prefixes are the CIDRs; a match of any one satisfies IpAddress.
	Prefixes []netip.Prefix
}

// maxPolicyBytes is API Gateway's own bound on a resource policy's size,
// which also keeps a hostile import from costing much to parse.
const maxPolicyBytes = 64 << 10

// Parse reads a resource policy. Errors say which statement and which field
// is wrong.
func Parse(doc string) (*Document, error) {
	if len(doc) > maxPolicyBytes {
		return nil, fmt.Errorf("policy: %d bytes is more than the %d allowed", len(doc), maxPolicyBytes)
	}
	var raw struct {
		Version   string          `json:"Version"`
		ID        string          `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if dec.More() {
		return nil, errors.New("policy: text after the policy document")
	}
	if raw.Version != "" && raw.Version != "2012-10-17" && raw.Version != "2008-10-17" {
		return nil, fmt.Errorf("policy: Version %q is not 2012-10-17", raw.Version)
	}
	stmts, err := listOf[json.RawMessage](raw.Statement)
	if err != nil {
		return nil, fmt.Errorf("policy: Statement: %w", err)
	}
	if len(stmts) == 0 {
		return nil, errors.New("policy: no Statement")
	}
	d := &Document{}
	for i, rs := range stmts {
		st, err := parseStatement(rs)
		if err != nil {
			if st.Sid != "" {
				return nil, fmt.Errorf("policy: Statement[%d] (Sid %q): %w", i, st.Sid, err)
			}
			return nil, fmt.Errorf("policy: Statement[%d]: %w", i, err)
		}
		d.Statements = append(d.Statements, st)
	}
	return d, nil
}

type rawStatement struct {
	Sid          string                                `json:"Sid"`
	Effect       string                                `json:"Effect"`
	Principal    json.RawMessage                       `json:"Principal"`
	NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
	Action       json.RawMessage                       `json:"Action"`
	NotAction    json.RawMessage                       `json:"NotAction"`
	Resource     json.RawMessage                       `json:"Resource"`
	NotResource  json.RawMessage                       `json:"NotResource"`
	Condition    map[string]map[string]json.RawMessage `json:"Condition"`
}

func parseStatement(b json.RawMessage) (Statement, error) {
	var rs rawStatement
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return Statement{}, err
	}
	st := Statement{Sid: rs.Sid}
	switch rs.Effect {
	case "Allow":
	case "Deny":
		st.Deny = true
	default:
		return st, fmt.Errorf("Effect %q is not Allow or Deny", rs.Effect)
	}
	if len(rs.NotPrincipal) > 0 {
		return st, errors.New("NotPrincipal is not supported: ferry's callers are anonymous, use Principal \"*\"")
	}
	if len(rs.NotAction) > 0 {
		return st, errors.New("NotAction is not supported; name execute-api:Invoke in Action")
	}
	anon, err := principalAnonymous(rs.Principal)
	if err != nil {
		return st, fmt.Errorf("Principal: %w", err)
	}
	st.Anonymous = anon
	if st.Actions, err = listOf[string](rs.Action); err != nil || len(st.Actions) == 0 {
		return st, errors.New("Action must be a string or a list of strings, e.g. \"execute-api:Invoke\"")
	}
	resources := rs.Resource
	if len(rs.NotResource) > 0 {
		if len(rs.Resource) > 0 {
			return st, errors.New("both Resource and NotResource are set")
		}
		resources, st.NotResource = rs.NotResource, true
	}
	if st.Resources, err = listOf[string](resources); err != nil || len(st.Resources) == 0 {
		return st, errors.New("Resource must be a string or a list of strings, e.g. \"execute-api:/*\"")
	}
	for op, keys := range rs.Condition {
		c := Condition{}
		switch op {
		case "IpAddress":
		case "NotIpAddress":
			c.Not = true
		default:
			return st, fmt.Errorf("Condition operator %q is not supported (only IpAddress and NotIpAddress on aws:SourceIp)", op)
		}
		for key, v := range keys {
			if !strings.EqualFold(key, "aws:SourceIp") {
				return st, fmt.Errorf("Condition key %q under %s is not supported (only aws:SourceIp)", key, op)
			}
			cidrs, err := listOf[string](v)
			if err != nil || len(cidrs) == 0 {
				return st, fmt.Errorf("Condition %s aws:SourceIp must be a CIDR or a list of CIDRs", op)
			}
			for _, s := range cidrs {
				p, err := parseCIDR(s)
				if err != nil {
					return st, fmt.Errorf("Condition %s aws:SourceIp: %w", op, err)
				}
				c.Prefixes = append(c.Prefixes, p)
			}
		}
		st.Conditions = append(st.Conditions, c)
	}
	return st, nil
}

// principalAnonymous accepts "*" and {"AWS": "*"} (any caller); a principal
// naming accounts, roles or services never matches an unsigned call.
func principalAnonymous(b json.RawMessage) (bool, error) {
	if len(b) == 0 {
		return false, errors.New("missing; a resource policy statement needs one (\"*\" for anyone)")
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != "*" {
			return false, fmt.Errorf("%q is not \"*\" or an object such as {\"AWS\": \"*\"}", s)
		}
		return true, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return false, errors.New("must be \"*\" or an object such as {\"AWS\": \"*\"}")
	}
	for kind, v := range m {
		ids, err := listOf[string](v)
		if err != nil {
			return false, fmt.Errorf("%s must be a string or a list of strings", kind)
		}
		for _, id := range ids {
			if id == "*" && kind == "AWS" {
				return true, nil
			}
		}
	}
	return false, nil
}

// listOf decodes a JSON value that the policy language allows as either one
// element or a list of them.
func listOf[T any](b json.RawMessage) ([]T, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, nil
	}
	if b[0] == '[' {
		var out []T
		err := json.Unmarshal(b, &out)
		return out, err
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return nil, err
	}
	return []T{one}, nil
}

// parseCIDR takes a CIDR or a bare address (a /32 or /128), as IAM does.
func parseCIDR(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
