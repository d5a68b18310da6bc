package vtl

import (
	"math"
	"strings"
)

// eval computes the value of an expression node; nil means "no value".
func (s *state) eval(n Node) (any, error) {
	switch n := n.(type) {
	case *RefNode:
		v, ok := s.vars[n.Name]
		if !ok {
			return nil, nil
		}
		if lz, ok := v.(Lazy); ok {
			v = lz.Value()
			s.vars[n.Name] = v
		}
		return s.evalParts(n, n.Parts, v)
	case *StringNode:
		return s.renderString(n)
	case *NumberNode:
		if n.IsFloat {
			return n.Float, nil
		}
		return n.Int, nil
	case *BoolNode:
		return n.Val, nil
	case *ListLitNode:
		l := &List{Items: make([]any, 0, len(n.Items))}
		for _, it := range n.Items {
			v, err := s.eval(it)
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, v)
		}
		return l, nil
	case *MapLitNode:
		m := NewMap(len(n.Keys))
		for i := range n.Keys {
			k, err := s.eval(n.Keys[i])
			if err != nil {
				return nil, err
			}
			v, err := s.eval(n.Vals[i])
			if err != nil {
				return nil, err
			}
			m.Put(ToString(k), v)
		}
		return m, nil
	case *RangeNode:
		return s.evalRange(n)
	case *NotNode:
		ok, err := s.cond(n.X)
		return !ok, err
	case *NegNode:
		v, err := s.eval(n.X)
		if err != nil {
			return nil, err
		}
		return arith("-", int64(0), v), nil
	case *BinaryNode:
		return s.evalBinary(n)
	}
	return nil, s.errorf(n, "cannot evaluate %s", n)
}

func (s *state) evalRange(n *RangeNode) (any, error) {
	from, err := s.eval(n.From)
	if err != nil {
		return nil, err
	}
	to, err := s.eval(n.To)
	if err != nil {
		return nil, err
	}
	a, ok1 := toInt(from)
	b, ok2 := toInt(to)
	if !ok1 || !ok2 {
		return nil, nil
	}
	size := b - a
	if size < 0 {
		size = -size
	}
	if size >= 1<<20 || (s.lim.MaxForeach > 0 && size >= int64(s.lim.MaxForeach)*64) {
		return nil, s.errorf(n, "range [%d..%d] is too large", a, b)
	}
	l := &List{Items: make([]any, 0, size+1)}
	step := int64(1)
	if b < a {
		step = -1
	}
	for i := a; ; i += step {
		l.Items = append(l.Items, i)
		if i == b {
			break
		}
	}
	return l, nil
}

// cond computes a condition as Velocity 1.7 does: a reference is true when
// it has a value that is not false; literals that are not booleans count as
// false (Velocity's SimpleNode default), as do arithmetic results.
func (s *state) cond(n Node) (bool, error) {
	switch n := n.(type) {
	case *RefNode:
		v, err := s.eval(n)
		if err != nil || v == nil {
			return false, err
		}
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return true, nil
	case *BoolNode:
		return n.Val, nil
	case *NotNode:
		ok, err := s.cond(n.X)
		return !ok, err
	case *BinaryNode:
		switch n.Op {
		case "&&", "||", "==", "!=", "<", "<=", ">", ">=":
			v, err := s.evalBinary(n)
			b, _ := v.(bool)
			return b, err
		}
	}
	return false, nil
}

func (s *state) evalBinary(n *BinaryNode) (any, error) {
	switch n.Op {
	case "&&":
		l, err := s.cond(n.L)
		if err != nil || !l {
			return false, err
		}
		return s.cond(n.R)
	case "||":
		l, err := s.cond(n.L)
		if err != nil || l {
			return l, err
		}
		return s.cond(n.R)
	}
	l, err := s.eval(n.L)
	if err != nil {
		return nil, err
	}
	r, err := s.eval(n.R)
	if err != nil {
		return nil, err
	}
	if n.Op == "+" && (l == nil || r == nil) {
		// Velocity joins a missing operand to a string as its source text.
		_, ls := l.(string)
		_, rs := r.(string)
		switch {
		case l == nil && rs:
			return literal(n.L) + r.(string), nil
		case r == nil && ls:
			return l.(string) + literal(n.R), nil
		}
	}
	switch n.Op {
	case "==":
		return equal(l, r), nil
	case "!=":
		return !equal(l, r), nil
	case "<", "<=", ">", ">=":
		c, ok := compare(l, r)
		if !ok {
			return false, nil
		}
		switch n.Op {
		case "<":
			return c < 0, nil
		case "<=":
			return c <= 0, nil
		case ">":
			return c > 0, nil
		}
		return c >= 0, nil
	}
	return arith(n.Op, l, r), nil
}

// equal follows Velocity 1.7's ==: numbers compare by value, values of the
// same kind with equals, anything else by their string forms.
func equal(l, r any) bool {
	if l == nil || r == nil {
		return l == nil && r == nil
	}
	if a, ok := toFloat(l); ok {
		if b, ok := toFloat(r); ok {
			return a == b
		}
	}
	switch a := l.(type) {
	case string:
		if b, ok := r.(string); ok {
			return a == b
		}
	case bool:
		if b, ok := r.(bool); ok {
			return a == b
		}
	}
	return ToString(l) == ToString(r)
}

