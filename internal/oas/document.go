package oas

import (
	"encoding/json"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// document is what ferry needs of an OpenAPI document, read the same way
// from 2.0 and 3.0 so the rest of the import has one code path.
type document struct {
	v2                        bool
	title, description, vers  string
	basePath                  string
	paths                     []*pathItem
	security                  []map[string][]string
	securitySet               bool
	schemes                   map[string]*scheme
	schemas                   []string // model names in order
	schemaLoc                 map[string][]string
	securityLoc, schemaPrefix []string
}

type pathItem struct {
	path string
	loc  []string
	ops  []*operation
}

// operation is one method of a resource, as far as OpenAPI describes it.
type operation struct {
	path, key, method string
	loc               []string
	id                string
	params            []param
	bodies            []schemaUse
	responses         []response
	security          []map[string][]string
	securitySet       bool
}

type param struct {
	in, name string
	required bool
}

// schemaUse is a schema attached to a content type: a body or a response.
type schemaUse struct {
	contentType string
	loc         []string
}

type response struct {
	code    string
	loc     []string
	headers map[string]bool
	models  []schemaUse
}

type scheme struct {
	name, typ, in, header string
	loc                   []string
}

// follow resolves a chain of $ref objects to the location of the value.
func (im *importer) follow(loc []string) []string {
	for range 16 {
		v, _ := im.t.get(loc...)
		m, ok := v.(map[string]any)
		if !ok {
			return loc
		}
		r, ok := m["$ref"].(string)
		if !ok {
			return loc
		}
		loc = refLoc(r)
	}
	im.errorf(loc, "references form a loop")
	return loc
}

// decode reads the parts of the document ferry uses, through kin-openapi's
// types, reporting each part's problems at its own location.
func (im *importer) decode() *document {
	if _, isObj := im.t.root.(map[string]any); !isObj {
		p := im.t.at(nil)
		im.errs = append(im.errs, &Error{File: im.opt.Filename, Line: p.line, Col: p.col, Msg: "the document must be an OpenAPI object, not " + kindOf(im.t.root)})
		return nil
	}
	root, _ := im.object(nil)
	d := &document{schemes: map[string]*scheme{}, schemaLoc: map[string][]string{}}
	swagger, openapi := root.str("swagger"), root.str("openapi")
	switch {
	case swagger == "2.0":
		d.v2 = true
	case strings.HasPrefix(openapi, "3.0."):
	case strings.HasPrefix(openapi, "3."):
		im.errorf([]string{"openapi"}, "OpenAPI %s is not supported; API Gateway's REST APIs, and ferry, import 2.0 and 3.0", openapi)
		return nil
	case swagger != "":
		im.errorf([]string{"swagger"}, "swagger %q is not supported; use \"2.0\"", swagger)
		return nil
	case openapi != "":
		im.errorf([]string{"openapi"}, "openapi %q is not supported; use 3.0.x", openapi)
		return nil
	default:
		im.errs = append(im.errs, &Error{File: im.opt.Filename, Line: 1, Col: 1, Msg: `not an OpenAPI document: neither "swagger": "2.0" nor "openapi": "3.0.x" is set`})
		return nil
	}
	if info, ok := root.m["info"].(map[string]any); ok {
		// YAML reads "version: 1.0" as a number; it is still the version.
		if n, isNum := info["version"].(json.Number); isNum {
			info["version"] = n.String()
		}
	}
	var info openapi3.Info
	if root.has("info") && im.reDecode([]string{"info"}, &info) {
		d.title, d.description, d.vers = info.Title, info.Description, info.Version
	}
	if d.v2 {
		im.decodeV2(root, d)
	} else {
		im.decodeV3(root, d)
	}
	return d
}

// serverBasePath takes the path of the first server URL, with variables at
// their defaults: API Gateway exports "https://host/{basePath}" with
// basePath defaulting to the stage, e.g. "/dev".
func serverBasePath(s *openapi3.Server) string {
	u := s.URL
	for name, v := range s.Variables {
		if v != nil {
			u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
		}
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Path == "" {
		return ""
	}
	p := path.Clean("/" + parsed.Path)
	if p == "/" {
		return ""
	}
	return p
}

func (im *importer) schemaNames(d *document) {
	defs, ok := im.object(d.schemaPrefix)
	if !ok {
		return
	}
	for _, name := range defs.keys() {
		d.schemas = append(d.schemas, name)
		d.schemaLoc[name] = defs.at(name)
	}
}

// eachPath walks the paths in sorted order and the operations of each.
func (im *importer) eachPath(d *document, readOp func(itemLoc []string, key string) *operation) {
	paths, ok := im.object([]string{"paths"})
	if !ok {
		return
	}
	for _, p := range paths.keys() {
		if strings.HasPrefix(p, "x-") {
			im.warnf(paths.at(p), "extension ignored")
			continue
		}
		itemLoc := paths.at(p)
		item, ok := im.object(itemLoc)
		pi := &pathItem{path: p, loc: itemLoc}
		d.paths = append(d.paths, pi)
		if !ok {
			continue
		}
		for _, key := range item.keys() {
			switch {
			case methodOfKey(key) != "":
				if _, isObj := item.m[key].(map[string]any); !isObj {
					im.errorf(item.at(key), "must be an object, not %s", kindOf(item.m[key]))
					continue
				}
				op := readOp(itemLoc, key)
				if op != nil {
					op.path, op.key, op.method, op.loc = p, key, methodOfKey(key), item.at(key)
					pi.ops = append(pi.ops, op)
				}
			case key == "parameters", key == "summary", key == "description", key == "servers", key == extLambda:
			default:
				im.warnf(item.at(key), "ignored; API Gateway does not support it here")
			}
		}
	}
	sort.SliceStable(d.paths, func(i, j int) bool { return d.paths[i].path < d.paths[j].path })
}

// addParam records a request parameter, replacing an earlier declaration
// of the same one (an operation's own overrides its path item's).
func (o *operation) addParam(im *importer, loc []string, in, name string, required bool) {
	switch in {
	case "path":
		required = true
	case "query", "header":
	default:
		im.errorf(append(clip(loc), "in"), "parameter location %q is not one of path, query, header, body", in)
		return
	}
	if name == "" {
		im.errorf(append(clip(loc), "name"), "parameter needs a name")
		return
	}
	for i, p := range o.params {
		if p.in == in && p.name == name {
			o.params[i].required = required
			return
		}
	}
	o.params = append(o.params, param{in: in, name: name, required: required})
}
