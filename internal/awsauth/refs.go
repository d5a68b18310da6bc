package awsauth

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrCallerCredentials is returned for arn:aws:iam::*:user/*, API Gateway's
// way of saying "call AWS with the caller's own credentials".
var ErrCallerCredentials = errors.New("awsauth: caller credentials are not supported yet")

// RoleARN is a parsed IAM role ARN.
type RoleARN struct {
	Partition, Account, Name string
}

func (r RoleARN) String() string {
	return "arn:" + r.Partition + ":iam::" + r.Account + ":role/" + r.Name
}

var (
	accountRE  = regexp.MustCompile(`^[0-9]{12}$`)
	roleNameRE = regexp.MustCompile(`^[\w+=,.@/-]{1,512}$`)
)

// ParseRoleARN checks an arn:PARTITION:iam::ACCOUNT:role/NAME.
func ParseRoleARN(s string) (RoleARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return RoleARN{}, fmt.Errorf("%q is not an ARN (want arn:aws:iam::ACCOUNT:role/NAME)", s)
	}
	r := RoleARN{Partition: parts[1], Account: parts[4]}
	switch {
	case !strings.HasPrefix(r.Partition, "aws"):
		return RoleARN{}, fmt.Errorf("%q: partition %q is not an AWS partition", s, r.Partition)
	case parts[2] != "iam":
		return RoleARN{}, fmt.Errorf("%q: service is %q, want iam", s, parts[2])
	case parts[3] != "":
		return RoleARN{}, fmt.Errorf("%q: IAM ARNs have no region, found %q", s, parts[3])
	case !accountRE.MatchString(r.Account):
		return RoleARN{}, fmt.Errorf("%q: account id %q is not 12 digits", s, r.Account)
	}
	name, ok := strings.CutPrefix(parts[5], "role/")
	if !ok {
		return RoleARN{}, fmt.Errorf("%q: resource %q is not role/NAME", s, parts[5])
	}
	if !roleNameRE.MatchString(name) {
		return RoleARN{}, fmt.Errorf("%q: role name %q has characters IAM does not allow", s, name)
	}
	r.Name = name
	return r, nil
}

// KVMRef is a parsed "kvm:MAP/ENTRY".
type KVMRef struct {
	Map, Entry string
}

func (r KVMRef) String() string { return "kvm:" + r.Map + "/" + r.Entry }

// ParseKVMRef checks a "kvm:MAP/ENTRY" reference.
func ParseKVMRef(s string) (KVMRef, error) {
	rest, ok := strings.CutPrefix(s, "kvm:")
	if !ok {
		return KVMRef{}, fmt.Errorf("%q is not a kvm:MAP/ENTRY reference", s)
	}
	m, e, ok := strings.Cut(rest, "/")
	if !ok || m == "" || e == "" {
		return KVMRef{}, fmt.Errorf("%q: want kvm:MAP/ENTRY with both parts non-empty", s)
	}
	return KVMRef{Map: m, Entry: e}, nil
}

// CredentialsKind says which source an integration's credentials string
// names.
type CredentialsKind int

const (
	// DefaultChain is the empty string: the SDK's default credential chain.
	DefaultChain CredentialsKind = iota
	// AssumeRole is an IAM role ARN.
	AssumeRole
	// KVMEntry is a kvm:MAP/ENTRY reference.
	KVMEntry
)

// ParsedCredentials is an integration's credentials string, checked.
type ParsedCredentials struct {
	Kind CredentialsKind
	Role RoleARN
	KVM  KVMRef
}

// ParseCredentials classifies an integration's credentials string.
func ParseCredentials(s string) (ParsedCredentials, error) {
	switch {
	case s == "":
		return ParsedCredentials{Kind: DefaultChain}, nil
	case strings.HasPrefix(s, "kvm:"):
		ref, err := ParseKVMRef(s)
		if err != nil {
			return ParsedCredentials{}, fmt.Errorf("awsauth: credentials: %w", err)
		}
		return ParsedCredentials{Kind: KVMEntry, KVM: ref}, nil
	case strings.HasPrefix(s, "arn:") && strings.Contains(s, ":user/"):
		if strings.HasSuffix(s, ":user/*") && strings.Contains(s, ":iam::*:") {
			return ParsedCredentials{}, ErrCallerCredentials
		}
		return ParsedCredentials{}, fmt.Errorf("awsauth: credentials %q: an IAM user cannot be assumed; name a role", s)
	case strings.HasPrefix(s, "arn:"):
		role, err := ParseRoleARN(s)
		if err != nil {
			return ParsedCredentials{}, fmt.Errorf("awsauth: credentials: %w", err)
		}
		return ParsedCredentials{Kind: AssumeRole, Role: role}, nil
	}
	return ParsedCredentials{}, fmt.Errorf("awsauth: credentials %q: want an IAM role ARN, kvm:MAP/ENTRY, or nothing for the default chain", s)
}
