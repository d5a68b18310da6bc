package oas

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// ImportOptions says how to read one document.
type ImportOptions struct {
	// Filename names the document in error messages ("examples/sns.json").
	Filename string
	// Name overrides info.title as the API's name when set.
	Name string
	// Vars are the values of Fn::Sub variables, set with --var NAME=VALUE.
	Vars map[string]string
	// Region fills region placeholders in ARNs and ${AWS::Region}.
	Region string
	// AccountID fills account placeholders in ARNs and ${AWS::AccountId}.
	AccountID string
}

const anyMethodKey = "x-amazon-apigateway-any-method"

// importer holds the state of one Import call.
type importer struct {
	opt   ImportOptions
	t     *tree
	errs  []*Error
	warns []*Error
	api   *model.API
	doc   *document

	models           map[string]*model.Model
	inline           map[string]string // schema JSON -> generated model name
	validators       map[string]*model.RequestValidator
	authorizers      map[string]*model.Authorizer
	defaultValidator *model.RequestValidator
	poisoned         map[string]bool // locations whose Fn::Sub or intrinsic failed
}

// Import reads an OpenAPI 2.0 or 3.0 document (JSON or YAML) with API
// Gateway's extensions and returns the API it defines, with fresh ids. On
// any problem it returns no API and an error listing every problem: one
// *Error, or a MultiError in document order.
func Import(data []byte, opt ImportOptions) (*model.API, error) {
	im := &importer{
		opt:         opt,
		models:      map[string]*model.Model{},
		inline:      map[string]string{},
		validators:  map[string]*model.RequestValidator{},
		authorizers: map[string]*model.Authorizer{},
		poisoned:    map[string]bool{},
	}
	im.checkOptions()
	n, perr := parseNode(data)
	if perr != nil {
		perr.File = opt.Filename
		im.errs = append(im.errs, perr)
		return nil, finish(im.errs)
	}
	c := &converter{im: im, pos: map[string]position{}}
	im.t = &tree{pos: c.pos}
	im.t.root = c.convert(n, nil)
	if c.stopped {
		return nil, finish(im.errs)
	}
	// Problems found so far (an unset Fn::Sub variable, a duplicate key)
	// leave the tree usable, so the import goes on to report the rest.
	im.checkRefs(nil, im.t.root)
	doc := im.decode()
	if doc == nil {
		return nil, finish(im.errs)
	}
	im.doc = doc
	im.build()
	if len(im.errs) > 0 {
		return nil, finish(im.errs)
	}
	for _, w := range ordered(im.warns) {
		im.api.RestAPI.Warnings = append(im.api.RestAPI.Warnings, w.Error())
	}
	return im.api, nil
}

func (im *importer) checkOptions() {
	if im.opt.Region != "" && !isRegion(im.opt.Region) {
		im.errs = append(im.errs, &Error{File: im.opt.Filename, Msg: fmt.Sprintf("--region %q is not an AWS region name such as us-east-1", im.opt.Region)})
	}
	if im.opt.AccountID != "" && !isAccountID(im.opt.AccountID) {
		im.errs = append(im.errs, &Error{File: im.opt.Filename, Msg: fmt.Sprintf("--account-id %q is not a 12-digit AWS account id", im.opt.AccountID)})
	}
}

// lookupVar resolves a Fn::Sub variable from the options.
func (im *importer) lookupVar(name string) (string, bool) {
	if v, ok := im.opt.Vars[name]; ok {
		return v, true
	}
	switch name {
	case "AWS::Region":
		return im.opt.Region, im.opt.Region != ""
	case "AWS::AccountId":
		return im.opt.AccountID, im.opt.AccountID != ""
	case "AWS::Partition":
		return "aws", true
	case "AWS::URLSuffix":
		return "amazonaws.com", true
	}
	return "", false
}

// errorf reports a problem at loc, taking the position from the tree. A
// value whose Fn::Sub or intrinsic already failed is not judged again: the
// first message says what to fix, and a second about the half-resolved
// value would only mislead.
func (im *importer) errorf(loc []string, format string, args ...any) {
	if im.poisoned[locKey(loc)] {
		return
	}
	im.errorAt(loc, im.t.at(loc), format, args...)
}

