package oas

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxExpanded bounds how many values YAML aliases may expand to, so that a
// few bytes of anchors cannot make ferry build a gigantic tree. The size of
// the document itself is the caller's to bound.
const maxExpanded = 50000

// converter turns yaml.Nodes into generic JSON values, resolving Fn::Sub on
// the way so that everything after it sees plain strings.
type converter struct {
	im       *importer
	pos      map[string]position
	inAlias  int                 // how many aliases the current value is reached through
	expanded int                 // values built through aliases so far
	stopped  bool                // a limit was hit; the tree is abandoned
	active   map[*yaml.Node]bool // aliases being expanded, to catch cycles
}

func (c *converter) convert(n *yaml.Node, loc []string) any {
	if c.stopped {
		return nil
	}
	if len(loc) > maxJSONDepth {
		c.stopped = true
		c.fail(loc, position{n.Line, n.Column}, "the document nests more than %d levels deep", maxJSONDepth)
		return nil
	}
	if c.inAlias > 0 {
		c.expanded++
		if c.expanded > maxExpanded {
			c.stopped = true
			c.fail(loc, position{n.Line, n.Column}, "YAML aliases expand to more than %d values", maxExpanded)
			return nil
		}
	}
	loc = clip(loc)
	c.pos[locKey(loc)] = position{n.Line, n.Column}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return c.tagged(n, loc)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil
		}
		if c.active[n.Alias] {
			c.stopped = true
			c.fail(loc, position{n.Line, n.Column}, "YAML alias *%s contains itself", n.Value)
			return nil
		}
		if c.active == nil {
			c.active = map[*yaml.Node]bool{}
		}
		c.active[n.Alias] = true
		c.inAlias++
		defer func() { c.inAlias--; delete(c.active, n.Alias) }()
		return c.convert(n.Alias, loc)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.convert(n.Content[0], loc)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			out = append(out, c.convert(e, append(loc, strconv.Itoa(i))))
		}
		return out
	case yaml.MappingNode:
		return c.mapping(n, loc)
	case yaml.ScalarNode:
		return c.scalar(n, loc)
	}
	return nil
}

func (c *converter) mapping(n *yaml.Node, loc []string) any {
	if len(n.Content) == 2 {
		key := n.Content[0].Value
		if key == "Fn::Sub" {
			return c.fnSub(n.Content[1], loc)
		}
		if strings.HasPrefix(key, "Fn::") {
			c.fail(loc, position{n.Line, n.Column}, "CloudFormation %s is not supported here; only Fn::Sub is resolved on import", key)
			return ""
		}
	}
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			c.fail(loc, position{k.Line, k.Column}, "a mapping key must be a plain string")
			continue
		}
		if k.Tag == "!!merge" {
			c.fail(append(loc, k.Value), position{k.Line, k.Column}, "YAML merge keys (<<) are not supported")
			continue
		}
		if _, dup := out[k.Value]; dup {
			c.fail(append(loc, k.Value), position{k.Line, k.Column}, "key %q appears twice", k.Value)
			continue
		}
		out[k.Value] = c.convert(v, append(loc, k.Value))
	}
	return out
}

func (c *converter) scalar(n *yaml.Node, loc []string) any {
	p := position{n.Line, n.Column}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			c.fail(loc, p, "%q is not a boolean", n.Value)
		}
		return b
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			c.fail(loc, p, "%q is not a number ferry can hold", n.Value)
			return nil
		}
		return json.Number(strconv.FormatInt(i, 10))
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			c.fail(loc, p, "%q is not a finite number", n.Value)
			return nil
		}
		if json.Valid([]byte(n.Value)) {
			return json.Number(n.Value)
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	default:
		// Strings, and timestamps such as an unquoted info.version: ferry
		// keeps the text exactly as written.
		return n.Value
	}
}

// tagged handles YAML's short forms of CloudFormation intrinsics.
func (c *converter) tagged(n *yaml.Node, loc []string) any {
	if n.Tag == "!Sub" {
		return c.fnSub(&yaml.Node{Kind: n.Kind, Tag: "", Value: n.Value, Content: n.Content, Line: n.Line, Column: n.Column, Style: n.Style}, loc)
	}
	c.fail(loc, position{n.Line, n.Column}, "YAML tag %s is not supported; only !Sub (Fn::Sub) is resolved on import", n.Tag)
	return ""
}

// clip keeps location slices from aliasing each other: append on a
// shared prefix would otherwise overwrite a sibling's segment.
func clip(loc []string) []string { return loc[:len(loc):len(loc)] }

// fail reports a problem found while reading the document and marks the
// value so that later checks do not report its half-built result again.
func (c *converter) fail(loc []string, p position, format string, args ...any) {
	c.im.errorAt(loc, p, format, args...)
	c.im.poisoned[locKey(loc)] = true
}
