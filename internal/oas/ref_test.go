package oas

import (
	"strings"
	"testing"
)

// TestPartialSchemaRefs: a reference to the schemas section itself, or to a
// part of a schema, cannot become a stored model (API Gateway keeps whole
// models only), so the import names it instead of exporting a broken one.
func TestPartialSchemaRefs(t *testing.T) {
	for _, c := range []struct{ name, doc, ref string }{
		{"2.0 section", `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{},"definitions":{"A":{"$ref":"#/definitions"}}}`, "#/definitions"},
		{"2.0 part", `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{},"definitions":{"A":{"type":"object","properties":{"x":{"type":"string"}}},"B":{"$ref":"#/definitions/A/properties/x"}}}`, "#/definitions/A/properties/x"},
		{"3.0 section", `{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"A":{"$ref":"#/components/schemas"}}}}`, "#/components/schemas"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Import([]byte(c.doc), ImportOptions{Filename: "refs.json"})
			if err == nil || !strings.Contains(err.Error(), `reference "`+c.ref+`" must name one whole schema`) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	ok := `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{},"definitions":{"A":{"type":"string"},"B":{"$ref":"#/definitions/A"}}}`
	if _, err := Import([]byte(ok), ImportOptions{Filename: "refs.json"}); err != nil {
		t.Fatalf("a reference to a whole schema: %v", err)
	}
}
