package vtl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Limits bound one execution. Zero fields mean no limit.
type Limits struct {
	// MaxOutput is the largest output in bytes.
	MaxOutput int
	// Deadline is when the render is abandoned.
	Deadline time.Time
	// MaxForeach is the most iterations one #foreach may run.
	MaxForeach int
	// ForeachError makes exceeding MaxForeach an error; otherwise the loop
	// stops quietly after MaxForeach iterations, as Velocity's
	// directive.foreach.maxloops does.
	ForeachError bool
	// Context, when set, abandons the render once it is done.
	Context context.Context
}

// maxCallDepth bounds macro recursion and nested #define expansion.
const maxCallDepth = 100

// state is one execution: output, variables and budget.
type state struct {
	t     *Template
	out   Output
	vars  map[string]any
	lim   Limits
	ticks int
	depth int
	// aliases maps a macro parameter bound to a reference without value to
	// that reference's source, which the parameter prints as.
	aliases map[string]string
	// args is a stack of method arguments, reused across calls so that a
	// call costs no allocation; a call's arguments sit on top while it runs.
	args []any
}

var (
	errBreak = errors.New("#break")
	errStop  = errors.New("#stop")
)

// Output receives rendered text; *strings.Builder and *bytes.Buffer are Outputs.
type Output interface {
	WriteString(s string) (int, error)
	Len() int
}

var statePool = sync.Pool{New: func() any { return new(state) }}

// Execute renders t, appending to out. vars are the template's variables;
// #set writes into the map, so pass a fresh map per execution.
func (t *Template) Execute(out Output, vars map[string]any, lim Limits) error {
	s := statePool.Get().(*state)
	*s = state{t: t, out: out, vars: vars, lim: lim, args: s.args[:0]}
	err := s.walkList(t.Root)
	if err == errStop || err == errBreak {
		err = nil
	}
	// Drop references to this render's values before the state is reused.
	clear(s.args[:cap(s.args)])
	*s = state{args: s.args[:0]}
	statePool.Put(s)
	return err
}

func (s *state) errorf(n Node, format string, args ...any) error {
	return s.t.errorAt(n.Position(), format, args...)
}

// tick enforces the time budget; checking the clock every few steps keeps
// its cost out of the hot path.
func (s *state) tick(n Node) error {
	s.ticks++
	if s.ticks&63 != 0 {
		return nil
	}
	if !s.lim.Deadline.IsZero() && time.Now().After(s.lim.Deadline) {
		return s.errorf(n, "render took longer than its time budget")
	}
	if s.lim.Context != nil && s.lim.Context.Err() != nil {
		return s.errorf(n, "render abandoned: %v", s.lim.Context.Err())
	}
	return nil
}

func (s *state) write(n Node, str string) error {
	s.out.WriteString(str)
	if s.lim.MaxOutput > 0 && s.out.Len() > s.lim.MaxOutput {
		return s.errorf(n, "output exceeds %d bytes", s.lim.MaxOutput)
	}
	return nil
}

func (s *state) walkList(l *ListNode) error {
	for _, n := range l.Nodes {
		if err := s.walk(n); err != nil {
			return err
		}
	}
	return nil
}

func (s *state) walk(n Node) error {
	if err := s.tick(n); err != nil {
		return err
	}
	switch n := n.(type) {
	case *TextNode:
		return s.write(n, n.Text)
	case *RefNode:
		return s.printRef(n)
	case *SetNode:
		return s.set(n)
	case *IfNode:
		for i, c := range n.Conds {
			ok, err := s.cond(c)
			if err != nil {
				return err
			}
			if ok {
				return s.walkList(n.Bodies[i])
			}
		}
		if n.Else != nil {
			return s.walkList(n.Else)
		}
		return nil
	case *ForeachNode:
		return s.foreach(n)
	case *BreakNode:
		return errBreak
	case *StopNode:
		return errStop
	case *DefineNode:
		s.vars[n.Name] = &defined{body: n.Body, s: s}
		return nil
	case *MacroNode:
		return nil
	case *MacroCallNode:
		return s.callMacro(n)
	}
	return s.errorf(n, "cannot render %T", n)
}

