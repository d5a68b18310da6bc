package router

import (
	"fmt"
	"net/url"
	"strings"
)

// Router matches request paths to resource paths.
type Router struct {
	root *node
}

type node struct {
	literal map[string]*node
	param   *node
	greedy  *node
	// name is the parameter name of a param or greedy node.
	name string
	// index is the resource this node ends, -1 for none.
	index int
}

func newNode() *node { return &node{index: -1} }

// Param is one path parameter of a match, decoded.
type Param struct {
	Name, Value string
}

// New builds a router over resource paths ("/", "/pets/{id}",
// "/files/{proxy+}"). Match returns indexes into paths.
func New(paths []string) (*Router, error) {
	r := &Router{root: newNode()}
	for i, p := range paths {
		if err := r.add(p, i); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Router) add(path string, index int) error {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("resource path %q does not start with /", path)
	}
	n := r.root
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if path == "/" {
		segs = nil
	}
	for i, seg := range segs {
		switch {
		case seg == "":
			return fmt.Errorf("resource path %q has an empty segment", path)
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}"):
			if i != len(segs)-1 {
				return fmt.Errorf("resource path %q: greedy %s must be the last segment", path, seg)
			}
			name := seg[1 : len(seg)-2]
			if n.greedy == nil {
				n.greedy = newNode()
				n.greedy.name = name
			} else if n.greedy.name != name {
				return fmt.Errorf("resource path %q: greedy %s conflicts with {%s+} at the same level", path, seg, n.greedy.name)
			}
			n = n.greedy
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			name := seg[1 : len(seg)-1]
			if name == "" {
				return fmt.Errorf("resource path %q has an unnamed parameter", path)
			}
			if n.param == nil {
				n.param = newNode()
				n.param.name = name
			} else if n.param.name != name {
				return fmt.Errorf("resource path %q: {%s} conflicts with {%s} at the same level", path, name, n.param.name)
			}
			n = n.param
		case strings.ContainsAny(seg, "{}"):
			return fmt.Errorf("resource path %q: segment %q mixes text and a parameter", path, seg)
		default:
			if n.literal == nil {
				n.literal = map[string]*node{}
			}
			c := n.literal[seg]
			if c == nil {
				c = newNode()
				n.literal[seg] = c
			}
			n = c
		}
	}
	if n.index >= 0 {
		return fmt.Errorf("resource path %q is defined twice", path)
	}
	n.index = index
	return nil
}

// Match finds the most specific resource for escapedPath (the path as on
// the wire, after the stage, e.g. "/pets/a%20b"). It returns the resource's
// index and its path parameters, or -1.
func (r *Router) Match(escapedPath string) (int, []Param) {
	p := strings.TrimPrefix(escapedPath, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return r.root.index, nil
	}
	var params []Param
	idx, ok := r.root.match(p, &params)
	if !ok {
		return -1, nil
	}
	return idx, params
}

func (n *node) match(rest string, params *[]Param) (int, bool) {
	seg, tail, more := strings.Cut(rest, "/")
	dec, err := url.PathUnescape(seg)
	if err != nil || seg == "" {
		return -1, false
	}
	if c := n.literal[dec]; c != nil {
		if idx, ok := c.next(tail, more, params); ok {
			return idx, true
		}
	}
	if n.param != nil {
		mark := len(*params)
		*params = append(*params, Param{Name: n.param.name, Value: dec})
		if idx, ok := n.param.next(tail, more, params); ok {
			return idx, true
		}
		*params = (*params)[:mark]
	}
	if n.greedy != nil && n.greedy.index >= 0 {
		val, err := url.PathUnescape(rest)
		if err != nil {
			return -1, false
		}
		*params = append(*params, Param{Name: n.greedy.name, Value: val})
		return n.greedy.index, true
	}
	return -1, false
}

func (n *node) next(tail string, more bool, params *[]Param) (int, bool) {
	if !more {
		return n.index, n.index >= 0
	}
	return n.match(tail, params)
}
