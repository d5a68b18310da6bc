package oas

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// obj reads one JSON object of the document with type checks, reporting
// each wrong type at the field's own location.
type obj struct {
	im  *importer
	loc []string
	m   map[string]any
}

// object returns the object at loc; ok is false (and a problem is reported)
// when the value exists but is not an object.
func (im *importer) object(loc []string) (obj, bool) {
	v, found := im.t.get(loc...)
	if !found || v == nil {
		return obj{im: im, loc: loc}, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		im.errorf(loc, "must be an object, not %s", kindOf(v))
		return obj{im: im, loc: loc}, false
	}
	return obj{im: im, loc: loc, m: m}, true
}

func (o obj) at(key string) []string { return append(clip(o.loc), key) }

func (o obj) has(key string) bool {
	_, ok := o.m[key]
	return ok
}

func (o obj) keys() []string {
	ks := make([]string, 0, len(o.m))
	for k := range o.m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (o obj) str(key string) string {
	v, ok := o.m[key]
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		// YAML writes status codes and versions unquoted; they are still text.
		return x.String()
	}
	o.im.errorf(o.at(key), "must be a string, not %s", kindOf(v))
	return ""
}

func (o obj) boolean(key string) bool {
	v, ok := o.m[key]
	if !ok || v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		o.im.errorf(o.at(key), "must be true or false, not %s", kindOf(v))
	}
	return b
}

// integer returns the value and whether it was set.
func (o obj) integer(key string) (int, bool) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return 0, false
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x // API Gateway's own exports sometimes quote numbers
	default:
		o.im.errorf(o.at(key), "must be an integer, not %s", kindOf(v))
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		o.im.errorf(o.at(key), "must be an integer, not %q", s)
		return 0, false
	}
	return n, true
}

func (o obj) strMap(key string) map[string]string {
	sub, ok := o.im.object(o.at(key))
	if !ok {
		return nil
	}
	out := make(map[string]string, len(sub.m))
	for _, k := range sub.keys() {
		if sub.m[k] == nil {
			sub.im.errorf(sub.at(k), "must be a string, not null")
			continue
		}
		out[k] = sub.str(k)
	}
	return out
}

func (o obj) strList(key string) []string {
	v, ok := o.m[key]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		o.im.errorf(o.at(key), "must be a list of strings, not %s", kindOf(v))
		return nil
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			o.im.errorf(append(o.at(key), strconv.Itoa(i)), "must be a string, not %s", kindOf(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

// warnUnknown records keys ferry does not read, so nothing is dropped
// silently; a typo in a field name then shows up in the import's warnings.
func (o obj) warnUnknown(known ...string) {
	for _, k := range o.keys() {
		if !contains(known, k) {
			o.im.warnf(o.at(k), "unknown field ignored")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func dotted(loc []string) string { return strings.Join(loc, ".") }
