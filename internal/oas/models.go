package oas

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// API Gateway keeps a model's references to other models as URLs of the
// model resource, and turns them back into #/definitions/NAME or
// #/components/schemas/NAME on export; ferry stores them the same way, so
// a schema reads the same whichever OpenAPI version it came from.
const (
	modelURLPrefix = "https://apigateway.amazonaws.com/restapis/"
	draft4         = "http://json-schema.org/draft-04/schema#"
)

var modelName = regexp.MustCompile(`^[A-Za-z0-9]+$`)

func itoa(i int) string { return strconv.Itoa(i) }

// buildModels makes a model of every named schema.
func (im *importer) buildModels() {
	for _, name := range im.doc.schemas {
		loc := im.doc.schemaLoc[name]
		if !modelName.MatchString(name) {
			im.errorf(loc, "model name %q must be letters and digits only, as API Gateway requires", name)
			continue
		}
		v, _ := im.t.get(loc...)
		if _, ok := v.(map[string]any); !ok {
			im.errorf(loc, "a schema must be an object, not %s", kindOf(v))
			continue
		}
		im.addModel(name, v)
	}
}

func (im *importer) addModel(name string, schema any) *model.Model {
	s := im.storedSchema(schema)
	m := &model.Model{ID: model.NewID(6), Name: name, Schema: compactJSON(s), ContentType: "application/json"}
	if d, ok := s["description"].(string); ok {
		m.Description = d
	}
	im.models[name] = m
	im.api.Models = append(im.api.Models, m)
	return m
}

// storedSchema copies a schema with its references rewritten to model URLs
// and the draft it is written in stated.
func (im *importer) storedSchema(schema any) map[string]any {
	out, _ := im.rewriteRefs(schema).(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	if _, ok := out["$schema"]; !ok {
		out["$schema"] = draft4
	}
	return out
}

func (im *importer) rewriteRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if r, ok := e.(string); ok && k == "$ref" {
				if name, ok := im.schemaRefName(r); ok {
					e = modelURLPrefix + im.api.RestAPI.ID + "/models/" + name
				}
			}
			out[k] = im.rewriteRefs(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = im.rewriteRefs(e)
		}
		return out
	}
	return v
}

// schemaRefName returns NAME for a reference to a whole named schema.
func (im *importer) schemaRefName(ref string) (string, bool) {
	prefix := "#/" + strings.Join(im.doc.schemaPrefix, "/") + "/"
	name, ok := strings.CutPrefix(ref, prefix)
	if !ok || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// modelFor names the model a body or response uses: the referenced model,
// or one made for an inline schema, named after the schema's content.
func (im *importer) modelFor(u schemaUse) string {
	v, _ := im.t.get(u.loc...)
	m, ok := v.(map[string]any)
	if !ok {
		im.errorf(u.loc, "a schema must be an object, not %s", kindOf(v))
		return ""
	}
	if r, ok := m["$ref"].(string); ok && len(m) == 1 {
		if name, ok := im.schemaRefName(r); ok {
			if _, known := im.models[name]; known {
				return name
			}
			return "" // reported where the model is defined
		}
	}
	body := compactJSON(m)
	if name, ok := im.inline[body]; ok {
		return name
	}
	sum := sha256.Sum256([]byte(body))
	name := "Inline" + hex.EncodeToString(sum[:4])
	im.inline[body] = name
	if _, taken := im.models[name]; !taken {
		im.addModel(name, m)
	}
	return name
}
