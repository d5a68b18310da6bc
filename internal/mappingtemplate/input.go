package mappingtemplate

import (
	"errors"
	"fmt"
	"net/textproto"
	"sort"
	"strings"
	"sync"

	"github.com/ferrygw/ferry/internal/vtl"
)

// inputVar is $input for one render. The body is decoded at most once.
type inputVar struct {
	in      *Input
	decoded bool
	doc     any
	docErr  error
	params  *vtl.Map
	body    any // the body as a string, converted once
}

func (v *inputVar) bodyString() any {
	if v.body == nil {
		v.body = string(v.in.Body)
	}
	return v.body
}

var pathCache sync.Map // string -> jsonPath; templates reuse a handful of paths

func (v *inputVar) document() (any, error) {
	if !v.decoded {
		v.decoded = true
		if len(strings.TrimSpace(string(v.in.Body))) == 0 {
			// API Gateway treats an empty payload as an empty object.
			v.doc = vtl.NewMap(0)
		} else {
			v.doc, v.docErr = decodeJSON(v.in.Body)
		}
	}
	return v.doc, v.docErr
}

func (v *inputVar) lookup(path string) (any, bool, error) {
	var p jsonPath
	if c, ok := pathCache.Load(path); ok {
		p = c.(jsonPath)
	} else {
		var err error
		if p, err = compilePath(path); err != nil {
			return nil, false, err
		}
		pathCache.Store(path, p)
	}
	doc, err := v.document()
	if err != nil {
		return nil, false, fmt.Errorf("the body is not JSON: %v", err)
	}
	res, ok := p.eval(doc)
	return res, ok, nil
}

func (v *inputVar) Property(name string) (any, bool) {
	if name == "body" {
		return v.bodyString(), true
	}
	return nil, false
}

func (v *inputVar) Call(name string, args []any) (any, bool, error) {
	switch {
	case (name == "json" || name == "path") && len(args) == 1:
		path, ok := args[0].(string)
		if !ok {
			return nil, true, errors.New("the JSONPath argument must be a string")
		}
		res, found, err := v.lookup(path)
		if err != nil || !found {
			return "", true, err
		}
		if name == "path" {
			return res, true, nil
		}
		var b strings.Builder
		vtl.WriteJSON(&b, res)
		return b.String(), true, nil
	case name == "params" && len(args) == 0:
		return v.allParams(), true, nil
	case name == "params" && len(args) == 1:
		key := vtl.ToString(args[0])
		if s, ok := v.in.Path[key]; ok {
			return s, true, nil
		}
		if vals := v.in.Query[key]; len(vals) > 0 {
			return vals[len(vals)-1], true, nil
		}
		if vals := headerValues(v.in.Header, key); len(vals) > 0 {
			return vals[len(vals)-1], true, nil
		}
		return "", true, nil
	case name == "getBody" && len(args) == 0:
		return v.bodyString(), true, nil
	}
	return nil, false, nil
}

// headerValues finds a header whatever the case of its name.
func headerValues(h map[string][]string, name string) []string {
	if vals, ok := h[name]; ok {
		return vals
	}
	if vals, ok := h[textproto.CanonicalMIMEHeaderKey(name)]; ok {
		return vals
	}
	for k, vals := range h {
		if strings.EqualFold(k, name) {
			return vals
		}
	}
	return nil
}

// allParams is $input.params(): path, querystring and header maps, each
// holding the last value of a repeated name.
func (v *inputVar) allParams() *vtl.Map {
	if v.params != nil {
		return v.params
	}
	m := vtl.NewMap(3)
	path := vtl.NewMap(len(v.in.Path))
	for _, k := range sortedKeys(v.in.Path) {
		path.Put(k, v.in.Path[k])
	}
	m.Put("path", path)
	m.Put("querystring", lastValues(v.in.Query))
	m.Put("header", lastValues(v.in.Header))
	v.params = m
	return m
}

func lastValues(src map[string][]string) *vtl.Map {
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := vtl.NewMap(len(keys))
	for _, k := range keys {
		if vals := src[k]; len(vals) > 0 {
			m.Put(k, vals[len(vals)-1])
		}
	}
	return m
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
