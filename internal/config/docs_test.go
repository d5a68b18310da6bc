package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fieldPaths lists every settable field of t as README.md writes it:
// "limits.maxBodyBytes", "adminTokens[].scopes".
func fieldPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name := fieldName(f)
		if !f.IsExported() || name == "-" {
			continue
		}
		path := join(prefix, name)
		out = append(out, path)
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			out = append(out, fieldPaths(ft.Elem(), path+"[]")...)
		} else if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Duration]() {
			out = append(out, fieldPaths(ft, path)...)
		}
	}
	return out
}

// The README's configuration section is the user's reference: it must name
// every field and every variable, so adding one without documenting it fails.
func TestREADMEDocumentsEverything(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Configuration\n")
	if !ok {
		t.Fatal(`README.md has no "## Configuration" section`)
	}
	paths := fieldPaths(reflect.TypeFor[Config](), "")
	if len(paths) < 40 {
		t.Fatalf("only %d field paths found; the walk is broken", len(paths))
	}
	for _, p := range paths {
		if p == "store" || p == "masterKey" || p == "log" || p == "aws" || p == "limits" || p == "tls" || p == "usagePlans" {
			continue // sections; their fields are listed
		}
		if !strings.Contains(section, "| `"+p+"` |") {
			t.Errorf("README.md's field table has no row for `%s`", p)
		}
	}
	for _, e := range EnvVars {
		if !strings.Contains(section, "| `"+e.Name+"` | `"+e.Field+"` |") && !strings.Contains(section, "| `"+e.Name+"` | "+e.Field+" |") {
			t.Errorf("README.md's environment table has no row `%s` -> %s", e.Name, e.Field)
		}
	}
}

// examples/ferry.yaml is what users copy; it must load, validate and spell
// out the defaults it claims to.
func TestExampleFile(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "examples", "ferry.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Default()
	if cfg.Listen != want.Listen || cfg.AdminListen != want.AdminListen || cfg.Limits != want.Limits ||
		cfg.DrainTimeout != want.DrainTimeout || cfg.Log != want.Log || cfg.UsagePlans != want.UsagePlans {
		t.Fatalf("the example's values differ from the defaults it documents:\n got %+v\nwant %+v", cfg, want)
	}
	if !strings.HasSuffix(cfg.DataDir, filepath.Join("examples", "ferry-data")) {
		t.Fatalf("dataDir %q: a relative path must be taken from the file's directory", cfg.DataDir)
	}
}