// printRef prints a reference's value, or its source when it has none
// (nothing for $!), honouring backslash escapes the way Velocity 1.7 does.
func (s *state) printRef(r *RefNode) error {
	v, err := s.eval(r)
	if err != nil {
		return err
	}
	if r.Escape != "" {
		half := strings.Repeat(`\`, len(r.Escape)/2)
		switch {
		case v == nil:
			return s.write(r, r.Escape+r.Src)
		case len(r.Escape)%2 == 1:
			return s.write(r, half+r.Src)
		default:
			if err := s.write(r, half); err != nil {
				return err
			}
		}
	}
	if v == nil {
		if r.Quiet {
			return nil
		}
		if a, ok := s.aliases[r.Name]; ok && strings.HasPrefix(r.Src, "$"+r.Name) {
			return s.write(r, a+r.Src[1+len(r.Name):])
		}
		return s.write(r, r.Src)
	}
	if str, ok := v.(string); ok {
		return s.write(r, str)
	}
	if d, ok := v.(*defined); ok {
		return s.expand(r, d)
	}
	if st, ok := v.(Object); ok {
		if _, ok := st.(Stringer); !ok {
			return s.write(r, r.Src)
		}
	}
	return s.write(r, ToString(v))
}

// defined is the value of a #define: its body renders where it is printed.
type defined struct {
	body *ListNode
	s    *state
}

func (d *defined) VTLString() string {
	if d.s.t == nil {
		return "" // its render is over
	}
	var b strings.Builder
	sub := *d.s
	sub.out = &b
	sub.lim.MaxOutput = 0
	if sub.depth++; sub.depth <= maxCallDepth {
		_ = sub.walkList(d.body)
	}
	return b.String()
}

func (d *defined) Property(string) (any, bool)           { return nil, false }
func (d *defined) Call(string, []any) (any, bool, error) { return nil, false, nil }
func (s *state) expand(r *RefNode, d *defined) error {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > maxCallDepth {
		return s.errorf(r, "#define expansion nested deeper than %d", maxCallDepth)
	}
	err := s.walkList(d.body)
	if err == errBreak {
		return nil
	}
	return err
}

func (s *state) set(n *SetNode) error {
	v, err := s.eval(n.Value)
	if err != nil {
		return err
	}
	// Velocity 1.7 leaves the target unchanged when the value is null.
	if v == nil {
		return nil
	}
	t := n.Target
	if len(t.Parts) == 0 {
		s.vars[t.Name] = v
		return nil
	}
	holder, err := s.evalParts(t, t.Parts[:len(t.Parts)-1])
	if err != nil || holder == nil {
		return err
	}
	last := t.Parts[len(t.Parts)-1]
	switch {
	case last.Call:
		return s.errorf(t, "cannot assign to a method call in #set(%s)", t.Src)
	case last.Index != nil:
		idx, err := s.eval(last.Index)
		if err != nil {
			return err
		}
		return s.setIndex(t, holder, idx, v)
	}
	switch h := holder.(type) {
	case *Map:
		h.Put(last.Name, v)
	case Setter:
		if err := h.SetProperty(last.Name, v); err != nil {
			return s.errorf(t, "#set(%s): %v", t.Src, err)
		}
	}
	return nil
}

// Setter is an Object whose properties #set can write.
type Setter interface {
	SetProperty(name string, v any) error
}

func (s *state) setIndex(t *RefNode, holder, idx, v any) error {
	switch h := holder.(type) {
	case *Map:
		h.Put(ToString(idx), v)
	case *List:
		i, ok := toInt(idx)
		if !ok || i < 0 || int(i) >= len(h.Items) {
			return s.errorf(t, "index %s out of range for a list of %d items", ToString(idx), len(h.Items))
		}
		h.Items[i] = v
	}
	return nil
}

func (s *state) foreach(n *ForeachNode) error {
	v, err := s.eval(n.List)
	if err != nil {
		return err
	}
	var items []any
	switch c := v.(type) {
	case *List:
		items = c.Items
	case *Map:
		items = c.vals
	default:
		return nil
	}
	saved := [4]any{s.vars[n.Var], s.vars["foreach"], s.vars["velocityCount"], s.vars["velocityHasNext"]}
	defer func() {
		for i, k := range []string{n.Var, "foreach", "velocityCount", "velocityHasNext"} {
			if saved[i] == nil {
				delete(s.vars, k)
			} else {
				s.vars[k] = saved[i]
			}
		}
	}()
	loop := &loopInfo{parent: saved[1], n: len(items)}
	s.vars["foreach"] = loop
	// Snapshot the items: a body that adds to the list must not loop forever.
	items = append([]any(nil), items...)
	for i, it := range items {
		if s.lim.MaxForeach > 0 && i >= s.lim.MaxForeach {
			if s.lim.ForeachError {
				return s.errorf(n, "#foreach ran more than %d iterations", s.lim.MaxForeach)
			}
			break
		}
		loop.i = i
		if it == nil {
			delete(s.vars, n.Var)
		} else {
			s.vars[n.Var] = it
		}
		s.vars["velocityCount"] = int64(i + 1)
		s.vars["velocityHasNext"] = i+1 < len(items)
		err := s.walkList(n.Body)
		if err == errBreak {
			break
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// loopInfo is $foreach.
type loopInfo struct {
	parent any
	i, n   int
}

func (l *loopInfo) Property(name string) (any, bool) {
	switch name {
	case "index":
		return int64(l.i), true
	case "count":
		return int64(l.i + 1), true
	case "hasNext":
		return l.i+1 < l.n, true
	case "first":
		return l.i == 0, true
	case "last":
		return l.i+1 == l.n, true
	case "parent":
		return l.parent, l.parent != nil
	}
	return nil, false
}

// loopGetters maps $foreach's getter methods to its properties.
var loopGetters = map[string]string{
	"getIndex": "index", "getCount": "count", "hasNext": "hasNext",
	"isFirst": "first", "isLast": "last", "getParent": "parent",
}

func (l *loopInfo) Call(name string, args []any) (any, bool, error) {
	prop, ok := loopGetters[name]
	if !ok || len(args) != 0 {
		return nil, false, nil
	}
	v, ok := l.Property(prop)
	return v, ok, nil
}

func (s *state) callMacro(n *MacroCallNode) error {
	m, ok := s.t.macros[n.Name]
	if !ok {
		return s.write(n, n.String())
	}
	if len(n.Args) != len(m.Params) {
		return s.errorf(n, "macro #%s takes %d arguments, got %d", n.Name, len(m.Params), len(n.Args))
	}
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > maxCallDepth {
		return s.errorf(n, "macro calls nested deeper than %d", maxCallDepth)
	}
	saved := make([]any, len(m.Params))
	savedAlias := make([]string, len(m.Params))
	for i, p := range m.Params {
		v, err := s.eval(n.Args[i])
		if err != nil {
			return err
		}
		saved[i] = s.vars[p]
		savedAlias[i] = s.aliases[p]
		if v == nil {
			delete(s.vars, p)
			// Velocity passes macro arguments by name: a parameter whose
			// argument has no value prints as the argument's source.
			if r, ok := n.Args[i].(*RefNode); ok {
				s.setAlias(p, r.Src)
			}
		} else {
			s.vars[p] = v
			s.setAlias(p, "")
		}
	}
	defer func() {
		for i, p := range m.Params {
			if saved[i] == nil {
				delete(s.vars, p)
			} else {
				s.vars[p] = saved[i]
			}
			s.setAlias(p, savedAlias[i])
		}
	}()
	err := s.walkList(m.Body)
	if err == errBreak {
		return nil
	}
	return err
}

func (s *state) setAlias(name, src string) {
	if src == "" {
		delete(s.aliases, name)
		return
	}
	if s.aliases == nil {
		s.aliases = map[string]string{}
	}
	s.aliases[name] = src
}

// renderString renders an interpolated string literal.
func (s *state) renderString(n *StringNode) (any, error) {
	if n.Body == nil {
		return n.boxed, nil
	}
	var b strings.Builder
	sub := *s
	sub.out = &b
	err := sub.walkList(n.Body)
	s.ticks = sub.ticks
	if err == errBreak || err == errStop {
		err = nil
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			// Positions inside a literal are relative to it; report the literal.
			return nil, s.errorf(n, "in string literal: %s", e.Msg)
		}
		return nil, err
	}
	if s.lim.MaxOutput > 0 && b.Len() > s.lim.MaxOutput {
		return nil, s.errorf(n, "string exceeds %d bytes", s.lim.MaxOutput)
	}
	return b.String(), nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "String"
	case int64:
		return "Integer"
	case float64:
		return "Double"
	case bool:
		return "Boolean"
	case *List:
		return "List"
	case *Map:
		return "Map"
	}
	return fmt.Sprintf("%T", v)
}
