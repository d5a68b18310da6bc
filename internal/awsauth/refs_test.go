package awsauth

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCredentials(t *testing.T) {
	tests := []struct {
		in      string
		kind    CredentialsKind
		role    string
		kvm     KVMRef
		wantErr string
	}{
		{in: "", kind: DefaultChain},
		{in: "arn:aws:iam::123456789012:role/apigateway-sns", kind: AssumeRole, role: "arn:aws:iam::123456789012:role/apigateway-sns"},
		{in: "arn:aws-cn:iam::123456789012:role/path/to/r", kind: AssumeRole, role: "arn:aws-cn:iam::123456789012:role/path/to/r"},
		{in: "kvm:aws-creds/prod", kind: KVMEntry, kvm: KVMRef{"aws-creds", "prod"}},
		{in: "kvm:m/a/b", kind: KVMEntry, kvm: KVMRef{"m", "a/b"}},
		{in: "arn:aws:iam::*:user/*", wantErr: "caller credentials are not supported yet"},
		{in: "arn:aws:iam::123456789012:user/bob", wantErr: "an IAM user cannot be assumed"},
		{in: "arn:aws:iam::account-id:role/apigateway-sns-role", wantErr: `account id "account-id" is not 12 digits`},
		{in: "arn:aws:iam::12345678901:role/r", wantErr: "is not 12 digits"},
		{in: "arn:aws:sts::123456789012:role/r", wantErr: `service is "sts", want iam`},
		{in: "arn:aws:iam:us-east-1:123456789012:role/r", wantErr: "IAM ARNs have no region"},
		{in: "arn:foo:iam::123456789012:role/r", wantErr: "is not an AWS partition"},
		{in: "arn:aws:iam::123456789012:group/g", wantErr: `resource "group/g" is not role/NAME`},
		{in: "arn:aws:iam::123456789012:role/", wantErr: "role name"},
		{in: "arn:aws:iam", wantErr: "is not an ARN"},
		{in: "kvm:", wantErr: "want kvm:MAP/ENTRY"},
		{in: "kvm:map", wantErr: "want kvm:MAP/ENTRY"},
		{in: "kvm:/entry", wantErr: "want kvm:MAP/ENTRY"},
		{in: "AKIDEXAMPLE", wantErr: "want an IAM role ARN, kvm:MAP/ENTRY"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCredentials(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.kind || got.KVM != tt.kvm || (tt.role != "" && got.Role.String() != tt.role) {
				t.Fatalf("got %+v", got)
			}
		})
	}
	if _, err := ParseCredentials("arn:aws:iam::*:user/*"); !errors.Is(err, ErrCallerCredentials) {
		t.Fatalf("caller credentials: %v, want ErrCallerCredentials", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := RoleConfig{ARN: "arn:aws:iam::123456789012:role/r"}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"ok", Config{Region: "us-east-1", Roles: []RoleConfig{good}, Endpoints: map[string]string{"sns": "http://127.0.0.1:4100"}}, ""},
		{"bad endpoint", Config{Endpoints: map[string]string{"sns": "127.0.0.1:4100"}}, "endpoints.sns"},
		{"endpoint with query", Config{EndpointURL: "http://h/?x=1"}, "endpointURL"},
		{"bad role arn", Config{Roles: []RoleConfig{{ARN: "arn:aws:iam::1:role/r"}}}, "roles[0].arn"},
		{"duplicate role", Config{Roles: []RoleConfig{good, good}}, "roles[1].arn: role arn:aws:iam::123456789012:role/r is listed twice"},
		{"short duration", Config{Roles: []RoleConfig{{ARN: good.ARN, DurationSeconds: 60}}}, "roles[0].durationSeconds: 60 is outside 900..43200"},
		{"bad source", Config{Roles: []RoleConfig{{ARN: good.ARN, SourceCredentials: "env"}}}, "roles[0].sourceCredentials"},
		{"bad session name", Config{Roles: []RoleConfig{{ARN: good.ARN, SessionName: "x"}}}, "roles[0].sessionName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if s := (RoleConfig{ARN: good.ARN, ExternalID: "shh-external"}).String(); strings.Contains(s, "shh-external") {
		t.Fatalf("RoleConfig.String leaks the external id: %s", s)
	}
}

func FuzzParseCredentials(f *testing.F) {
	for _, s := range []string{"", "kvm:a/b", "arn:aws:iam::123456789012:role/r", "arn:aws:iam::*:user/*", "arn:::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseCredentials(s)
		if err != nil {
			return
		}
		switch p.Kind {
		case AssumeRole:
			if p.Role.String() != s {
				t.Fatalf("role %q printed back as %q", s, p.Role)
			}
		case KVMEntry:
			if p.KVM.String() != s {
				t.Fatalf("ref %q printed back as %q", s, p.KVM)
			}
		case DefaultChain:
			if s != "" {
				t.Fatalf("%q taken for the default chain", s)
			}
		}
	})
}
