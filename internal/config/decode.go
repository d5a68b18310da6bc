package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Error is a problem in the configuration file, located by line and column.
type Error struct {
	// File is the file's name as given to Load.
	File string
	// Line and Column are 1-based; zero when the problem has no position.
	Line, Column int
	// Field is the path of the field, e.g. "limits.readTimeout" or "adminTokens[1].scopes".
	Field string
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads the YAML file at path over Default. Unknown fields, values of
// the wrong type and malformed durations are errors that give the file, line
// and column. Load does not apply the environment or validate: call
// ApplyEnv and Validate next.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse is Load on bytes already read; name is used in errors and its
// directory anchors relative paths.
func Parse(name string, data []byte) (*Config, error) {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, nil // an empty file means all defaults
		}
		return nil, syntaxError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line, col := 0, 0
		if err == nil {
			line, col = extra.Line, extra.Column
		}
		return nil, &Error{File: name, Line: line, Column: col, Msg: "more than one YAML document; ferry reads one"}
	}
	d := &decoder{file: name, base: filepath.Dir(name)}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return cfg, nil
		}
		root = root.Content[0]
	}
	if isNull(root) {
		return cfg, nil
	}
	if err := d.value(root, reflect.ValueOf(cfg).Elem(), "", 0, false); err != nil {
		return nil, err
	}
	return cfg, nil
}

// syntaxError turns yaml.v3's "yaml: line N: msg" into an Error at line N.
func syntaxError(name string, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: name, Msg: msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, tail, ok := strings.Cut(rest, ": ")
		if n, convErr := strconv.Atoi(num); ok && convErr == nil {
			e.Line, e.Msg = n, tail
		}
	}
	return e
}

// decoder walks the YAML node tree beside the Config's reflect tree. It is
// written out rather than left to yaml.v3's own decoding because that
// reports unknown fields without a column or the field's path, and it
// would accept 25 for a duration as 25 nanoseconds.
type decoder struct {
	file   string
	base   string // relative paths in the file are taken from here
	visits int
}

// maxDepth stops alias loops (an anchor that contains its own alias), and
// maxVisits stops aliases that fan out ("billion laughs"): a real
// configuration has a few hundred values.
const (
	maxDepth  = 32
	maxVisits = 100000
)

