package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
)

// FilterExtension is the top-level OpenAPI extension holding ferry's
// allow-list and deny-list:
//
//	x-ferry-ip-filter:
//	  allow: [10.0.0.0/8, 192.0.2.7]   # when set, only these may call
//	  deny: [10.9.0.0/16]               # never these, even if allowed
//	  stages:
//	    prod:
//	      allow: [10.1.0.0/16]          # replaces the API's allow-list on prod
//	      deny: [10.1.2.3]              # added to the API's deny-list on prod
//
// A deny always wins. A stage's allow-list replaces the API's, so a stage
// can be narrower or wider; its deny-list adds to the API's, so a stage can
// never lift an API-wide ban.
const FilterExtension = "x-ferry-ip-filter"

// IPFilter is the allow-list and deny-list in force on one stage.
type IPFilter struct {
	Allow, Deny []netip.Prefix
}

type rawLists struct {
	Allow []string `json:"allow"`
	Deny  []string `json:"deny"`
}

type rawFilter struct {
	rawLists
	Stages map[string]rawLists `json:"stages"`
}

// ParseFilter reads the extension's value and returns the lists for stage;
// nil when nothing applies to it.
func ParseFilter(b []byte, stage string) (*IPFilter, error) {
	var raw rawFilter
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %w (want allow, deny and stages)", FilterExtension, err)
	}
	f := &IPFilter{}
	var err error
	if f.Allow, err = prefixes(raw.Allow, "allow"); err != nil {
		return nil, err
	}
	if f.Deny, err = prefixes(raw.Deny, "deny"); err != nil {
		return nil, err
	}
	// Every stage's lists are checked, not only the one compiled, so a typo
	// in another stage's entry is reported on the first deployment.
	names := make([]string, 0, len(raw.Stages))
	for name := range raw.Stages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sl := raw.Stages[name]
		where := "stages." + name + "."
		allow, err := prefixes(sl.Allow, where+"allow")
		if err != nil {
			return nil, err
		}
		deny, err := prefixes(sl.Deny, where+"deny")
		if err != nil {
			return nil, err
		}
		if name == stage {
			if sl.Allow != nil {
				f.Allow = allow
			}
			f.Deny = append(f.Deny, deny...)
		}
	}
	if len(f.Allow) == 0 && len(f.Deny) == 0 {
		return nil, nil
	}
	return f, nil
}

func prefixes(list []string, field string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for i, s := range list {
		p, err := parseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %s[%d]: %w", FilterExtension, field, i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Decide applies the lists: a listed deny is explicit, an address missing
// from a non-empty allow-list is refused implicitly.
func (f *IPFilter) Decide(ip netip.Addr) Decision {
	ip = ip.Unmap()
	for _, p := range f.Deny {
		if ip.IsValid() && p.Contains(ip) {
			return ExplicitDeny
		}
	}
	if len(f.Allow) == 0 {
		return Allowed
	}
	for _, p := range f.Allow {
		if ip.IsValid() && p.Contains(ip) {
			return Allowed
		}
	}
	return ImplicitDeny
}
