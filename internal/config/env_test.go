package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/awsauth"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestApplyEnv(t *testing.T) {
	cases := []struct {
		name  string
		vars  map[string]string
		check func(c *Config) error
	}{
		{"listeners and dirs", map[string]string{"FERRY_LISTEN": ":80", "FERRY_ADMIN_LISTEN": "10.0.0.1:9", "FERRY_DATA_DIR": "/var/lib/ferry"},
			func(c *Config) error {
				if c.Listen != ":80" || c.AdminListen != "10.0.0.1:9" || c.DataDir != "/var/lib/ferry" {
					return fmt.Errorf("got %q %q %q", c.Listen, c.AdminListen, c.DataDir)
				}
				return nil
			}},
		{"log", map[string]string{"FERRY_LOG_FORMAT": "json", "FERRY_LOG_LEVEL": "warn"}, func(c *Config) error {
			if c.Log != (LogConfig{Format: "json", Level: "warn"}) {
				return fmt.Errorf("got %+v", c.Log)
			}
			return nil
		}},
		{"admin token added to the file's", map[string]string{"FERRY_ADMIN_TOKEN": "t0ken-from-env"}, func(c *Config) error {
			if len(c.AdminTokens) != 2 {
				return fmt.Errorf("got %d tokens, want the file's plus one", len(c.AdminTokens))
			}
			tok := c.AdminTokens[1]
			if tok.Name != "FERRY_ADMIN_TOKEN" || tok.Token.Reveal() != "t0ken-from-env" || !reflect.DeepEqual(tok.Scopes, AllScopes) {
				return fmt.Errorf("got %+v", tok)
			}
			return nil
		}},
		{"master key and kms", map[string]string{"FERRY_MASTER_KEY": "k1,k2", "FERRY_KMS_KEY_ID": "alias/x"}, func(c *Config) error {
			if c.MasterKey.EnvKeys.Reveal() != "k1,k2" || c.MasterKey.KMSKeyID != "alias/x" {
				return fmt.Errorf("got %q %q", c.MasterKey.EnvKeys.Reveal(), c.MasterKey.KMSKeyID)
			}
			return nil
		}},
		{"durations and sizes", map[string]string{"FERRY_DRAIN_TIMEOUT": "2m", "FERRY_MAX_BODY_BYTES": "1024", "FERRY_LIMITS_MIN_BODY_RATE": "0",
			"FERRY_USAGE_PLANS_FLUSH_INTERVAL": "750ms"}, func(c *Config) error {
			if c.DrainTimeout != 2*time.Minute || c.Limits.MaxBodyBytes != 1024 || c.Limits.MinBodyRate != 0 || c.UsagePlans.FlushInterval != 750*time.Millisecond {
				return fmt.Errorf("got %v %d %d %v", c.DrainTimeout, c.Limits.MaxBodyBytes, c.Limits.MinBodyRate, c.UsagePlans.FlushInterval)
			}
			return nil
		}},
		{"proxies replace the file's list", map[string]string{"FERRY_TRUSTED_PROXIES": " 10.0.0.0/8, ,::1 "}, func(c *Config) error {
			if !reflect.DeepEqual(c.TrustedProxies, []string{"10.0.0.0/8", "::1"}) {
				return fmt.Errorf("got %q", c.TrustedProxies)
			}
			return nil
		}},
		{"tls, aws and store", map[string]string{"FERRY_TLS_CERT": "c", "FERRY_TLS_KEY": "k", "FERRY_TLS_CLIENT_CA": "ca",
			"FERRY_AWS_REGION": "us-east-2", "FERRY_STORE_URL": "postgres://x"}, func(c *Config) error {
			if c.TLS.Cert != "c" || c.TLS.Key != "k" || c.TLS.ClientCA != "ca" || c.AWS.Region != "us-east-2" || c.Store.URL != "postgres://x" {
				return fmt.Errorf("got %+v %q %q", c.TLS, c.AWS.Region, c.Store.URL)
			}
			return nil
		}},
		{"empty means unset", map[string]string{"FERRY_LISTEN": "", "FERRY_DRAIN_TIMEOUT": ""}, func(c *Config) error {
			if c.Listen != "127.0.0.1:1234" || c.DrainTimeout != DefaultDrainTimeout {
				return fmt.Errorf("got %q %v", c.Listen, c.DrainTimeout)
			}
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse("ferry.yaml", []byte("listen: 127.0.0.1:1234\ntrustedProxies: [192.168.0.0/16]\n"+
				"adminTokens: [{name: file, token: from-file, scopes: [read]}]\n"))
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.ApplyEnv(env(c.vars)); err != nil {
				t.Fatal(err)
			}
			if err := c.check(cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestApplyEnvErrors(t *testing.T) {
	cfg := Default()
	err := cfg.ApplyEnv(env(map[string]string{"FERRY_DRAIN_TIMEOUT": "25", "FERRY_MAX_BODY_BYTES": "10MB", "FERRY_LIMITS_MIN_BODY_RATE": "1k",
		"FERRY_USAGE_PLANS_FLUSH_INTERVAL": "5"}))
	want := "FERRY_DRAIN_TIMEOUT: \"25\" is not a duration such as 25s or 1m30s\n" +
		"FERRY_MAX_BODY_BYTES: \"10MB\" is not a whole number of bytes\n" +
		"FERRY_LIMITS_MIN_BODY_RATE: \"1k\" is not a whole number of bytes per second\n" +
		"FERRY_USAGE_PLANS_FLUSH_INTERVAL: \"5\" is not a duration such as 25s or 1m30s"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
}

// validKey is base64 of 32 bytes.
const validKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		modify func(c *Config)
		want   string // "" means valid
	}{
		{"defaults", func(c *Config) {}, ""},
		{"bad CIDR", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8", "10.0.0.0/33"} },
			`trustedProxies[1]: "10.0.0.0/33" is not a CIDR such as 10.0.0.0/8 or fd00::/8`},
		{"host bits set", func(c *Config) { c.TrustedProxies = []string{"10.1.2.3/8"} },
			`trustedProxies[0]: "10.1.2.3/8" has host bits set; did you mean 10.0.0.0/8?`},
		{"not an address", func(c *Config) { c.TrustedProxies = []string{"proxy.local"} },
			`trustedProxies[0]: "proxy.local" is neither a CIDR nor an IP address`},
		{"bad listen", func(c *Config) { c.Listen = "8080" }, `listen: "8080" is not HOST:PORT`},
		{"bad port", func(c *Config) { c.AdminListen = "127.0.0.1:http" }, `adminListen: "127.0.0.1:http": port "http" is not a number from 0 to 65535`},
		{"same listeners", func(c *Config) { c.AdminListen = c.Listen }, `adminListen: same address as listen (127.0.0.1:8080); the admin API needs its own`},
		{"postgres reserved", func(c *Config) { c.Store.URL = "postgres://ferry:pa55word@db/ferry" },
			`store.url: PostgreSQL is not supported by this version of ferry yet; leave it empty to use SQLite in dataDir`},
		{"other scheme", func(c *Config) { c.Store.URL = "mysql://u:pa55word@db/ferry" },
			`store.url: unsupported scheme "mysql"; leave it empty to use SQLite in dataDir`},
		{"token problems", func(c *Config) {
			c.AdminTokens = []AdminToken{
				{Name: "a", Token: "x", TokenFile: "/f", Scopes: []string{"read", "admin"}},
				{Name: "a", Scopes: nil},
			}
		}, "adminTokens[0]: set token or tokenFile, not both\n" +
			`adminTokens[0].scopes[1]: "admin" is not one of read, write, secrets` + "\n" +
			`adminTokens[1].name: "a" is also the name of adminTokens[0]` + "\n" +
			"adminTokens[1]: set token or tokenFile\n" +
			"adminTokens[1].scopes: empty; give at least one of read, write, secrets"},
		{"flush interval too short", func(c *Config) { c.UsagePlans.FlushInterval = 10 * time.Millisecond },
			"usagePlans.flushInterval: 10ms; want a duration from 100ms to 1h0m0s"},
		{"flush interval unset", func(c *Config) { c.UsagePlans.FlushInterval = 0 },
			"usagePlans.flushInterval: 0s; want a duration from 100ms to 1h0m0s"},
		{"flush interval too long", func(c *Config) { c.UsagePlans.FlushInterval = 2 * time.Hour },
			"usagePlans.flushInterval: 2h0m0s; want a duration from 100ms to 1h0m0s"},
		{"flush interval at the bounds", func(c *Config) { c.UsagePlans.FlushInterval = 100 * time.Millisecond }, ""},
		{"good master key", func(c *Config) { c.MasterKey.EnvKeys = validKey + "," + validKey }, ""},
		{"bad master key", func(c *Config) { c.MasterKey.EnvKeys = validKey + ",c2hvcnQ=" },
			"masterKey (FERRY_MASTER_KEY): key 2 of 2 is not the base64 of 32 bytes (make one with: head -c 32 /dev/urandom | base64)"},
		{"log", func(c *Config) { c.Log = LogConfig{Format: "xml", Level: "trace"} },
			"log.format: \"xml\" is not text or json\nlog.level: \"trace\" is not debug, info, warn or error"},
		{"aws role", func(c *Config) { c.AWS.Roles = []awsauth.RoleConfig{{ARN: "role/x"}} },
			"aws.roles[0].arn: "},
		{"aws endpoint", func(c *Config) { c.AWS.Endpoints = map[string]string{"s3": "127.0.0.1:9000"} }, "aws.endpoints.s3: "},
		{"tls", func(c *Config) {
			c.TLS = TLSConfig{Cert: "c.pem", Domains: []TLSDomain{{DomainName: "API.example.com", Cert: "a"}, {DomainName: "api.example.com", Cert: "a", Key: "b"}, {DomainName: "localhost", Cert: "a", Key: "b"}, {DomainName: "a.*.com", Cert: "a", Key: "b"}}}
		}, "tls: cert and key go together; one is missing\n" +
			"tls.domains[0]: cert and key are both required\n" +
			`tls.domains[1].domainName: "api.example.com" is also tls.domains[0]` + "\n" +
			`tls.domains[2].domainName: "localhost" is not a fully qualified host name` + "\n" +
			`tls.domains[3].domainName: "a.*.com" is not a valid host name (wildcards only as a leading *.)`},
		{"client CA alone", func(c *Config) { c.TLS.ClientCA = "ca.pem" }, "tls.clientCA: set without a certificate; mutual TLS needs tls.cert and tls.key"},
		{"limits", func(c *Config) { c.Limits.MaxBodyBytes = 0; c.Limits.IdleTimeout = -time.Second; c.DataDir = "" },
			"dataDir: empty; ferry needs a directory for its database and keys\nlimits.maxBodyBytes: 0; want a positive number of bytes\nlimits.idleTimeout: negative"},
		{"negative body rate", func(c *Config) { c.Limits.MinBodyRate = -1 },
			"limits.minBodyRate: -1; want bytes per second, or 0 to turn the rate check off"},
		{"body rate off", func(c *Config) { c.Limits.MinBodyRate = 0 }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			c.modify(cfg)
			err := cfg.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want == "":
			case err == nil:
				t.Fatalf("valid, want %q", c.want)
			case strings.HasSuffix(c.want, ": ") && !strings.HasPrefix(err.Error(), c.want):
				t.Fatalf("error %q, want it to start with %q", err, c.want)
			case !strings.HasSuffix(c.want, ": ") && err.Error() != c.want:
				t.Fatalf("error\n got %s\nwant %s", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "pa55word") {
				t.Fatal("error quotes the database password")
			}
		})
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	cfg := Default()
	const tok, key = "tok-SECRET-123", validKey
	cfg.AdminTokens = []AdminToken{{Name: "a", Token: tok, Scopes: AllScopes}}
	cfg.MasterKey.EnvKeys = key
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg, "token", cfg.AdminTokens[0].Token)
	js, _ := json.Marshal(cfg)
	for _, out := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), string(js), logged.String()} {
		if strings.Contains(out, "SECRET") || strings.Contains(out, key) {
			t.Fatalf("secret printed: %s", out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Fatalf("no redaction marker in: %s", out)
		}
	}
}

func TestResolveToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, want, wantErr string
		tok                 AdminToken
	}{
		{"inline", "abc", "", AdminToken{Name: "a", Token: "abc"}},
		{"file with newline", "from-file", "", AdminToken{Name: "f", TokenFile: write("ok", "from-file\n")}},
		{"empty file", "", `admin token "e": ` + filepath.Join(dir, "empty") + " is empty", AdminToken{Name: "e", TokenFile: write("empty", " \n")}},
		{"two lines", "", `admin token "m": ` + filepath.Join(dir, "multi") + " holds more than one line", AdminToken{Name: "m", TokenFile: write("multi", "a\nb\n")}},
		{"missing file", "", "no such file", AdminToken{Name: "x", TokenFile: filepath.Join(dir, "nope")}},
		{"nothing", "", `admin token "n": neither token nor tokenFile is set`, AdminToken{Name: "n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.tok.Resolve()
			if c.wantErr == "" {
				if err != nil || got.Reveal() != c.want {
					t.Fatalf("Resolve = %q, %v; want %q", got.Reveal(), err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("Resolve error %v, want %q", err, c.wantErr)
			}
		})
	}
}
