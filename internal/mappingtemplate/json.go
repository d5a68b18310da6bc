package mappingtemplate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/vtl"
	"github.com/ohler55/ojg/jp"
)

// decodeJSON turns a JSON document into template values the way API
// Gateway's JSONPath sees it: objects keep their key order and print
// Java-style, arrays print as JSON, integers stay integers.
func decodeJSON(data []byte) (any, error) {
	if !json.Valid(data) {
		// Unmarshal words syntax errors better than the token reader.
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %s", se.Offset, se.Error())
		}
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("invalid JSON: unexpected data after the top-level value at offset %d", dec.InputOffset())
	}
	return v, nil
}

// maxJSONDepth keeps hostile bodies from exhausting the stack.
const maxJSONDepth = 512

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("invalid JSON: nested deeper than %d levels", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("invalid JSON: unexpected end of input")
		}
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := vtl.NewMap(4)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("invalid JSON: %v", err)
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				m.Put(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %v", err)
			}
			return m, nil
		case '[':
			l := &vtl.List{JSON: true}
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				l.Items = append(l.Items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("invalid JSON: %v", err)
			}
			return l, nil
		}
		return nil, fmt.Errorf("invalid JSON: unexpected %q", t)
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i, nil
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid JSON number %s", s)
		}
		return f, nil
	}
	return tok, nil // string, bool or nil
}

// jsonPath is a compiled JSONPath expression and whether it names at most
// one value (no wildcard, slice, filter or descent), in which case the
// value itself is returned rather than a list of matches.
type jsonPath struct {
	expr     jp.Expr
	definite bool
}

func compilePath(path string) (p jsonPath, err error) {
	if strings.TrimSpace(path) == "" {
		return jsonPath{}, errors.New("empty JSONPath expression")
	}
	// The JSONPath parser reads template-controlled text; whatever it
	// does with odd input must not take the gateway down.
	defer func() {
		if r := recover(); r != nil {
			p, err = jsonPath{}, fmt.Errorf("invalid JSONPath %q", path)
		}
	}()
	x, err := jp.ParseString(path)
	if err != nil {
		return jsonPath{}, fmt.Errorf("invalid JSONPath %q: %v", path, err)
	}
	definite := true
	for _, f := range x {
		switch f.(type) {
		case jp.Root, jp.At, jp.Child, jp.Nth:
		default:
			definite = false
		}
	}
	return jsonPath{expr: x, definite: definite}, nil
}

// eval applies the path; ok is false when a definite path matches nothing.
func (p jsonPath) eval(doc any) (v any, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			v, ok = nil, false
		}
	}()
	res := p.expr.Get(doc)
	if p.definite {
		if len(res) == 0 {
			return nil, false
		}
		return res[0], true
	}
	return &vtl.List{Items: res, JSON: true}, true
}
