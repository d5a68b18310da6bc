package awsauth

import (
	"strings"
	"testing"
	"time"
)

func TestParseProcessCredentials(t *testing.T) {
	const secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRET"
	tests := []struct {
		name    string
		in      string
		want    string // error substring; empty for success
		expires bool
		token   string
	}{
		{name: "long-term", in: `{"Version":1,"AccessKeyId":"AKIDEXAMPLE","SecretAccessKey":"` + secret + `"}`},
		{name: "temporary", in: `{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"` + secret + `","SessionToken":"tok","Expiration":"2030-01-02T03:04:05Z"}`, expires: true, token: "tok"},
		{name: "wrong version", in: `{"Version":2,"AccessKeyId":"A","SecretAccessKey":"` + secret + `"}`, want: "Version is 2, want 1"},
		{name: "no version", in: `{"AccessKeyId":"A","SecretAccessKey":"` + secret + `"}`, want: "Version is 0, want 1"},
		{name: "no access key", in: `{"Version":1,"SecretAccessKey":"` + secret + `"}`, want: "AccessKeyId is missing or empty"},
		{name: "no secret", in: `{"Version":1,"AccessKeyId":"A"}`, want: "SecretAccessKey is missing or empty"},
		{name: "bad expiration", in: `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"` + secret + `","Expiration":"tomorrow"}`, want: "Expiration is not an RFC 3339 time"},
		{name: "syntax", in: `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"` + secret, want: "not credential_process JSON"},
		{name: "secret as number", in: `{"Version":1,"AccessKeyId":"A","SecretAccessKey":12345}`, want: "field SecretAccessKey has the wrong type"},
		{name: "unknown field", in: `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"` + secret + `","Secret":"x"}`, want: `unknown field "Secret"`},
		{name: "trailing data", in: `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"` + secret + `"} {}`, want: "data after the object"},
		{name: "plain text", in: secret, want: "syntax error at byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseProcessCredentials([]byte(tt.in), "kvm:creds/prod in global")
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
				if !strings.Contains(err.Error(), "kvm:creds/prod in global") {
					t.Fatalf("error %q does not name the entry", err)
				}
				if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "12345") {
					t.Fatalf("error %q leaks the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.SecretAccessKey != secret || c.CanExpire != tt.expires || c.SessionToken != tt.token {
				t.Fatalf("got %+v", c)
			}
			if tt.expires && !c.Expires.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Fatalf("Expires = %s", c.Expires)
			}
		})
	}
}

func FuzzParseProcessCredentials(f *testing.F) {
	f.Add([]byte(`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}`))
	f.Add([]byte(`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-02T03:04:05Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseProcessCredentials(b, "kvm:m/e")
		if err == nil && (c.AccessKeyID == "" || c.SecretAccessKey == "") {
			t.Fatalf("accepted credentials without keys: %q", b)
		}
		if err != nil && len(b) >= 8 && strings.Contains(err.Error(), string(b)) {
			t.Fatalf("error quotes the input: %v", err)
		}
	})
}
