package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestDefaults(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "---\n", "~\n"} {
		cfg, err := Parse("ferry.yaml", []byte(src))
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if !reflect.DeepEqual(cfg, Default()) {
			t.Fatalf("Parse(%q) = %+v, want the defaults", src, cfg)
		}
	}
	d := Default()
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", d.Listen, "127.0.0.1:8080"},
		{"adminListen", d.AdminListen, "127.0.0.1:9090"},
		{"dataDir", d.DataDir, "./ferry-data"},
		{"store.url", d.Store.URL, ""},
		{"drainTimeout", d.DrainTimeout, 25 * time.Second},
		{"limits.maxBodyBytes", d.Limits.MaxBodyBytes, int64(10485760)},
		{"limits.minBodyRate", d.Limits.MinBodyRate, int64(1024)},
		{"usagePlans.flushInterval", d.UsagePlans.FlushInterval, 5 * time.Second},
		{"log.format", d.Log.Format, "text"},
		{"log.level", d.Log.Level, "info"},
		{"sqlite path", d.SQLitePath(), filepath.Join("ferry-data", "ferry.db")},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("default %s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
}

// TestFull decodes a file that sets every field and compares the result,
// as JSON, with a golden file. Secrets appear redacted there.
func TestFull(t *testing.T) {
	cfg, err := Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	got, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "full.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("decoded config differs from %s:\n%s", golden, got)
	}
	// What JSON cannot show: the secret is really there, and durations are typed.
	if v, _ := cfg.AdminTokens[1].Resolve(); v.Reveal() != "inline-token-value-0123456789" {
		t.Errorf("inline token decoded as %q", v.Reveal())
	}
	if cfg.DrainTimeout != 90*time.Second || cfg.Limits.IdleTimeout != 0 {
		t.Errorf("durations: drain %v idle %v", cfg.DrainTimeout, cfg.Limits.IdleTimeout)
	}
	ps, err := cfg.TrustedProxyPrefixes()
	if err != nil || len(ps) != 3 || ps[1].String() != "192.168.1.7/32" {
		t.Errorf("TrustedProxyPrefixes = %v, %v", ps, err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unknown top-level field", "listen: 127.0.0.1:1\nlistn: x\n",
			`ferry.yaml:2:1: unknown field "listn" at the top level (known: listen, adminListen, dataDir, store, adminTokens, masterKey, log, aws, tls, trustedProxies, drainTimeout, limits, usagePlans)`},
		{"unknown nested field", "limits:\n  maxBodyBytes: 10\n  maxBody: 5\n",
			`ferry.yaml:3:3: unknown field "maxBody" in limits (known: maxBodyBytes, maxHeaderBytes, readHeaderTimeout, readTimeout, writeTimeout, minBodyRate, idleTimeout, maxURLBytes, connRate, connBurst)`},
		{"unknown field in a list item", "aws:\n  roles:\n    - arn: arn:aws:iam::123456789012:role/x\n      externalID: e\n",
			`ferry.yaml:4:7: unknown field "externalID" in aws.roles[0] (known: arn, externalId, sessionName, durationSeconds, sourceCredentials)`},
		{"env-only field", "masterKey:\n  EnvKeys: x\n",
			`ferry.yaml:2:3: unknown field "EnvKeys" in masterKey (known: kmsKeyId)`},
		{"bad duration", "drainTimeout: soon\n", `ferry.yaml:1:15: drainTimeout: "soon" is not a duration`},
		{"duration without unit", "limits:\n  readTimeout: 30\n", `ferry.yaml:2:16: limits.readTimeout: "30" is not a duration (add a unit: s, m, h, ms)`},
		{"negative duration", "drainTimeout: -5s\n", `ferry.yaml:1:15: drainTimeout: -5s is negative`},
		{"string for integer", "limits:\n  maxBodyBytes: ten\n", `ferry.yaml:2:17: limits.maxBodyBytes: want an integer, got string "ten"`},
		{"unit on a rate", "limits:\n  minBodyRate: 1KB\n", `ferry.yaml:2:16: limits.minBodyRate: want an integer, got string "1KB"`},
		{"integer overflow", "limits:\n  maxHeaderBytes: 99999999999999999999\n", `ferry.yaml:2:19: limits.maxHeaderBytes: integer 99999999999999999999 is out of range`},
		{"fraction for integer", "limits:\n  maxHeaderBytes: 1.5\n", `ferry.yaml:2:19: limits.maxHeaderBytes: want an integer, got number "1.5"`},
		{"boolean for string", "listen: true\n", `ferry.yaml:1:9: listen: want a string, got boolean "true"`},
		{"list for string", "dataDir: [a, b]\n", `ferry.yaml:1:10: dataDir: want a single value, got a list`},
		{"scalar for list", "trustedProxies: 10.0.0.0/8\n", `ferry.yaml:1:17: trustedProxies: want a list, got string "10.0.0.0/8"`},
		{"scalar for section", "log: json\n", `ferry.yaml:1:6: log: want a mapping of fields, got string "json"`},
		{"null value", "listen:\n", `ferry.yaml:1:8: listen: no value given (write "" for an empty string, or remove the field for its default)`},
		{"duplicate field", "log:\n  level: info\n  level: debug\n", `ferry.yaml:3:3: log.level: set twice (first at line 2)`},
		{"duplicate map key", "aws:\n  endpoints:\n    s3: http://a\n    s3: http://b\n", `ferry.yaml:4:5: aws.endpoints.s3: set twice`},
		{"secret not echoed", "adminTokens:\n  - name: x\n    token: {v: hunter2}\n", `ferry.yaml:3:12: adminTokens[0].token: want a single value, got a mapping`},
		{"merge key", "base: &b {format: json}\n", `ferry.yaml:1:1: unknown field "base" at the top level (known: listen, adminListen, dataDir, store, adminTokens, masterKey, log, aws, tls, trustedProxies, drainTimeout, limits, usagePlans)`},
		{"merge key inside", "log:\n  <<: {format: json}\n", `ferry.yaml:2:3: log: merge keys (<<) are not supported; repeat the fields`},
		{"two documents", "listen: a:1\n---\nlisten: b:2\n", `ferry.yaml:2:1: more than one YAML document; ferry reads one`},
		{"syntax error", "log:\n  format: json\n  level: a: b\n", `ferry.yaml:3: mapping values are not allowed in this context`},
		{"tab indentation", "log:\n\tformat: json\n", `ferry.yaml:2: found character that cannot start any token`},
		{"top level list", "- a\n", `ferry.yaml:1:1: want a mapping of fields, got a list`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("ferry.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want %q", c.want)
			}
			if err.Error() != c.want {
				t.Fatalf("error\n got %s\nwant %s", err, c.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatal("error quotes a secret")
			}
		})
	}
}

