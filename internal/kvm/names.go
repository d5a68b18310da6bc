package kvm

import (
	"fmt"
	"strings"
)

// Scope names.
const (
	ScopeGlobal = "global"
	scopeAPI    = "api:"
	scopeStage  = "stage:"
)

// APIScope is the scope of maps that belong to one API.
func APIScope(apiID string) string { return scopeAPI + apiID }

// StageScope is the scope of maps that belong to one stage of an API.
func StageScope(apiID, stage string) string { return scopeStage + apiID + "/" + stage }

// LookupScopes lists the scopes a name used by a stage is looked up in,
// narrowest first: the stage's own, the API's, then the global one. An
// empty stage or API id drops the scopes that need it.
func LookupScopes(apiID, stage string) []string {
	s := make([]string, 0, 3)
	if apiID != "" && stage != "" {
		s = append(s, StageScope(apiID, stage))
	}
	if apiID != "" {
		s = append(s, APIScope(apiID))
	}
	return append(s, ScopeGlobal)
}

// ValidateScope reports what is wrong with a scope name.
func ValidateScope(scope string) error {
	switch {
	case scope == ScopeGlobal:
		return nil
	case strings.HasPrefix(scope, scopeAPI):
		if err := checkName(scope[len(scopeAPI):], "API id"); err != nil {
			return fmt.Errorf("kvm: scope %q: %w", scope, err)
		}
		return nil
	case strings.HasPrefix(scope, scopeStage):
		api, stage, ok := strings.Cut(scope[len(scopeStage):], "/")
		if !ok {
			return fmt.Errorf("kvm: scope %q: want stage:{apiId}/{stage}", scope)
		}
		if err := checkName(api, "API id"); err != nil {
			return fmt.Errorf("kvm: scope %q: %w", scope, err)
		}
		if err := checkName(stage, "stage name"); err != nil {
			return fmt.Errorf("kvm: scope %q: %w", scope, err)
		}
		return nil
	}
	return fmt.Errorf("kvm: scope %q: want %q, \"api:{apiId}\" or \"stage:{apiId}/{stage}\"", scope, ScopeGlobal)
}

// ValidateMapName reports what is wrong with a map name. Names exclude "/"
// so that "kvm:MAP/ENTRY" references split without ambiguity.
func ValidateMapName(name string) error {
	if err := checkName(name, "map name"); err != nil {
		return fmt.Errorf("kvm: %w", err)
	}
	return nil
}

// ValidateEntryKey reports what is wrong with an entry key.
func ValidateEntryKey(key string) error {
	if key == "" {
		return fmt.Errorf("kvm: entry key is empty")
	}
	if len(key) > 512 {
		return fmt.Errorf("kvm: entry key is %d bytes, longer than 512", len(key))
	}
	for i, r := range key {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("kvm: entry key %q has a control character at byte %d", key, i)
		}
	}
	return nil
}

// checkName accepts 1 to 128 letters, digits, '.', '_' and '-'.
func checkName(s, what string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if len(s) > 128 {
		return fmt.Errorf("%s is %d bytes, longer than 128", what, len(s))
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return fmt.Errorf("%s %q has %q at byte %d (allowed: letters, digits, '.', '_', '-')", what, s, r, i)
		}
	}
	return nil
}
