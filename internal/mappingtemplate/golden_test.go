package mappingtemplate

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// TestGolden renders testdata/NAME.vtl against testdata/NAME.event.json (a
// proxy event; an empty request when absent) and compares with NAME.out.
// A case whose expected result is an error keeps it in NAME.out as
// "ERROR: message".
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.vtl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, f := range files {
		base := strings.TrimSuffix(f, ".vtl")
		name := filepath.Base(base)
		t.Run(name, func(t *testing.T) {
			got := renderCase(t, base)
			if *update {
				if err := os.WriteFile(base+".out", []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(base + ".out")
			if err != nil {
				t.Fatalf("missing golden file (run go test -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("%s differs\n got: %q\nwant: %q", name, got, want)
			}
		})
	}
}

func renderCase(t *testing.T, base string) string {
	t.Helper()
	src, err := os.ReadFile(base + ".vtl")
	if err != nil {
		t.Fatal(err)
	}
	in := &Input{}
	if ev, err := os.ReadFile(base + ".event.json"); err == nil {
		if in, err = InputFromEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	tmpl, err := Parse(filepath.Base(base)+".vtl", string(src))
	if err != nil {
		return "ERROR: " + err.Error()
	}
	out, err := tmpl.Render(context.Background(), in, Limits{})
	if err != nil {
		return "ERROR: " + err.Error()
	}
	return string(out)
}