func TestAliasesResolve(t *testing.T) {
	src := "x-ca: &ca /etc/ca.pem\n"
	if _, err := Parse("f.yaml", []byte(src)); err == nil {
		t.Fatal("unknown top-level anchor holder accepted")
	}
	cfg, err := Parse("/etc/ferry/f.yaml", []byte("tls:\n  cert: &c a.pem\n  key: b.pem\n  domains:\n    - {domainName: a.example.com, cert: *c, key: b.pem}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.TLS.Domains[0].Cert; got != "/etc/ferry/a.pem" {
		t.Fatalf("aliased relative path = %q, want /etc/ferry/a.pem", got)
	}
}

// Config's own types are too shallow for an alias to recurse or fan out
// far, but the decoder is generic; a recursive type shows the guards hold.
type tree struct {
	Kids []tree `yaml:"kids"`
}

func TestAliasBombs(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"self reference", "&a {kids: [*a]}\n", "nested too deeply"},
		{"fan out", bomb(), "aliases that expand too much"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(c.src), &doc); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			d := &decoder{file: "f.yaml"}
			err := d.value(doc.Content[0], reflect.ValueOf(&tree{}).Elem(), "", 0, false)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("took %v", took)
			}
		})
	}
}

// bomb nests mappings whose kids are ten aliases of the level below: each
// level is ten times the last, 10^12 trees in all.
func bomb() string {
	var b strings.Builder
	b.WriteString("kids:\n  - &l0 {kids: []}\n")
	for i := 1; i <= 12; i++ {
		p := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  - &l%d {kids: [%s]}\n", i, strings.Repeat(p+", ", 9)+p)
	}
	return b.String()
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") || !strings.HasPrefix(err.Error(), "config: ") {
		t.Fatalf("Load of a missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{"", "listen: a:1\n", "limits: {readTimeout: 5s}\n", "a: &a [*a]\n",
		"adminTokens: [{name: x, token: y, scopes: [read]}]\n", "aws: {endpoints: {s3: x}}\n"} {
		f.Add([]byte(seed))
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "full.yaml")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		_ = cfg.Validate()
		_ = cfg.ApplyEnv(func(string) string { return "" })
	})
}