func (im *importer) errorAt(loc []string, p position, format string, args ...any) {
	e := &Error{File: im.opt.Filename, Field: dotted(loc), Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
	e.Path, e.Method = operationOf(loc)
	im.errs = append(im.errs, e)
}

// warnf records something the import accepted but did not use.
func (im *importer) warnf(loc []string, format string, args ...any) {
	p := im.t.at(loc)
	e := &Error{File: im.opt.Filename, Field: dotted(loc), Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
	e.Path, e.Method = operationOf(loc)
	im.warns = append(im.warns, e)
}

// operationOf names the resource path and method a location lies in.
func operationOf(loc []string) (path, method string) {
	if len(loc) < 2 || loc[0] != "paths" {
		return "", ""
	}
	path = loc[1]
	if len(loc) >= 3 {
		if m := methodOfKey(loc[2]); m != "" {
			method = m
		}
	}
	return path, method
}

var operationKeys = []string{"get", "put", "post", "delete", "options", "head", "patch", anyMethodKey}

// methodOfKey maps a path item key to the method API Gateway creates.
func methodOfKey(k string) string {
	if k == anyMethodKey {
		return "ANY"
	}
	if contains(operationKeys, k) {
		return strings.ToUpper(k)
	}
	return ""
}

// checkRefs makes sure every $ref points inside the document, so later
// lookups can trust them and the user learns where a broken one sits.
func (im *importer) checkRefs(loc []string, v any) {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["$ref"]; ok {
			s, isStr := r.(string)
			switch {
			case !isStr:
				im.errorf(append(clip(loc), "$ref"), "must be a string, not %s", kindOf(r))
			case !strings.HasPrefix(s, "#/"):
				im.errorf(append(clip(loc), "$ref"), "reference %q points outside the document; ferry imports one self-contained document", s)
			case partialSchemaRef(s):
				// A model is stored on its own, and API Gateway keeps
				// references between whole models only (as model URLs).
				im.errorf(append(clip(loc), "$ref"), "reference %q must name one whole schema (#/definitions/NAME or #/components/schemas/NAME)", s)
			default:
				if _, found := im.t.get(refLoc(s)...); !found {
					im.errorf(append(clip(loc), "$ref"), "reference %q points at nothing in the document", s)
				}
			}
		}
		for _, k := range (obj{m: x}).keys() {
			im.checkRefs(append(clip(loc), k), x[k])
		}
	case []any:
		for i, e := range x {
			im.checkRefs(append(clip(loc), fmt.Sprint(i)), e)
		}
	}
}

// partialSchemaRef reports a reference into a schemas section (OpenAPI
// 2.0's or 3.0's) that does not name one schema: the section itself, or a
// part of a schema.
func partialSchemaRef(ref string) bool {
	for _, section := range []string{"#/definitions", "#/components/schemas"} {
		if ref == section {
			return true
		}
		if name, ok := strings.CutPrefix(ref, section+"/"); ok {
			return name == "" || strings.Contains(name, "/")
		}
	}
	return false
}

// refLoc turns "#/components/schemas/Pet" into its location segments.
func refLoc(ref string) []string {
	s := strings.TrimPrefix(ref, "#/")
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

// reDecode reads the tree value at loc into one of kin-openapi's types.
func (im *importer) reDecode(loc []string, into any) bool {
	v, _ := im.t.get(loc...)
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, into)
	}
	if err != nil {
		if m := kinTypeError.FindStringSubmatch(err.Error()); m != nil {
			if at := im.findField(loc, m[2], m[1]); at != nil {
				v, _ := im.t.get(at...)
				im.errorf(at, "must be %s, not %s", typeWords(m[3]), kindOf(v))
				return false
			}
		}
		im.errorf(loc, "not valid OpenAPI: %s", strings.TrimPrefix(err.Error(), "json: "))
		return false
	}
	return true
}

// findField locates the value a type error of kin-openapi's decoding is
// about. The error names only the last struct fields on the way, so the
// search takes the first value below loc whose key path ends that way and
// whose JSON kind is the one the decoder saw.
func (im *importer) findField(loc []string, field, kind string) []string {
	want := strings.Split(field, ".")
	for i := range want {
		if i == len(want)-1 || !startsUpper(want[i]) {
			want = want[i:]
			break
		}
	}
	var found []string
	var walk func(at []string, v any)
	walk = func(at []string, v any) {
		if found != nil {
			return
		}
		if len(at) >= len(want) && strings.Join(at[len(at)-len(want):], ".") == strings.Join(want, ".") && jsonKind(v) == kind {
			found = at
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(append(clip(at), k), x[k])
			}
		case []any:
			for i, e := range x {
				walk(append(clip(at), fmt.Sprint(i)), e)
			}
		}
	}
	v, _ := im.t.get(loc...)
	walk(loc, v)
	return found
}

func startsUpper(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// jsonKind names a value the way encoding/json's type errors do.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// kin-openapi flattens encoding/json's type errors into text, so the
// pieces are taken back out of the message.
var kinTypeError = regexp.MustCompile(`cannot unmarshal (\w+) into (?:Go struct )?field ([\w.$-]+) of type (\S+)`)

// typeWords says in words what a kin-openapi or Go type expects of JSON.
func typeWords(goType string) string {
	t := strings.TrimPrefix(goType, "*")
	switch {
	case t == "bool":
		return "true or false"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "[]"), strings.HasSuffix(t, ".Parameters"), strings.HasSuffix(t, ".SecurityRequirements"),
		strings.HasSuffix(t, ".Servers"), strings.HasSuffix(t, ".Tags"), strings.HasSuffix(t, ".Types"):
		return "a list"
	}
	return "an object"
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }
