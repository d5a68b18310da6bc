package policy

import (
	"net/netip"
	"strings"
	"testing"
)

var target = Target{Region: "eu-west-1", AccountID: "123456789012", APIID: "abcde12345"}

func arn(stage, method, path string) string {
	return "arn:aws:execute-api:eu-west-1:123456789012:abcde12345/" + stage + "/" + method + "/" + path
}

// allowFrom is the policy API Gateway's console template writes for an
// allow-list, with a deny carved out of it.
const allowFrom = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
    {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.7"]}}},
    {"Sid": "nope", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "execute-api:*",
     "Resource": "arn:aws:execute-api:eu-west-1:123456789012:abcde12345/prod/DELETE/*"}
  ]
}`

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name, policy, arn, ip string
		want                  Decision
	}{
		{"allowed source", allowFrom, arn("prod", "GET", "pets/1"), "10.1.2.3", Allowed},
		{"single address listed", allowFrom, arn("prod", "GET", "pets"), "192.0.2.7", Allowed},
		{"source outside the list", allowFrom, arn("prod", "GET", "pets"), "192.0.2.8", ExplicitDeny},
		{"ipv6 outside the list", allowFrom, arn("prod", "GET", "pets"), "2001:db8::1", ExplicitDeny},
		{"mapped ipv4 inside", allowFrom, arn("prod", "GET", "pets"), "::ffff:10.0.0.1", Allowed},
		{"explicit deny of a method wins", allowFrom, arn("prod", "DELETE", "pets/1"), "10.1.2.3", ExplicitDeny},
		{"deny of one stage leaves another", allowFrom, arn("dev", "DELETE", "pets/1"), "10.1.2.3", Allowed},
		{"no allow is an implicit deny",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/prod/GET/open"}}`,
			arn("prod", "GET", "closed"), "10.0.0.1", ImplicitDeny},
		{"allow of an exact path",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/prod/GET/open"}}`,
			arn("prod", "GET", "open"), "10.0.0.1", Allowed},
		{"wildcard in the middle",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/pets/*"}}`,
			arn("prod", "GET", "pets/7/toys"), "10.0.0.1", Allowed},
		{"wildcard does not cover another method",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/pets/*"}}`,
			arn("prod", "POST", "pets/7"), "10.0.0.1", ImplicitDeny},
		{"IpAddress allow",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.2/32"}}}}`,
			arn("prod", "GET", ""), "127.0.0.2", Allowed},
		{"IpAddress allow, other source",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.2/32"}}}}`,
			arn("prod", "GET", ""), "127.0.0.3", ImplicitDeny},
		{"unknown source matches no condition",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "127.0.0.2/32"}}}}`,
			arn("prod", "GET", ""), "", ImplicitDeny},
		{"principal naming a role never applies",
			`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/x"}, "Action": "execute-api:Invoke", "Resource": "*"}}`,
			arn("prod", "GET", ""), "10.0.0.1", ImplicitDeny},
		{"other account's ARN",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:eu-west-1:999999999999:abcde12345/*"}}`,
			arn("prod", "GET", ""), "10.0.0.1", ImplicitDeny},
		{"NotResource",
			`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "NotResource": "execute-api:/prod/*/admin/*"}]}`,
			arn("prod", "GET", "admin/users"), "10.0.0.1", ImplicitDeny},
		{"action matched case-insensitively",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "EXECUTE-API:invoke"], "Resource": "*"}}`,
			arn("prod", "GET", ""), "10.0.0.1", Allowed},
		{"other action only",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:ManageConnections", "Resource": "*"}}`,
			arn("prod", "GET", ""), "10.0.0.1", ImplicitDeny},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			ip, _ := netip.ParseAddr(tc.ip)
			if got := d.Evaluate(target, Call{ResourceARN: tc.arn, SourceIP: ip}); got != tc.want {
				t.Errorf("Evaluate(%s from %q) = %v, want %v", tc.arn, tc.ip, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const head = `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"`
	cases := []struct{ name, policy, want string }{
		{"not JSON", `{"Statement": [`, "policy: unexpected EOF"},
		{"unknown field", `{"Statment": []}`, `policy: json: unknown field "Statment"`},
		{"no statement", `{"Version": "2012-10-17"}`, "policy: no Statement"},
		{"bad version", `{"Version": "2020-01-01", "Statement": []}`, `policy: Version "2020-01-01" is not 2012-10-17`},
		{"bad effect", `{"Statement": {"Effect": "Permit"}}`, `policy: Statement[0]: Effect "Permit" is not Allow or Deny`},
		{"sid named", `{"Statement": [{"Sid": "s1", "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke"}]}`,
			`policy: Statement[0] (Sid "s1"): Resource must be a string or a list of strings`},
		{"no principal", `{"Statement": {"Effect": "Allow", "Action": "x", "Resource": "*"}}`, "Principal: missing"},
		{"not action", `{"Statement": {"Effect": "Allow", "Principal": "*", "NotAction": "x", "Resource": "*"}}`, "NotAction is not supported"},
		{"other operator", head + `, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}}`,
			`Condition operator "StringEquals" is not supported`},
		{"other key", head + `, "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}}}`,
			`Condition key "aws:VpcSourceIp" under IpAddress is not supported`},
		{"bad cidr", head + `, "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/33"]}}}}`,
			`Condition IpAddress aws:SourceIp: "10.0.0.0/33" is not a CIDR`},
		{"bad address", head + `, "Condition": {"IpAddress": {"aws:SourceIp": "ten"}}}}`,
			`"ten" is not an IP address or CIDR`},
		{"trailing text", `{"Statement": []} {}`, "text after the policy document"},
		{"huge", `{"Statement": "` + strings.Repeat("x", maxPolicyBytes) + `"}`, "bytes is more than the"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.policy)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*/GET/*", "x/prod/GET/a/b", true},
		{"**a", "bbba", true},
		{"abc", "abcd", false},
		{"a*", "a*b", true},
		{"a*b", "a*b", true},
		{strings.Repeat("*a", 40) + "b", strings.Repeat("a", 400), false},
	}
	for _, tc := range cases {
		if got := WildcardMatch(tc.p, tc.s, false); got != tc.want {
			t.Errorf("WildcardMatch(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}

func TestFilter(t *testing.T) {
	ext := []byte(`{"allow": ["10.0.0.0/8", "192.0.2.7"], "deny": ["10.9.0.0/16"],
	  "stages": {"prod": {"allow": ["10.1.0.0/16"], "deny": ["10.1.2.3"]}, "open": {"allow": []}}}`)
	cases := []struct {
		stage, ip string
		want      Decision
	}{
		{"dev", "10.2.0.1", Allowed},
		{"dev", "192.0.2.7", Allowed},
		{"dev", "192.0.2.8", ImplicitDeny},
		{"dev", "10.9.1.1", ExplicitDeny},
		{"prod", "10.2.0.1", ImplicitDeny},
		{"prod", "10.1.0.1", Allowed},
		{"prod", "10.1.2.3", ExplicitDeny},
		{"prod", "", ImplicitDeny},
		{"open", "172.16.0.1", Allowed},
		{"open", "10.9.0.1", ExplicitDeny},
	}
	for _, tc := range cases {
		f, err := ParseFilter(ext, tc.stage)
		if err != nil {
			t.Fatal(err)
		}
		ip, _ := netip.ParseAddr(tc.ip)
		if got := f.Decide(ip); got != tc.want {
			t.Errorf("stage %s, %q: %v, want %v", tc.stage, tc.ip, got, tc.want)
		}
	}
	if f, err := ParseFilter([]byte(`{"stages": {"prod": {"deny": ["10.0.0.1"]}}}`), "dev"); f != nil || err != nil {
		t.Errorf("a stage with no lists got %v, %v; want no filter", f, err)
	}
	for _, bad := range []struct{ ext, want string }{
		{`{"allow": ["10.0.0.0/40"]}`, `x-ferry-ip-filter: allow[0]: "10.0.0.0/40" is not a CIDR`},
		{`{"stages": {"b": {"deny": ["x"]}}}`, `x-ferry-ip-filter: stages.b.deny[0]: "x" is not an IP address or CIDR`},
		{`{"alow": []}`, `unknown field "alow"`},
		{`["10.0.0.0/8"]`, "cannot unmarshal array"},
	} {
		if _, err := ParseFilter([]byte(bad.ext), "b"); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseFilter(%s) error = %v, want %q", bad.ext, err, bad.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(allowFrom)
	f.Add(`{"Statement": {"Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": "*", "NotResource": ["execute-api:/*/GET/*"], "Condition": {"IpAddress": {"aws:SourceIp": "::1"}}}}`)
	f.Add(`{"Statement": []}`)
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(doc)
		if err != nil {
			if d != nil {
				t.Fatal("a document and an error")
			}
			return
		}
		if len(d.Statements) == 0 {
			t.Fatal("accepted a policy without statements")
		}
		for _, ip := range []string{"10.0.0.1", "2001:db8::1", ""} {
			a, _ := netip.ParseAddr(ip)
			got := d.Evaluate(target, Call{ResourceARN: arn("prod", "GET", "x"), SourceIP: a})
			if got < ImplicitDeny || got > ExplicitDeny {
				t.Fatalf("decision %d", got)
			}
			for _, st := range d.Statements {
				if st.Deny && st.applies(target, Call{ResourceARN: arn("prod", "GET", "x"), SourceIP: a}) && got != ExplicitDeny {
					t.Fatal("a matching Deny did not win")
				}
			}
		}
	})
}

func FuzzParseFilter(f *testing.F) {
	f.Add([]byte(`{"allow": ["10.0.0.0/8"], "deny": ["::1"], "stages": {"prod": {"allow": []}}}`), "prod")
	f.Add([]byte(`{"stages": {"a": {"deny": ["1.2.3.4/0"]}}}`), "a")
	f.Fuzz(func(t *testing.T, ext []byte, stage string) {
		flt, err := ParseFilter(ext, stage)
		if err != nil || flt == nil {
			return
		}
		if len(flt.Allow) == 0 && len(flt.Deny) == 0 {
			t.Fatal("an empty filter was returned")
		}
		for _, ip := range []string{"10.0.0.1", "2001:db8::1"} {
			a := netip.MustParseAddr(ip)
			d := flt.Decide(a)
			for _, p := range flt.Deny {
				if p.Contains(a) && d != ExplicitDeny {
					t.Fatalf("%s is on the deny-list but got %v", ip, d)
				}
			}
		}
	})
}
