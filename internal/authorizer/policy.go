package authorizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ferrygw/ferry/internal/methodrequest/policy"
)

// Decision is what a policy document says about one method ARN.
type Decision uint8

// Decisions, in IAM's order of precedence: an explicit deny beats any
// allow, and no matching statement is an implicit deny.
const (
	ImplicitDeny Decision = iota
	Allow
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "explicit Deny"
	}
	return "implicit deny"
}

// Output is a Lambda authorizer's parsed answer.
type Output struct {
	// PrincipalID is the caller's identity, $context.authorizer.principalId.
	PrincipalID string
	// Policy decides which method ARNs the caller may invoke.
	Policy *Policy
	// Context holds the context values, stringified as API Gateway hands
	// them to mappings ("true", "42").
	Context map[string]string
	// UsageIdentifierKey is the API key the caller is metered under when
	// the API's apiKeySource is AUTHORIZER.
	UsageIdentifierKey string
}

// Policy is a compiled IAM policy document restricted to what API Gateway
// evaluates for authorizers: Allow/Deny statements on execute-api actions
// and method ARN resources.
type Policy struct {
	statements []statement
}

type statement struct {
	deny      bool
	actions   []string
	resources []string
}

// strList is IAM's "a string or a list of strings".
type strList []string

func (s *strList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = strList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("want a string or a list of strings")
	}
	*s = many
	return nil
}

type rawStatement struct {
	Effect      string          `json:"Effect"`
	Action      strList         `json:"Action"`
	Resource    strList         `json:"Resource"`
	NotAction   json.RawMessage `json:"NotAction"`
	NotResource json.RawMessage `json:"NotResource"`
	Condition   json.RawMessage `json:"Condition"`
}

type rawPolicy struct {
	Version   string          `json:"Version"`
	Statement json.RawMessage `json:"Statement"`
}

type rawOutput struct {
	PrincipalID        *string                    `json:"principalId"`
	PolicyDocument     json.RawMessage            `json:"policyDocument"`
	Context            map[string]json.RawMessage `json:"context"`
	UsageIdentifierKey *string                    `json:"usageIdentifierKey"`
}

// maxOutput bounds what ferry parses of an authorizer's answer; API
// Gateway refuses policies of more than about 8 KB of statements too.
const maxOutput = 64 << 10

// ParseOutput parses a Lambda authorizer's answer. Every error says what is
// wrong and where; the caller answers it with AUTHORIZER_CONFIGURATION_ERROR.
func ParseOutput(b []byte) (*Output, error) {
	if len(b) > maxOutput {
		return nil, fmt.Errorf("authorizer output is %d bytes; at most %d are accepted", len(b), maxOutput)
	}
	var raw rawOutput
	if err := json.Unmarshal(b, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, fmt.Errorf("authorizer output: %s is a JSON %s, want a %s", te.Field, te.Value, te.Type)
		}
		return nil, fmt.Errorf("authorizer output is not a JSON object: %w", err)
	}
	if len(raw.PolicyDocument) == 0 || string(raw.PolicyDocument) == "null" {
		return nil, errors.New("authorizer output: policyDocument is missing")
	}
	p, err := ParsePolicy(raw.PolicyDocument)
	if err != nil {
		return nil, fmt.Errorf("authorizer output: policyDocument: %w", err)
	}
	// API Gateway needs only the policy; principalId is usual but optional.
	out := &Output{Policy: p}
	if raw.PrincipalID != nil {
		out.PrincipalID = *raw.PrincipalID
	}
	if raw.UsageIdentifierKey != nil {
		out.UsageIdentifierKey = *raw.UsageIdentifierKey
	}
	if len(raw.Context) > 0 {
		out.Context = make(map[string]string, len(raw.Context))
		for k, v := range raw.Context {
			s, err := contextValue(v)
			if err != nil {
				return nil, fmt.Errorf("authorizer output: context.%s: %w", k, err)
			}
			out.Context[k] = s
		}
	}
	return out, nil
}

// contextValue accepts what API Gateway accepts in an authorizer's
// context: strings, numbers and booleans. Objects and arrays are refused.
func contextValue(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", errors.New("empty value")
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", err
		}
		return s, nil
	case '{', '[':
		return "", errors.New("objects and arrays are not allowed; use a string, number or boolean")
	case 'n':
		return "", nil
	}
	return string(v), nil
}

// ParsePolicy compiles an IAM policy document.
func ParsePolicy(b []byte) (*Policy, error) {
	var raw rawPolicy
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON policy object: %w", err)
	}
	st := bytes.TrimSpace(raw.Statement)
	if len(st) == 0 || string(st) == "null" {
		return nil, errors.New("Statement is missing")
	}
	var list []rawStatement
	if st[0] == '{' {
		var one rawStatement
		if err := json.Unmarshal(st, &one); err != nil {
			return nil, fmt.Errorf("Statement: %w", err)
		}
		list = []rawStatement{one}
	} else if err := json.Unmarshal(st, &list); err != nil {
		return nil, fmt.Errorf("Statement: %w", err)
	}
	p := &Policy{statements: make([]statement, 0, len(list))}
	for i, rs := range list {
		where := fmt.Sprintf("Statement[%d]", i)
		var s statement
		switch rs.Effect {
		case "Allow":
		case "Deny":
			s.deny = true
		default:
			return nil, fmt.Errorf("%s.Effect is %q; want Allow or Deny", where, rs.Effect)
		}
		if len(rs.NotAction) > 0 || len(rs.NotResource) > 0 || len(rs.Condition) > 0 {
			return nil, fmt.Errorf("%s: NotAction, NotResource and Condition are not evaluated for authorizer policies; list Action and Resource", where)
		}
		if len(rs.Action) == 0 {
			return nil, fmt.Errorf("%s.Action is missing", where)
		}
		if len(rs.Resource) == 0 {
			return nil, fmt.Errorf("%s.Resource is missing", where)
		}
		for _, a := range rs.Action {
			if a == "" {
				return nil, fmt.Errorf("%s.Action holds an empty string", where)
			}
			s.actions = append(s.actions, strings.ToLower(a))
		}
		for _, r := range rs.Resource {
			if r == "" {
				return nil, fmt.Errorf("%s.Resource holds an empty string", where)
			}
			s.resources = append(s.resources, r)
		}
		p.statements = append(p.statements, s)
	}
	return p, nil
}

// invokeAction is the action every authorizer policy is checked for;
// actions match case-insensitively, as in IAM, so it is kept lowercase.
const invokeAction = "execute-api:invoke"

// Decide evaluates the policy for a call of methodARN.
func (p *Policy) Decide(methodARN string) Decision {
	d := ImplicitDeny
	if p == nil {
		return d
	}
	for i := range p.statements {
		s := &p.statements[i]
		if !anyMatch(s.actions, invokeAction, true) || !anyMatch(s.resources, methodARN, false) {
			continue
		}
		if s.deny {
			return ExplicitDeny
		}
		d = Allow
	}
	return d
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			if globFold(p, s) {
				return true
			}
		} else if glob(p, s) {
			return true
		}
	}
	return false
}

// glob matches IAM wildcards (policy.WildcardMatch).
func glob(p, s string) bool { return policy.WildcardMatch(p, s, false) }

// globFold is glob for a lowercase pattern against s in any case (ASCII:
// action names are ASCII).
func globFold(p, s string) bool { return policy.WildcardMatch(p, s, true) }
