package oas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The document is read twice: once into yaml.v3 nodes, which know where every
// value sits, and then, as plain JSON, into kin-openapi's types. The tree
// below is the bridge: the document as generic JSON values plus a map from
// each value's location to its line and column, so that any problem found
// later, by kin-openapi or by ferry, can point at the source.

type position struct{ line, col int }

type tree struct {
	root any
	pos  map[string]position
}

// locKey joins location segments with a byte that cannot occur in a
// document key, so "a.b" as one key and "a","b" as two stay distinct.
func locKey(loc []string) string { return strings.Join(loc, "\x00") }

// at returns the position of loc, or of its nearest ancestor that exists:
// a missing field is reported where its parent object starts.
func (t *tree) at(loc []string) position {
	for n := len(loc); n >= 0; n-- {
		if p, ok := t.pos[locKey(loc[:n])]; ok {
			return p
		}
	}
	return position{}
}

// get returns the value at loc.
func (t *tree) get(loc ...string) (any, bool) {
	v := t.root
	for _, seg := range loc {
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// maxJSONDepth bounds nesting so a hostile document cannot exhaust the stack.
const maxJSONDepth = 500

// parseNode reads JSON or YAML into a yaml.Node. JSON gets its own reader
// because yaml.v3 rejects valid JSON such as the "\/" escape.
func parseNode(data []byte) (*yaml.Node, *Error) {
	// Editors on Windows like to start files with a byte order mark.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return jsonNode(data)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{Msg: "the document is empty"}
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(err error) *Error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Line: line, Col: 1, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// jsonReader turns encoding/json tokens into yaml.Nodes with positions.
type jsonReader struct {
	data  []byte
	dec   *json.Decoder
	lines []int // byte offset of each line start
	prev  int64
}

func jsonNode(data []byte) (*yaml.Node, *Error) {
	r := &jsonReader{data: data, dec: json.NewDecoder(bytes.NewReader(data)), lines: []int{0}}
	r.dec.UseNumber()
	for i, c := range data {
		if c == '\n' {
			r.lines = append(r.lines, i+1)
		}
	}
	n, err := r.value(0)
	if err != nil {
		return nil, err
	}
	if _, terr := r.dec.Token(); terr != io.EOF {
		p := r.posAt(int(r.skip()))
		return nil, &Error{Line: p.line, Col: p.col, Msg: "invalid JSON: unexpected data after the document"}
	}
	return n, nil
}

func (r *jsonReader) posAt(off int) position {
	i := sort.Search(len(r.lines), func(i int) bool { return r.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return position{line: i + 1, col: off - r.lines[i] + 1}
}

// skip returns where the next token starts: after the previous token, past
// white space and the separators the decoder consumes silently.
func (r *jsonReader) skip() int64 {
	i := r.prev
	for i < int64(len(r.data)) && strings.IndexByte(" \t\r\n,:", r.data[i]) >= 0 {
		i++
	}
	return i
}

func (r *jsonReader) token() (json.Token, position, *Error) {
	start := r.posAt(int(r.skip()))
	tok, err := r.dec.Token()
	r.prev = r.dec.InputOffset()
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			p := r.posAt(int(se.Offset))
			return nil, p, &Error{Line: p.line, Col: p.col, Msg: "invalid JSON: " + se.Error()}
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			p := r.posAt(len(r.data))
			return nil, p, &Error{Line: p.line, Col: p.col, Msg: "invalid JSON: the document ends too early"}
		}
		return nil, start, &Error{Line: start.line, Col: start.col, Msg: "invalid JSON: " + err.Error()}
	}
	return tok, start, nil
}

func (r *jsonReader) value(depth int) (*yaml.Node, *Error) {
	tok, p, err := r.token()
	if err != nil {
		return nil, err
	}
	return r.valueFrom(tok, p, depth)
}

func (r *jsonReader) valueFrom(tok json.Token, p position, depth int) (*yaml.Node, *Error) {
	if depth > maxJSONDepth {
		return nil, &Error{Line: p.line, Col: p.col, Msg: fmt.Sprintf("invalid JSON: nested more than %d levels deep", maxJSONDepth)}
	}
	n := &yaml.Node{Line: p.line, Column: p.col}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
			for r.dec.More() {
				ktok, kp, err := r.token()
				if err != nil {
					return nil, err
				}
				key, ok := ktok.(string)
				if !ok {
					return nil, &Error{Line: kp.line, Col: kp.col, Msg: "invalid JSON: object key is not a string"}
				}
				v, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: kp.line, Column: kp.col}, v)
			}
		case '[':
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
			for r.dec.More() {
				v, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, v)
			}
		default:
			return nil, &Error{Line: p.line, Col: p.col, Msg: fmt.Sprintf("invalid JSON: unexpected %q", rune(t))}
		}
		if _, _, err := r.token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", t
	case json.Number:
		n.Kind, n.Value, n.Tag = yaml.ScalarNode, t.String(), "!!float"
		if _, err := strconv.ParseInt(t.String(), 10, 64); err == nil {
			n.Tag = "!!int"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", strconv.FormatBool(t)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}
