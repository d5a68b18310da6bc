package authorizer

import (
	"strings"
	"testing"
)

const arnGetPet = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42"

func policyJSON(statements string) string {
	return `{"Version":"2012-10-17","Statement":` + statements + `}`
}

func TestDecide(t *testing.T) {
	cases := []struct {
		name       string
		statements string
		arn        string
		want       Decision
	}{
		{"exact allow", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arnGetPet + `"}]`, arnGetPet, Allow},
		{"single statement object", `{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arnGetPet + `"}`, arnGetPet, Allow},
		{"other path is implicit deny", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arnGetPet + `"}]`,
			"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/43", ImplicitDeny},
		{"stage and verb wildcards", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/*/*"}]`, arnGetPet, Allow},
		{"star crosses slashes", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:abc123/prod/GET/*"}]`, arnGetPet, Allow},
		{"question mark is one character", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/4?"}]`, arnGetPet, Allow},
		{"question mark needs a character", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42?"}]`, arnGetPet, ImplicitDeny},
		{"other API", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:zzz999/*"}]`, arnGetPet, ImplicitDeny},
		{"deny beats allow", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"` + arnGetPet + `"}]`, arnGetPet, ExplicitDeny},
		{"deny elsewhere leaves allow", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/*/DELETE/*"}]`, arnGetPet, Allow},
		{"action in any case", `[{"Effect":"Allow","Action":"EXECUTE-API:invoke","Resource":"*"}]`, arnGetPet, Allow},
		{"action wildcard", `[{"Effect":"Allow","Action":"execute-api:*","Resource":"*"}]`, arnGetPet, Allow},
		{"star action", `[{"Effect":"Allow","Action":"*","Resource":"*"}]`, arnGetPet, Allow},
		{"other action does not allow", `[{"Effect":"Allow","Action":"execute-api:ManageConnections","Resource":"*"}]`, arnGetPet, ImplicitDeny},
		{"action list", `[{"Effect":"Allow","Action":["s3:GetObject","execute-api:Invoke"],"Resource":["arn:x","` + arnGetPet + `"]}]`, arnGetPet, Allow},
		{"resource is case sensitive", `[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/get/pets/42"}]`, arnGetPet, ImplicitDeny},
		{"empty statement list", `[]`, arnGetPet, ImplicitDeny},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(policyJSON(c.statements)))
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Decide(c.arn); got != c.want {
				t.Errorf("Decide = %s, want %s", got, c.want)
			}
		})
	}
}

func TestParseOutput(t *testing.T) {
	out, err := ParseOutput([]byte(`{"principalId":"user-7","policyDocument":` + policyJSON(`[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]`) +
		`,"context":{"tier":"gold","n":42,"ok":true,"f":1.5,"none":null},"usageIdentifierKey":"key-abc"}`))
	if err != nil {
		t.Fatal(err)
	}
	if out.PrincipalID != "user-7" || out.UsageIdentifierKey != "key-abc" {
		t.Errorf("principal %q, usage key %q", out.PrincipalID, out.UsageIdentifierKey)
	}
	want := map[string]string{"tier": "gold", "n": "42", "ok": "true", "f": "1.5", "none": ""}
	for k, v := range want {
		if out.Context[k] != v {
			t.Errorf("context[%s] = %q, want %q", k, out.Context[k], v)
		}
	}
	if out.Policy.Decide(arnGetPet) != Allow {
		t.Error("policy does not allow")
	}
	// principalId is optional, as with API Gateway.
	out, err = ParseOutput([]byte(`{"policyDocument":` + policyJSON(`[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*"}]`) + `}`))
	if err != nil || out.PrincipalID != "" || out.Policy.Decide(arnGetPet) != ExplicitDeny {
		t.Errorf("without principalId: %+v, %v", out, err)
	}
}

func TestParseOutputErrors(t *testing.T) {
	allow := policyJSON(`[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]`)
	cases := []struct{ name, in, want string }{
		{"not JSON", `nope`, "not a JSON object"},
		{"array", `[]`, "not a JSON object"},
		{"principal not a string", `{"principalId":7,"policyDocument":` + allow + `}`, "principalId is a JSON number, want a string"},
		{"no policy", `{"principalId":"u"}`, "policyDocument is missing"},
		{"policy not object", `{"principalId":"u","policyDocument":"x"}`, "not a JSON policy object"},
		{"no statement", `{"principalId":"u","policyDocument":{"Version":"2012-10-17"}}`, "Statement is missing"},
		{"bad effect", `{"principalId":"u","policyDocument":` + policyJSON(`[{"Effect":"allow","Action":"execute-api:Invoke","Resource":"*"}]`) + `}`, `Statement[0].Effect is "allow"`},
		{"no action", `{"principalId":"u","policyDocument":` + policyJSON(`[{"Effect":"Allow","Resource":"*"}]`) + `}`, "Statement[0].Action is missing"},
		{"no resource", `{"principalId":"u","policyDocument":` + policyJSON(`[{"Effect":"Allow","Action":"*"}]`) + `}`, "Statement[0].Resource is missing"},
		{"resource number", `{"principalId":"u","policyDocument":` + policyJSON(`[{"Effect":"Allow","Action":"*","Resource":5}]`) + `}`, "want a string or a list of strings"},
		{"not resource", `{"principalId":"u","policyDocument":` + policyJSON(`[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"x"}]`) + `}`, "NotAction, NotResource and Condition"},
		{"empty resource", `{"principalId":"u","policyDocument":` + policyJSON(`[{"Effect":"Allow","Action":"*","Resource":[""]}]`) + `}`, "Statement[0].Resource holds an empty string"},
		{"object context", `{"principalId":"u","policyDocument":` + allow + `,"context":{"a":{"b":1}}}`, "context.a: objects and arrays are not allowed"},
		{"too big", `{"principalId":"` + strings.Repeat("x", maxOutput) + `"}`, "at most"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseOutput([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// FuzzParseOutput feeds arbitrary authorizer answers: parsing must never
// panic, and a parsed policy must decide every ARN without panicking,
// with an explicit deny never turning into an allow.
func FuzzParseOutput(f *testing.F) {
	f.Add([]byte(`{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:*/GET/*"}]}}`), arnGetPet)
	f.Add([]byte(`{"principalId":"u","policyDocument":{"Statement":{"Effect":"Deny","Action":["*"],"Resource":["*?*"]}},"context":{"a":1}}`), "x")
	f.Add([]byte(`{"principalId":null}`), "")
	f.Add([]byte(`{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"**??**","Resource":"a*b*c*d*e*f"}]}}`), "abcdefabcdef")
	f.Fuzz(func(t *testing.T, b []byte, arn string) {
		out, err := ParseOutput(b)
		if err != nil {
			return
		}
		d := out.Policy.Decide(arn)
		for _, s := range out.Policy.statements {
			if s.deny && anyMatch(s.actions, invokeAction, true) && anyMatch(s.resources, arn, false) && d != ExplicitDeny {
				t.Fatalf("a matching Deny statement gave %s", d)
			}
		}
	})
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"", "", true}, {"*", "", true}, {"*", "anything/at:all", true}, {"a*", "abc", true}, {"a*c", "abbbc", true},
		{"a*c", "abcd", false}, {"?", "", false}, {"a?c", "abc", true}, {"*a*a*a", "aaaa", true}, {"*a*a*a", "aab", false},
		{"abc", "abd", false}, {"ab", "abc", false},
	}
	for _, c := range cases {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}
