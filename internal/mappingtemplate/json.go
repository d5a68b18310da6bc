package mappingtemplate

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/vtl"
	"github.com/ohler55/ojg/jp"
)

// decodeJSON turns a JSON document into template values the way API
// Gateway's JSONPath sees it: objects keep their key order and print
// Java-style, arrays print as JSON, integers stay integers.
//
// The document is validated first, then read by a small scanner that
// trusts that validation; encoding/json's token reader allocates for
// every token, which dominated the render of array-heavy bodies.
func decodeJSON(data []byte) (any, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %s", se.Offset, se.Error())
		}
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	d := jsonReader{data: data}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// maxJSONDepth keeps hostile bodies from exhausting the stack.
const maxJSONDepth = 512

type jsonReader struct {
	data []byte
	pos  int
}

func (d *jsonReader) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *jsonReader) value(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("invalid JSON: nested deeper than %d levels", maxJSONDepth)
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, errors.New("invalid JSON: unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		d.pos++
		m := vtl.NewMap(4)
		for {
			d.skipSpace()
			if d.data[d.pos] == '}' {
				d.pos++
				return m, nil
			}
			if d.data[d.pos] == ',' {
				d.pos++
				d.skipSpace()
			}
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			d.skipSpace()
			d.pos++ // ':'
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			m.Put(k, v)
		}
	case c == '[':
		d.pos++
		l := &vtl.List{JSON: true}
		for {
			d.skipSpace()
			if d.data[d.pos] == ']' {
				d.pos++
				return l, nil
			}
			if d.data[d.pos] == ',' {
				d.pos++
			}
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, v)
		}
	case c == '"':
		return d.str()
	case c == 't':
		d.pos += 4
		return true, nil
	case c == 'f':
		d.pos += 5
		return false, nil
	case c == 'n':
		d.pos += 4
		return nil, nil
	default:
		return d.number()
	}
}

func (d *jsonReader) str() (string, error) {
	start := d.pos
	d.pos++
	escaped := false
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case '\\':
			escaped = true
			d.pos += 2
			continue
		case '"':
			d.pos++
			if !escaped {
				return string(d.data[start+1 : d.pos-1]), nil
			}
			var s string
			if err := json.Unmarshal(d.data[start:d.pos], &s); err != nil {
				return "", fmt.Errorf("invalid JSON string: %v", err)
			}
			return s, nil
		}
		d.pos++
	}
	return "", errors.New("invalid JSON: unterminated string")
}

func (d *jsonReader) number() (any, error) {
	start := d.pos
	isFloat := false
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '.' || c == 'e' || c == 'E' {
			isFloat = true
		} else if !(c >= '0' && c <= '9' || c == '-' || c == '+') {
			break
		}
		d.pos++
	}
	s := string(d.data[start:d.pos])
	if !isFloat {
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
