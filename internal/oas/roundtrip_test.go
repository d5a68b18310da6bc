package oas

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestRoundTrip exports every valid testdata API and imports the export:
// apart from ids, dates and warnings the API must come back the same. The
// export must also be a valid OpenAPI 3.0 document by kin-openapi's own
// validation, and it is kept as a golden file.
func TestRoundTrip(t *testing.T) {
	for _, name := range validFiles {
		t.Run(name, func(t *testing.T) {
			api := importFile(t, name)
			out, err := Export(api)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(name, filepath.Ext(name))+".export.json", out)

			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(out)
			if err != nil {
				t.Fatalf("kin-openapi cannot load the export: %v", err)
			}
			if err := doc.Validate(context.Background()); err != nil && !undeclaredPathParams.MatchString(err.Error()) {
				t.Errorf("the export is not valid OpenAPI 3.0: %v", err)
			}
			if doc.OpenAPI != "3.0.1" {
				t.Errorf("openapi %q", doc.OpenAPI)
			}

			again, err := Import(out, ImportOptions{Filename: name + ".export.json"})
			if err != nil {
				t.Fatalf("re-import: %v", err)
			}
			a, b := normalize(t, api), normalize(t, again)
			a.RestAPI.Warnings, b.RestAPI.Warnings = nil, nil
			if got, want := string(indentJSON(t, b)), string(indentJSON(t, a)); got != want {
				t.Errorf("re-imported API differs from the original\n%s", lineDiff(want, got))
			}
		})
	}
}

// API Gateway, unlike OpenAPI, neither requires an operation to declare its
// path parameters nor names a greedy one "proxy+", and its own exports
// keep it that way; so does ferry's, and that one complaint is tolerated.
var undeclaredPathParams = regexp.MustCompile(`^invalid paths: operation [A-Z]+ /[^ ]* must define exactly all path parameters \(missing: \[[^]]*\]\)$`)

// lineDiff prints the lines that differ, enough to see what was lost.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl + "\n")
			if b.Len() > 4000 {
				break
			}
		}
	}
	return b.String()
}
