package vtl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Template is a parsed template. It is immutable, so one Template may be
// executed by many goroutines at once.
type Template struct {
	Name   string
	Root   *ListNode
	src    string
	macros map[string]*MacroNode
}

// Error is a parse or render error at a position in the template.
type Error struct {
	Line, Col int // 1-based; Col counts characters
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// position converts a byte offset to a 1-based line and column.
func position(src string, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	before := src[:off]
	line = 1 + strings.Count(before, "\n")
	col = 1 + utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:])
	return line, col
}

func (t *Template) errorAt(pos Pos, format string, args ...any) *Error {
	line, col := position(t.src, int(pos))
	return &Error{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// parser is a recursive-descent parser over the lexer's items.
type parser struct {
	t         *Template
	lex       *lexer
	peekItems []item
	depth     int
	lastEnd   int // offset just past the last closing bracket consumed by parseArgs or skipGroup
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 200

// Parse parses src. name is used only for the Template's Name.
func Parse(name, src string) (t *Template, err error) {
	t = &Template{Name: name, src: src, macros: map[string]*MacroNode{}}
	p := &parser{t: t}
	p.lex = lex(src, func(n string) bool { _, ok := t.macros[n]; return ok })
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			t, err = nil, pe
		}
	}()
	root, end := p.parseList()
	if end.typ != itemEOF {
		p.failAt(end.pos, "#%s without a matching #if, #foreach, #define or #macro", end.val)
	}
	t.Root = root
	return t, nil
}

// failAt aborts parsing; Parse turns the panic back into an error so the
// productions stay free of error plumbing, as in text/template/parse.
func (p *parser) failAt(pos int, format string, args ...any) {
	panic(p.t.errorAt(Pos(pos), format, args...))
}

func (p *parser) next() item {
	if len(p.peekItems) > 0 {
		it := p.peekItems[len(p.peekItems)-1]
		p.peekItems = p.peekItems[:len(p.peekItems)-1]
		return p.check(it)
	}
	return p.check(p.lex.nextItem())
}

func (p *parser) check(it item) item {
	if it.typ == itemError {
		p.failAt(it.pos, "%s", it.val)
	}
	return it
}

func (p *parser) backup(it item) { p.peekItems = append(p.peekItems, it) }

func (p *parser) peek() item {
	it := p.next()
	p.backup(it)
	return it
}

func (p *parser) expect(typ itemType, what string) item {
	it := p.next()
	if it.typ != typ {
		p.failAt(it.pos, "expected %s, found %s", what, it)
	}
	return it
}

func (p *parser) enter(pos int) {
	p.depth++
	if p.depth > maxDepth {
		p.failAt(pos, "nesting deeper than %d levels", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

// parseList parses nodes until EOF or a block keyword (#end, #else,
// #elseif), which it returns unconsumed-by-the-caller as end.
//
//	list := (text | escape? reference | escape? directive)*
func (p *parser) parseList() (list *ListNode, end item) {
	list = &ListNode{Pos: Pos(p.peek().pos)}
	for {
		it := p.next()
		switch it.typ {
		case itemEOF:
			return list, it
		case itemText:
			list.Nodes = append(list.Nodes, &TextNode{Pos(it.pos), it.val})
		case itemEscape:
			n := p.parseEscaped(it)
			if n != nil {
				list.Nodes = append(list.Nodes, n)
			}
		case itemRef:
			list.Nodes = append(list.Nodes, p.parseRef(it))
		case itemDirective:
			switch it.val {
			case "end", "else", "elseif":
				return list, it
			}
			if n := p.parseDirective(it); n != nil {
				list.Nodes = append(list.Nodes, n)
			}
		default:
			p.failAt(it.pos, "unexpected %s", it)
		}
	}
}

// parseEscaped attaches backslashes to the reference that follows; the
// executor decides what they print, since that depends on whether the
// reference has a value.
func (p *parser) parseEscaped(esc item) Node {
	r := p.parseRef(p.expect(itemRef, "a reference after backslashes"))
	r.Escape = esc.val
	return r
}

// parseRef parses a reference after its opening item.
//
//	ref := ('$' | '$!' | '${' | '$!{') ident ('.' ident ['(' args ')'] | '[' expr ']')* ['}']
func (p *parser) parseRef(open item) *RefNode {
	p.enter(open.pos)
	defer p.leave()
	r := &RefNode{Pos: Pos(open.pos), Quiet: strings.Contains(open.val, "!"), Braced: strings.HasSuffix(open.val, "{")}
	r.Name = p.expect(itemIdent, "a name").val
	end := open.pos + len(open.val) + len(r.Name)
	for {
		it := p.next()
		switch it.typ {
		case itemDot:
			name := p.expect(itemIdent, "a name after '.'")
			part := RefPart{Pos: Pos(name.pos), Name: name.val}
			end = name.pos + len(name.val)
			if nx := p.peek(); nx.typ == itemLParen && nx.pos == end {
				p.next()
				part.Call = true
				part.Args = p.parseArgs(itemRParen)
				end = p.lastEnd
			}
			part.source = p.t.src[it.pos:end]
			r.Parts = append(r.Parts, part)
			continue
		case itemLBracket:
			if it.pos != end {
				break // "$a [1]" in an argument list: a reference, then a list
			}
			idx := p.parseExpr()
			cl := p.expect(itemRBracket, "']'")
			end = cl.pos + 1
			r.Parts = append(r.Parts, RefPart{Pos: Pos(it.pos), Index: idx, source: p.t.src[it.pos:end]})
			continue
		case itemRBrace:
			if r.Braced {
				end = it.pos + 1
				r.Src = p.t.src[open.pos:end]
				return r
			}
		}
		p.backup(it)
		r.Src = p.t.src[open.pos:end]
		return r
	}
}

// parseArgs parses comma-separated expressions up to the closing item,
// recording in lastEnd the offset just past it.
func (p *parser) parseArgs(closer itemType) []Node {
	var args []Node
	if it := p.next(); it.typ == closer {
		p.lastEnd = it.pos + 1
		return args
	} else {
		p.backup(it)
	}
	for {
		args = append(args, p.parseExpr())
		it := p.next()
		switch {
		case it.typ == closer:
			p.lastEnd = it.pos + 1
			return args
		case it.typ == itemComma:
		default:
			p.failAt(it.pos, "expected ',' or closing bracket in argument list, found %s", it)
		}
	}
}

func (p *parser) parseDirective(d item) Node {
	p.enter(d.pos)
	defer p.leave()
	switch d.val {
	case "set":
		return p.parseSet(d)
	case "if":
		return p.parseIf(d)
	case "foreach":
		return p.parseForeach(d)
	case "break":
		return &BreakNode{Pos(d.pos)}
	case "stop":
		return &StopNode{Pos(d.pos)}
	case "define":
		return p.parseDefine(d)
	case "macro":
		return p.parseMacro(d)
	case "parse", "include", "evaluate":
		p.failAt(d.pos, "#%s is not supported in mapping templates", d.val)
	}
	return p.parseMacroCall(d)
}

// set := '#set' '(' ref '=' expr ')'
func (p *parser) parseSet(d item) Node {
	p.expect(itemLParen, "'(' after #set")
	open := p.expect(itemRef, "a reference to assign")
	target := p.parseRef(open)
	if eq := p.next(); eq.typ != itemOp || eq.val != "=" {
		p.failAt(eq.pos, "expected '=' in #set, found %s", eq)
	}
	v := p.parseExpr()
	p.expect(itemRParen, "')' closing #set")
	return &SetNode{Pos: Pos(d.pos), Target: target, Value: v}
}

// if := '#if' '(' expr ')' list ('#elseif' '(' expr ')' list)* ['#else' list] '#end'
func (p *parser) parseIf(d item) Node {
	n := &IfNode{Pos: Pos(d.pos)}
	for {
		p.expect(itemLParen, "'(' after #if")
		n.Conds = append(n.Conds, p.parseExpr())
		p.expect(itemRParen, "')' closing the condition")
		body, end := p.parseList()
		n.Bodies = append(n.Bodies, body)
		switch end.val {
		case "elseif":
			continue
		case "else":
			els, end2 := p.parseList()
			n.Else = els
			if end2.val != "end" {
				p.failAt(end2.pos, "#if at %s has no #end", p.where(d.pos))
			}
		case "end":
		default:
			p.failAt(end.pos, "#if at %s has no #end", p.where(d.pos))
		}
		return n
	}
}

func (p *parser) where(pos int) string {
	line, col := position(p.t.src, pos)
	return fmt.Sprintf("%d:%d", line, col)
}

// foreach := '#foreach' '(' ref 'in' expr ')' list '#end'
func (p *parser) parseForeach(d item) Node {
	p.expect(itemLParen, "'(' after #foreach")
	v := p.parseRef(p.expect(itemRef, "a loop variable"))
	if len(v.Parts) > 0 {
		p.failAt(int(v.Pos), "the #foreach variable must be a plain name, not %s", v.Src)
	}
	if in := p.next(); in.typ != itemIdent || in.val != "in" {
		p.failAt(in.pos, "expected 'in' in #foreach, found %s", in)
	}
	list := p.parseExpr()
	p.expect(itemRParen, "')' closing #foreach")
	body, end := p.parseList()
	if end.val != "end" {
		p.failAt(end.pos, "#foreach at %s has no #end", p.where(d.pos))
	}
	return &ForeachNode{Pos: Pos(d.pos), Var: v.Name, List: list, Body: body}
}

// define := '#define' '(' ref ')' list '#end'
func (p *parser) parseDefine(d item) Node {
	p.expect(itemLParen, "'(' after #define")
	v := p.parseRef(p.expect(itemRef, "a reference to define"))
	p.expect(itemRParen, "')' closing #define")
	body, end := p.parseList()
	if end.val != "end" {
		p.failAt(end.pos, "#define at %s has no #end", p.where(d.pos))
	}
	return &DefineNode{Pos: Pos(d.pos), Name: v.Name, Body: body}
}

// macro := '#macro' '(' ident (','? ref)* ')' list '#end'
func (p *parser) parseMacro(d item) Node {
	p.expect(itemLParen, "'(' after #macro")
	name := p.expect(itemIdent, "the macro's name")
	m := &MacroNode{Pos: Pos(d.pos), Name: name.val}
	for {
		it := p.next()
		switch it.typ {
		case itemComma:
			continue
		case itemRef:
			m.Params = append(m.Params, p.parseRef(it).Name)
			continue
		case itemRParen:
		default:
			p.failAt(it.pos, "expected a parameter or ')' in #macro, found %s", it)
		}
		break
	}
	// Register before the body so the macro may call itself; the executor's
	// depth limit stops runaway recursion.
	p.t.macros[m.Name] = m
	body, end := p.parseList()
	if end.val != "end" {
		p.failAt(end.pos, "#macro at %s has no #end", p.where(d.pos))
	}
	m.Body = body
	return m
}

// call := '#' name ['(' (expr (','? expr)*)? ')']
func (p *parser) parseMacroCall(d item) Node {
	n := &MacroCallNode{Pos: Pos(d.pos), Name: d.val}
	if p.peek().typ != itemLParen {
		return n
	}
	p.next()
	for {
		it := p.next()
		switch it.typ {
		case itemRParen:
			return n
		case itemComma:
			continue
		}
		p.backup(it)
		n.Args = append(n.Args, p.parseExpr())
	}
}

// Expressions, loosest binding first:
//
//	expr  := and (('||' | 'or') and)*
//	and   := eq (('&&' | 'and') eq)*
//	eq    := rel (('==' | '!=' | 'eq' | 'ne') rel)*
//	rel   := add (('<' | '<=' | '>' | '>=' | 'lt' | 'le' | 'gt' | 'ge') add)*
//	add   := mul (('+' | '-') mul)*
//	mul   := unary (('*' | '/' | '%') unary)*
//	unary := ('!' | 'not' | '-') unary | primary
var wordOps = map[string]string{"or": "||", "and": "&&", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "not": "!"}

var levels = [][]string{{"||"}, {"&&"}, {"==", "!="}, {"<", "<=", ">", ">="}, {"+", "-"}, {"*", "/", "%"}}

func (p *parser) parseExpr() Node {
	it := p.peek()
	p.enter(it.pos)
	defer p.leave()
	return p.parseLevel(0)
}

// opAt returns the canonical operator of it, or "".
func opOf(it item) string {
	switch it.typ {
	case itemOp:
		return it.val
	case itemIdent:
		return wordOps[it.val]
	}
	return ""
}

func (p *parser) parseLevel(level int) Node {
	if level == len(levels) {
		return p.parseUnary()
	}
	left := p.parseLevel(level + 1)
	for {
		it := p.next()
		op := opOf(it)
		found := false
		for _, o := range levels[level] {
			found = found || o == op
		}
		if !found {
			p.backup(it)
			return left
		}
		right := p.parseLevel(level + 1)
		left = &BinaryNode{Pos: Pos(it.pos), Op: op, L: left, R: right}
	}
}

func (p *parser) parseUnary() Node {
	it := p.next()
	switch opOf(it) {
	case "!":
		p.enter(it.pos)
		defer p.leave()
		return &NotNode{Pos(it.pos), p.parseUnary()}
	case "-":
		p.enter(it.pos)
		defer p.leave()
		x := p.parseUnary()
		if num, ok := x.(*NumberNode); ok && !strings.HasPrefix(num.Text, "-") {
			num.Text, num.Int, num.Float, num.Pos = "-"+num.Text, -num.Int, -num.Float, Pos(it.pos)
			return num
		}
		return &NegNode{Pos(it.pos), x}
	}
	p.backup(it)
	return p.parsePrimary()
}

// primary := ref | string | number | 'true' | 'false' | '(' expr ')'
//
//	| '[' ']' | '[' expr '..' expr ']' | '[' expr (',' expr)* ']'
//	| '{' (expr ':' expr (',' expr ':' expr)*)? '}'
func (p *parser) parsePrimary() Node {
	it := p.next()
	switch it.typ {
	case itemRef:
		return p.parseRef(it)
	case itemString:
		return p.parseString(it)
	case itemInt:
		v, err := strconv.ParseInt(it.val, 10, 64)
		if err != nil {
			p.failAt(it.pos, "integer %s is out of range", it.val)
		}
		return &NumberNode{Pos: Pos(it.pos), Text: it.val, Int: v}
	case itemFloat:
		v, err := strconv.ParseFloat(it.val, 64)
		if err != nil {
			p.failAt(it.pos, "bad number %s", it.val)
		}
		return &NumberNode{Pos: Pos(it.pos), Text: it.val, IsFloat: true, Float: v}
	case itemIdent:
		switch it.val {
		case "true", "false":
			return &BoolNode{Pos(it.pos), it.val == "true"}
		}
		p.failAt(it.pos, "unexpected word %q in expression (references start with $)", it.val)
	case itemLParen:
		x := p.parseExpr()
		p.expect(itemRParen, "')'")
		return x
	case itemLBracket:
		return p.parseListLit(it)
	case itemLBrace:
		return p.parseMapLit(it)
	}
	p.failAt(it.pos, "expected a value, found %s", it)
	return nil
}

func (p *parser) parseListLit(open item) Node {
	if it := p.next(); it.typ == itemRBracket {
		return &ListLitNode{Pos: Pos(open.pos)}
	} else {
		p.backup(it)
	}
	first := p.parseExpr()
	if it := p.next(); it.typ == itemRange {
		to := p.parseExpr()
		p.expect(itemRBracket, "']' closing the range")
		return &RangeNode{Pos: Pos(open.pos), From: first, To: to}
	} else {
		p.backup(it)
	}
	n := &ListLitNode{Pos: Pos(open.pos), Items: []Node{first}}
	for {
		it := p.next()
		switch it.typ {
		case itemRBracket:
			return n
		case itemComma:
			n.Items = append(n.Items, p.parseExpr())
		default:
			p.failAt(it.pos, "expected ',' or ']' in list, found %s", it)
		}
	}
}

func (p *parser) parseMapLit(open item) Node {
	n := &MapLitNode{Pos: Pos(open.pos)}
	if it := p.next(); it.typ == itemRBrace {
		return n
	} else {
		p.backup(it)
	}
	for {
		k := p.parseExpr()
		p.expect(itemColon, "':' in map")
		n.Keys = append(n.Keys, k)
		n.Vals = append(n.Vals, p.parseExpr())
		it := p.next()
		switch it.typ {
		case itemRBrace:
			return n
		case itemComma:
		default:
			p.failAt(it.pos, "expected ',' or '}' in map, found %s", it)
		}
	}
}

// parseString unquotes a literal; a double-quoted one containing $ or # is
// parsed as a nested template, positioned inside the outer source.
func (p *parser) parseString(it item) Node {
	q := it.val[:1]
	inner := it.val[1 : len(it.val)-1]
	text := strings.ReplaceAll(inner, q+q, q)
	n := &StringNode{Pos: Pos(it.pos), Quoted: it.val, Text: text, boxed: text}
	if q == `"` && strings.ContainsAny(text, "$#") {
		sub, err := Parse(p.t.Name, text)
		if err != nil {
			// Report inside the outer template: line and column of the literal.
			e := err.(*Error)
			p.failAt(it.pos, "in string literal: %s", e.Msg)
		}
		for name, m := range sub.macros {
			if _, ok := p.t.macros[name]; !ok {
				p.t.macros[name] = m
			}
		}
		n.Body = sub.Root
	}
	return n
}