func compare(l, r any) (int, bool) {
	a, ok1 := toFloat(l)
	b, ok2 := toFloat(r)
	if !ok1 || !ok2 {
		return 0, false
	}
	switch {
	case a < b:
		return -1, true
	case a > b:
		return 1, true
	}
	return 0, true
}

func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, int:
		return true
	}
	return false
}

func toInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case float64:
		return int64(v), true
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// arith applies + - * / % with Velocity 1.7's rules: + joins strings when
// either side is one; integer operands stay integers (truncating division);
// a missing operand, a non-number or division by zero gives no value.
func arith(op string, l, r any) any {
	if l == nil || r == nil {
		return nil
	}
	if op == "+" {
		_, ls := l.(string)
		_, rs := r.(string)
		if ls || rs {
			return ToString(l) + ToString(r)
		}
	}
	if !isNumber(l) || !isNumber(r) {
		return nil
	}
	li, lInt := l.(int64)
	ri, rInt := r.(int64)
	if lInt && rInt {
		switch op {
		case "+":
			return li + ri
		case "-":
			return li - ri
		case "*":
			return li * ri
		case "/":
			if ri == 0 {
				return nil
			}
			return li / ri
		case "%":
			if ri == 0 {
				return nil
			}
			return li % ri
		}
	}
	a, _ := toFloat(l)
	b, _ := toFloat(r)
	switch op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		if b == 0 {
			return nil
		}
		return a / b
	case "%":
		if b == 0 {
			return nil
		}
		return math.Mod(a, b)
	}
	return nil
}

// evalParts walks .property, .method() and [index] from v; a missing step
// gives nil (no value).
func (s *state) evalParts(r *RefNode, parts []RefPart, v ...any) (any, error) {
	var cur any
	if len(v) > 0 {
		cur = v[0]
	} else {
		var err error
		if cur, err = s.eval(&RefNode{Pos: r.Pos, Name: r.Name}); err != nil || cur == nil {
			return nil, err
		}
	}
	for i := range parts {
		if cur == nil {
			return nil, nil
		}
		p := &parts[i]
		var err error
		switch {
		case p.Index != nil:
			cur, err = s.index(r, cur, p)
		case p.Call:
			cur, err = s.call(r, cur, p)
		default:
			cur = property(cur, p.Name)
		}
		if err != nil {
			return nil, err
		}
	}
	return cur, nil
}

func (s *state) index(r *RefNode, cur any, p *RefPart) (any, error) {
	idx, err := s.eval(p.Index)
	if err != nil || idx == nil {
		return nil, err
	}
	switch c := cur.(type) {
	case *Map:
		v, _ := c.Get(ToString(idx))
		return v, nil
	case *List:
		i, ok := toInt(idx)
		if !ok {
			return nil, s.errorf(r, "list index %s is not a number", ToString(idx))
		}
		if i < 0 {
			i += int64(len(c.Items))
		}
		if i < 0 || i >= int64(len(c.Items)) {
			return nil, s.errorf(r, "index %s out of range for a list of %d items in %s", ToString(idx), len(c.Items), r.Src)
		}
		return c.Items[i], nil
	case Object:
		v, ok, err := c.Call("get", []any{idx})
		if err != nil {
			return nil, s.errorf(r, "%s: %v", r.Src, err)
		}
		if !ok {
			return nil, nil
		}
		return v, nil
	}
	return nil, nil
}

// property resolves $x.name: a map entry, a host object's property, or a
// bean-style getter that Velocity would find (getName/isName).
func property(cur any, name string) any {
	switch c := cur.(type) {
	case *Map:
		v, _ := c.Get(name)
		return v
	case Object:
		v, ok := c.Property(name)
		if !ok {
			return nil
		}
		return v
	case *List:
		if name == "empty" {
			return len(c.Items) == 0
		}
	case string:
		switch name {
		case "empty":
			return c == ""
		case "bytes":
			return nil
		}
	}
	return nil
}

func (s *state) call(r *RefNode, cur any, p *RefPart) (any, error) {
	base := len(s.args)
	for _, a := range p.Args {
		v, err := s.eval(a)
		if err != nil {
			s.args = s.args[:base]
			return nil, err
		}
		s.args = append(s.args, v)
	}
	args := s.args[base:len(s.args):len(s.args)]
	defer func() { s.args = s.args[:base] }()
	var (
		v   any
		ok  bool
		err error
	)
	switch c := cur.(type) {
	case string:
		v, ok, err = stringMethod(c, p.Name, args)
	case *List:
		v, ok, err = listMethod(c, p.Name, args)
	case *Map:
		v, ok, err = mapMethod(c, p.Name, args)
	case Object:
		v, ok, err = c.Call(p.Name, args)
	default:
		v, ok, err = anyMethod(cur, p.Name, args)
	}
	if err != nil {
		return nil, s.t.errorAt(p.Pos, "%s%s: %v", "$"+r.Name, strings.TrimSpace(p.source), err)
	}
	if !ok {
		return nil, nil
	}
	return v, nil
}

// literal is a node's source as Velocity prints it in place of a value.
func literal(n Node) string {
	switch n := n.(type) {
	case *RefNode:
		return n.Src
	case *BinaryNode:
		return literal(n.L) + " " + n.Op + " " + literal(n.R)
	}
	return n.String()
}