var (
	durationType = reflect.TypeFor[time.Duration]()
	secretType   = reflect.TypeFor[Secret]()
)

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) error {
	return &Error{File: d.file, Line: n.Line, Column: n.Column, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func (d *decoder) value(n *yaml.Node, v reflect.Value, field string, depth int, isPath bool) error {
	if depth > maxDepth {
		return d.errorf(n, field, "nested too deeply (an alias that refers to itself?)")
	}
	if d.visits++; d.visits > maxVisits {
		return d.errorf(n, field, "more than %d values (aliases that expand too much?)", maxVisits)
	}
	if n.Kind == yaml.AliasNode {
		return d.value(n.Alias, v, field, depth+1, isPath)
	}
	switch {
	case v.Type() == durationType:
		return d.duration(n, v, field)
	case v.Kind() == reflect.Struct:
		return d.structure(n, v, field, depth)
	case v.Kind() == reflect.Slice:
		return d.sequence(n, v, field, depth, isPath)
	case v.Kind() == reflect.Map:
		return d.mapping(n, v, field, depth)
	case v.Kind() == reflect.Pointer:
		if isNull(n) {
			v.SetZero()
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := d.value(n, p.Elem(), field, depth+1, isPath); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	return d.scalar(n, v, field, isPath)
}

// fieldName returns a struct field's name in YAML: its yaml tag, else its
// json tag (types shared with other packages carry only json tags).
func fieldName(f reflect.StructField) string {
	for _, key := range []string{"yaml", "json"} {
		if tag, ok := f.Tag.Lookup(key); ok {
			name, _, _ := strings.Cut(tag, ",")
			return name
		}
	}
	return f.Name
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, field string, depth int) error {
	if isNull(n) {
		return nil // "tls:" with nothing under it keeps the defaults
	}
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, field, "want a mapping of fields, got %s", describe(n))
	}
	t := v.Type()
	byName := map[string]int{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name := fieldName(f)
		if !f.IsExported() || name == "-" {
			continue
		}
		byName[name] = i
		names = append(names, name)
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return d.errorf(k, field, "a field name must be a plain string, got %s", describe(k))
		}
		if k.Value == "<<" {
			return d.errorf(k, field, "merge keys (<<) are not supported; repeat the fields")
		}
		idx, ok := byName[k.Value]
		if !ok {
			where := "at the top level"
			if field != "" {
				where = "in " + field
			}
			return d.errorf(k, "", "unknown field %q %s (known: %s)", k.Value, where, strings.Join(names, ", "))
		}
		if prev, dup := seen[k.Value]; dup {
			return d.errorf(k, join(field, k.Value), "set twice (first at line %d)", prev.Line)
		}
		seen[k.Value] = k
		sf := t.Field(idx)
		if err := d.value(val, v.Field(idx), join(field, k.Value), depth+1, sf.Tag.Get("ferry") == "path"); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) sequence(n *yaml.Node, v reflect.Value, field string, depth int, isPath bool) error {
	if isNull(n) {
		v.SetZero()
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return d.errorf(n, field, "want a list, got %s", describe(n))
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		if err := d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", field, i), depth+1, isPath); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, field string, depth int) error {
	if isNull(n) {
		v.SetZero()
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, field, "want a mapping, got %s", describe(n))
	}
	if v.Type().Key().Kind() != reflect.String {
		return d.errorf(n, field, "unsupported map key type %s", v.Type().Key())
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) {
			return d.errorf(k, field, "a key must be a plain string, got %s", describe(k))
		}
		key := reflect.New(v.Type().Key()).Elem()
		key.SetString(k.Value)
		if m.MapIndex(key).IsValid() {
			return d.errorf(k, field+"."+k.Value, "set twice")
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if err := d.value(val, elem, field+"."+k.Value, depth+1, false); err != nil {
			return err
		}
		m.SetMapIndex(key, elem)
	}
	v.Set(m)
	return nil
}

func (d *decoder) duration(n *yaml.Node, v reflect.Value, field string) error {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return d.errorf(n, field, "want a duration such as 25s or 1m30s, got %s", describe(n))
	}
	dur, err := time.ParseDuration(n.Value)
	if err != nil {
		hint := ""
		if _, numErr := strconv.ParseFloat(n.Value, 64); numErr == nil {
			hint = " (add a unit: s, m, h, ms)"
		}
		return d.errorf(n, field, "%q is not a duration%s", n.Value, hint)
	}
	if dur < 0 {
		return d.errorf(n, field, "%s is negative", n.Value)
	}
	v.SetInt(int64(dur))
	return nil
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, field string, isPath bool) error {
	if n.Kind != yaml.ScalarNode {
		return d.errorf(n, field, "want a single value, got %s", describe(n))
	}
	if isNull(n) {
		return d.errorf(n, field, "no value given (write \"\" for an empty string, or remove the field for its default)")
	}
	switch v.Kind() {
	case reflect.String:
		switch n.Tag {
		case "!!str", "!!int", "!!float", "!!timestamp":
		default:
			if v.Type() == secretType {
				return d.errorf(n, field, "want a string")
			}
			return d.errorf(n, field, "want a string, got %s", describe(n))
		}
		s := n.Value
		if isPath && s != "" && !filepath.IsAbs(s) {
			s = filepath.Join(d.base, s)
		}
		v.SetString(s)
	case reflect.Bool:
		if n.Tag != "!!bool" {
			return d.errorf(n, field, "want true or false, got %s", describe(n))
		}
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return d.errorf(n, field, "want true or false, got %q", n.Value)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n.Tag == "!!float" && strings.Trim(n.Value, "+-0123456789") == "" {
			return d.errorf(n, field, "integer %s is out of range", n.Value)
		}
		if n.Tag != "!!int" {
			return d.errorf(n, field, "want an integer, got %s", describe(n))
		}
		var i int64
		if err := n.Decode(&i); err != nil || v.OverflowInt(i) {
			return d.errorf(n, field, "integer %s is out of range", n.Value)
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		if n.Tag != "!!int" && n.Tag != "!!float" {
			return d.errorf(n, field, "want a number, got %s", describe(n))
		}
		var f float64
		if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return d.errorf(n, field, "%q is not a finite number", n.Value)
		}
		v.SetFloat(f)
	default:
		return d.errorf(n, field, "unsupported field type %s", v.Type())
	}
	return nil
}

// describe names what a node is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	kinds := map[string]string{"!!str": "string", "!!int": "integer", "!!float": "number", "!!bool": "boolean",
		"!!null": "nothing", "!!timestamp": "timestamp", "!!binary": "binary"}
	kind, ok := kinds[n.Tag]
	if !ok {
		kind = "value tagged " + n.Tag
	}
	if n.Tag == "!!null" {
		return kind
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return fmt.Sprintf("%s %q", kind, v)
}
