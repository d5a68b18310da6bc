package mappingtemplate

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
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
	aws, err2 := filepath.Glob("testdata/aws/*.vtl")
	files = append(files, aws...)
	if err != nil || err2 != nil || len(files) == 0 || len(aws) == 0 {
		t.Fatalf("no golden cases: %v %v", err, err2)
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
			checkDocumented(t, base, got)
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

// checkDocumented compares an output with the one AWS's documentation
// shows (NAME.aws.json) as JSON values: the documentation reformats
// whitespace, so only the data must match.
func checkDocumented(t *testing.T, base, got string) {
	t.Helper()
	doc, err := os.ReadFile(base + ".aws.json")
	if err != nil {
		return
	}
	var want, have any
	if err := json.Unmarshal(doc, &want); err != nil {
		t.Fatalf("%s.aws.json: %v", base, err)
	}
	if err := json.Unmarshal([]byte(got), &have); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if !reflect.DeepEqual(want, have) {
		t.Errorf("output differs from what AWS documents\n got: %v\nwant: %v", have, want)
	}
}
