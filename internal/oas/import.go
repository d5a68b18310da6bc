package oas

import (
	"encoding/json"
	"fmt"
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
		im.errorf(loc, "%s", kinMessage(err))
		return false
	}
	return true
}

// kinMessage trims a decoding error to what a user can act on.
func kinMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	return "not valid OpenAPI: " + msg
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }
