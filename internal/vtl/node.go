package vtl

import (
	"strings"
)

// Node is an element of the parse tree. String prints it back as template
// source, so tests compare trees as text. The interface is sealed: only this
// package defines nodes.
type Node interface {
	Position() Pos
	String() string
	writeTo(*strings.Builder)
}

// Pos is a byte offset into the template source.
type Pos int

// Position returns p itself, so embedding Pos gives a node its position.
func (p Pos) Position() Pos { return p }

func nodeString(n Node) string {
	var b strings.Builder
	n.writeTo(&b)
	return b.String()
}

// ListNode is a sequence of nodes: a template body or a block's body.
type ListNode struct {
	Pos
	Nodes []Node
}

func (n *ListNode) String() string { return nodeString(n) }
func (n *ListNode) writeTo(b *strings.Builder) {
	for _, c := range n.Nodes {
		c.writeTo(b)
	}
}

// TextNode is literal output.
type TextNode struct {
	Pos
	Text string
}

func (n *TextNode) String() string             { return nodeString(n) }
func (n *TextNode) writeTo(b *strings.Builder) { b.WriteString(n.Text) }

// RefPart is one step after a reference's root: .name, .name(args) or [index].
type RefPart struct {
	Pos
	Name   string // property or method name; "" for an index
	Call   bool   // .name(args)
	Args   []Node // method arguments
	Index  Node   // [index]
	source string
}

// RefNode is a reference: $name, $!name, ${name}, with properties, method
// calls and indexes. Src is its source text, printed when it has no value.
type RefNode struct {
	Pos
	Escape string // backslashes written directly before the reference
	Quiet  bool   // $!
	Braced bool   // ${...}
	Name   string
	Parts  []RefPart
	Src    string // source text without Escape
}

func (n *RefNode) String() string { return nodeString(n) }
func (n *RefNode) writeTo(b *strings.Builder) {
	b.WriteString(n.Escape)
	b.WriteString(n.Src)
}

// SetNode is #set($ref = value).
type SetNode struct {
	Pos
	Target *RefNode
	Value  Node
}

func (n *SetNode) String() string { return nodeString(n) }
func (n *SetNode) writeTo(b *strings.Builder) {
	b.WriteString("#set(")
	n.Target.writeTo(b)
	b.WriteString(" = ")
	n.Value.writeTo(b)
	b.WriteString(")")
}

// IfNode is #if/#elseif/#else/#end. Else is nil when there is no #else.
type IfNode struct {
	Pos
	Conds  []Node
	Bodies []*ListNode
	Else   *ListNode
}

func (n *IfNode) String() string { return nodeString(n) }
func (n *IfNode) writeTo(b *strings.Builder) {
	for i, c := range n.Conds {
		if i == 0 {
			b.WriteString("#if(")
		} else {
			b.WriteString("#elseif(")
		}
		c.writeTo(b)
		b.WriteString(")")
		n.Bodies[i].writeTo(b)
	}
	if n.Else != nil {
		b.WriteString("#else")
		n.Else.writeTo(b)
	}
	b.WriteString("#end")
}

// ForeachNode is #foreach($var in list)...#end.
type ForeachNode struct {
	Pos
	Var  string
	List Node
	Body *ListNode
}

func (n *ForeachNode) String() string { return nodeString(n) }
func (n *ForeachNode) writeTo(b *strings.Builder) {
	b.WriteString("#foreach($" + n.Var + " in ")
	n.List.writeTo(b)
	b.WriteString(")")
	n.Body.writeTo(b)
	b.WriteString("#end")
}

// BreakNode is #break; StopNode is #stop.
type BreakNode struct{ Pos }

func (n *BreakNode) String() string             { return "#break" }
func (n *BreakNode) writeTo(b *strings.Builder) { b.WriteString("#break") }

// StopNode is #stop: rendering ends, keeping what was written.
type StopNode struct{ Pos }

func (n *StopNode) String() string             { return "#stop" }
func (n *StopNode) writeTo(b *strings.Builder) { b.WriteString("#stop") }

// DefineNode is #define($name)...#end: $name renders the body when printed.
type DefineNode struct {
	Pos
	Name string
	Body *ListNode
}

func (n *DefineNode) String() string { return nodeString(n) }
func (n *DefineNode) writeTo(b *strings.Builder) {
	b.WriteString("#define($" + n.Name + ")")
	n.Body.writeTo(b)
	b.WriteString("#end")
}

// MacroNode is #macro(name $p1 $p2)...#end.
type MacroNode struct {
	Pos
	Name   string
	Params []string
	Body   *ListNode
}

func (n *MacroNode) String() string { return nodeString(n) }
func (n *MacroNode) writeTo(b *strings.Builder) {
	b.WriteString("#macro(" + n.Name)
	for _, p := range n.Params {
		b.WriteString(" $" + p)
	}
	b.WriteString(")")
	n.Body.writeTo(b)
	b.WriteString("#end")
}

// MacroCallNode is #name(args) for a defined macro.
type MacroCallNode struct {
	Pos
	Escape string
	Name   string
	Args   []Node
}

func (n *MacroCallNode) String() string { return nodeString(n) }
func (n *MacroCallNode) writeTo(b *strings.Builder) {
	b.WriteString(n.Escape + "#" + n.Name + "(")
	writeList(b, n.Args, " ")
	b.WriteString(")")
}

// BinaryNode is an infix operation; Op is the canonical symbol ("&&", "==", "+").
type BinaryNode struct {
	Pos
	Op   string
	L, R Node
}

func (n *BinaryNode) String() string { return nodeString(n) }
func (n *BinaryNode) writeTo(b *strings.Builder) {
	b.WriteString("(")
	n.L.writeTo(b)
	b.WriteString(" " + n.Op + " ")
	n.R.writeTo(b)
	b.WriteString(")")
}

// NotNode is !x; NegNode is -x.
type NotNode struct {
	Pos
	X Node
}

func (n *NotNode) String() string { return nodeString(n) }
func (n *NotNode) writeTo(b *strings.Builder) {
	b.WriteString("!")
	n.X.writeTo(b)
}

// NegNode is unary minus.
type NegNode struct {
	Pos
	X Node
}

func (n *NegNode) String() string { return nodeString(n) }
func (n *NegNode) writeTo(b *strings.Builder) {
	b.WriteString("-")
	n.X.writeTo(b)
}

// StringNode is a string literal. Body is set for a double-quoted literal
// containing $ or #, which is rendered as a template when evaluated.
type StringNode struct {
	Pos
	Quoted string // source, quotes included
	Text   string // value without interpolation
	Body   *ListNode
	boxed  any // Text as an interface value, made once rather than per evaluation
}

func (n *StringNode) String() string             { return n.Quoted }
func (n *StringNode) writeTo(b *strings.Builder) { b.WriteString(n.Quoted) }

// NumberNode is an integer or floating-point literal.
type NumberNode struct {
	Pos
	Text    string
	IsFloat bool
	Int     int64
	Float   float64
}

func (n *NumberNode) String() string             { return n.Text }
func (n *NumberNode) writeTo(b *strings.Builder) { b.WriteString(n.Text) }

// BoolNode is true or false.
type BoolNode struct {
	Pos
	Val bool
}

func (n *BoolNode) String() string { return nodeString(n) }
func (n *BoolNode) writeTo(b *strings.Builder) {
	if n.Val {
		b.WriteString("true")
	} else {
		b.WriteString("false")
	}
}

// ListLitNode is [a, b, c].
type ListLitNode struct {
	Pos
	Items []Node
}

func (n *ListLitNode) String() string { return nodeString(n) }
func (n *ListLitNode) writeTo(b *strings.Builder) {
	b.WriteString("[")
	writeList(b, n.Items, ", ")
	b.WriteString("]")
}

// RangeNode is [from..to].
type RangeNode struct {
	Pos
	From, To Node
}

func (n *RangeNode) String() string { return nodeString(n) }
func (n *RangeNode) writeTo(b *strings.Builder) {
	b.WriteString("[")
	n.From.writeTo(b)
	b.WriteString("..")
	n.To.writeTo(b)
	b.WriteString("]")
}

// MapLitNode is {k: v, ...}.
type MapLitNode struct {
	Pos
	Keys, Vals []Node
}

func (n *MapLitNode) String() string { return nodeString(n) }
func (n *MapLitNode) writeTo(b *strings.Builder) {
	b.WriteString("{")
	for i := range n.Keys {
		if i > 0 {
			b.WriteString(", ")
		}
		n.Keys[i].writeTo(b)
		b.WriteString(": ")
		n.Vals[i].writeTo(b)
	}
	b.WriteString("}")
}

func writeList(b *strings.Builder, nodes []Node, sep string) {
	for i, n := range nodes {
		if i > 0 {
			b.WriteString(sep)
		}
		n.writeTo(b)
	}
}
