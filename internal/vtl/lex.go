package vtl

import (
	"fmt"
	"strings"
)

// item is one token of a template.
type item struct {
	typ itemType
	pos int // byte offset of the token in the source
	val string
}

func (i item) String() string {
	switch i.typ {
	case itemEOF:
		return "end of template"
	case itemError:
		return i.val
	}
	return fmt.Sprintf("%q", i.val)
}

type itemType int

const (
	itemError     itemType = iota // val holds the message
	itemEOF                       //
	itemText                      // literal output
	itemEscape                    // backslashes directly before a reference or directive
	itemRef                       // "$", "$!", "${" or "$!{" opening a reference
	itemIdent                     // name of a reference, property, method or word operator
	itemDot                       // "." between reference parts
	itemLParen                    // (
	itemRParen                    // )
	itemLBracket                  // [
	itemRBracket                  // ]
	itemLBrace                    // {
	itemRBrace                    // }
	itemComma                     // ,
	itemColon                     // :
	itemRange                     // ..
	itemString                    // quoted string literal, quotes included
	itemInt                       // integer literal
	itemFloat                     // floating-point literal
	itemOp                        // operator, including "="
	itemDirective                 // #name or #{name}; val is the name
)

// Velocity's own directives; any other #name is a macro call when a macro
// of that name is defined, and plain text otherwise.
var directives = map[string]bool{
	"set": true, "if": true, "elseif": true, "else": true, "end": true,
	"foreach": true, "break": true, "stop": true, "define": true, "macro": true,
	"parse": true, "include": true, "evaluate": true,
}

// noArgDirectives take no parenthesised arguments.
var noArgDirectives = map[string]bool{"else": true, "end": true, "break": true, "stop": true}

type stateFn func(*lexer) stateFn

type frameKind int

const (
	frameRef  frameKind = iota // inside $a.b...
	frameExpr                  // inside (...), [...] or {...}
)

// frame is one open construct; the lexer returns to the one below when it closes.
type frame struct {
	kind      frameKind
	closer    byte // for frameExpr: the byte that closes it
	braced    bool // for frameRef: ${...}
	directive bool // for frameExpr: the argument list of a directive
}

// lexer turns a template into items. It is driven synchronously by
// nextItem, which runs state functions until one emits an item, as in
// text/template/parse.
type lexer struct {
	input   string
	start   int
	pos     int
	state   stateFn
	items   []item // emitted but not yet returned by nextItem
	stack   []frame
	isMacro func(string) bool // reports macros defined so far by the parser
	// afterProp is set while a reference's last part is a .property, where
	// Velocity 1.7 does not recognise a following ## as a comment.
	afterProp bool
	refEnd    int  // offset just past the last reference that ended in text
	refBraced bool // whether that reference was ${...}
}

func lex(input string, isMacro func(string) bool) *lexer {
	l := &lexer{input: input, isMacro: isMacro, refEnd: -1}
	l.state = lexText
	return l
}

func (l *lexer) nextItem() item {
	for len(l.items) == 0 {
		if l.state == nil {
			return item{itemEOF, len(l.input), ""}
		}
		l.state = l.state(l)
	}
	it := l.items[0]
	l.items = l.items[1:]
	return it
}

func (l *lexer) emit(t itemType) {
	l.items = append(l.items, item{t, l.start, l.input[l.start:l.pos]})
	l.start = l.pos
}

func (l *lexer) emitVal(t itemType, val string) {
	l.items = append(l.items, item{t, l.start, val})
	l.start = l.pos
}

func (l *lexer) ignore() { l.start = l.pos }

func (l *lexer) errorf(pos int, format string, args ...any) stateFn {
	l.items = append(l.items, item{itemError, pos, fmt.Sprintf(format, args...)})
	return nil
}

func (l *lexer) at(off int) byte {
	if l.pos+off < len(l.input) {
		return l.input[l.pos+off]
	}
	return 0
}

func (l *lexer) push(f frame) { l.stack = append(l.stack, f) }

func (l *lexer) top() *frame {
	if len(l.stack) == 0 {
		return nil
	}
	return &l.stack[len(l.stack)-1]
}

// resume returns the state of the construct now on top of the stack.
func (l *lexer) resume() stateFn {
	f := l.top()
	switch {
	case f == nil:
		return lexText
	case f.kind == frameRef:
		return lexRefTail
	default:
		return lexExpr
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool { return isLetter(c) || c == '_' }

// isIdentChar follows Velocity 1.7, which allows '-' inside names ($a-b is one reference).
func isIdentChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '-' }

// refStartLen reports the length of the "$", "$!", "${" or "$!{" prefix at
// off when a reference really starts there, else 0.
func refStartLen(s string, off int) int {
	i := off + 1
	if i < len(s) && s[i] == '!' {
		i++
	}
	if i < len(s) && s[i] == '{' {
		i++
	}
	if i < len(s) && isIdentStart(s[i]) {
		return i - off
	}
	return 0
}

// directiveAt reports the name of the directive starting with '#' at off
// and the length of "#name" or "#{name}", or "" when none starts there.
func (l *lexer) directiveAt(off int) (string, int) {
	s := l.input
	i := off + 1
	braced := i < len(s) && s[i] == '{'
	if braced {
		i++
	}
	j := i
	for j < len(s) && (isLetter(s[j]) || isDigit(s[j]) || s[j] == '_') {
		j++
	}
	if j == i || !isLetter(s[i]) {
		return "", 0
	}
	name := s[i:j]
	if braced {
		if j >= len(s) || s[j] != '}' {
			return "", 0
		}
		j++
	}
	if !directives[name] && (l.isMacro == nil || !l.isMacro(name)) {
		return "", 0
	}
	return name, j - off
}

// lexText scans literal text up to the next reference, directive, comment
// or escape.
func lexText(l *lexer) stateFn {
	for l.pos < len(l.input) {
		switch c := l.input[l.pos]; c {
		case '$':
			if n := refStartLen(l.input, l.pos); n > 0 {
				l.flushText()
				return lexRef
			}
		case '\\':
			end := l.pos
			for end < len(l.input) && l.input[end] == '\\' {
				end++
			}
			// After a literal '#', Velocity 1.7 keeps backslashes as text.
			afterHash := l.pos > l.start && l.input[l.pos-1] == '#'
			if !afterHash && end < len(l.input) && l.input[end] == '$' && refStartLen(l.input, end) > 0 {
				l.flushText()
				l.pos = end
				l.emit(itemEscape)
				return lexText
			}
			if _, n := l.directiveAt(end); !afterHash && end < len(l.input) && l.input[end] == '#' && n > 0 {
				// Half the backslashes print; an odd one out turns the
				// directive's name into text, an even count lets it run.
				l.flushText()
				count := end - l.pos
				text := strings.Repeat(`\`, count/2)
				if name, _ := l.directiveAt(end); name == "set" && count%2 == 0 {
					// #set is a token of its own in Velocity 1.7: an even run
					// of backslashes before it stays text.
					text = l.input[l.pos:end]
				}
				l.pos = end
				if count%2 == 1 {
					text += l.input[end : end+n]
					l.pos = end + n
				}
				l.emitVal(itemText, text)
				return lexText
			}
			l.pos = end
			continue
		case '#':
			switch l.at(1) {
			case '#':
				l.flushText()
				return lexLineComment
			case '*':
				l.flushText()
				return lexBlockComment
			case '[':
				if l.at(2) == '[' {
					l.flushText()
					return lexUnparsed
				}
			}
			if name, n := l.directiveAt(l.pos); n > 0 {
				if name == "set" {
					l.gobbleBeforeSet()
				}
				l.flushText()
				return lexDirective
			}
		}
		l.pos++
	}
	l.flushText()
	l.emit(itemEOF)
	return nil
}

// gobbleBeforeSet drops the blanks before #set the way Velocity 1.7's
// lexer does: when they alone separate #set from the previous token (or
// the template's start), or follow a word holding a literal '#' or '$'
// or '\\' (which Velocity lexes as a token of its own; a lone '#' goes too).
func (l *lexer) gobbleBeforeSet() {
	run := l.input[l.start:l.pos]
	pre := strings.TrimRight(run, " \t")
	if pre == "" {
		l.ignore()
		return
	}
	if len(pre) == len(run) {
		return
	}
	word := pre[strings.LastIndexAny(pre, " \t\r\n")+1:]
	// So is a '}' or a word glued to the end of an unbraced reference.
	closer := l.start == l.refEnd && !l.refBraced && (pre == "}" || isWord(pre))
	special := strings.ContainsAny(word, "#$") && !strings.HasSuffix(word, "#{") || strings.HasSuffix(word, "\\")
	if !closer && !special {
		return
	}
	if strings.HasSuffix(pre, "#") {
		pre = pre[:len(pre)-1]
	}
	end := l.pos
	l.pos = l.start + len(pre)
	l.flushText()
	l.pos = end
	l.ignore()
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '_' {
			return false
		}
	}
	return s != ""
}

func (l *lexer) flushText() {
	if l.pos > l.start {
		l.emit(itemText)
	}
}

func lexLineComment(l *lexer) stateFn {
	i := strings.IndexByte(l.input[l.pos:], '\n')
	if i < 0 {
		l.pos = len(l.input)
	} else {
		l.pos += i + 1
	}
	l.ignore()
	return lexText
}

func lexBlockComment(l *lexer) stateFn {
	i := strings.Index(l.input[l.pos+2:], "*#")
	if i < 0 {
		return l.errorf(l.pos, "unterminated comment: #* has no closing *#")
	}
	l.pos += 2 + i + 2
	l.ignore()
	return lexText
}

func lexUnparsed(l *lexer) stateFn {
	i := strings.Index(l.input[l.pos+3:], "]]#")
	if i < 0 {
		return l.errorf(l.pos, "unterminated unparsed block: #[[ has no closing ]]#")
	}
	text := l.input[l.pos+3 : l.pos+3+i]
	l.pos += 3 + i + 3
	if text != "" {
		l.emitVal(itemText, text)
	}
	l.ignore()
	return lexText
}

func lexDirective(l *lexer) stateFn {
	name, n := l.directiveAt(l.pos)
	l.pos += n
	l.emitVal(itemDirective, name)
	if noArgDirectives[name] {
		l.eatLineEnd()
		return lexText
	}
	// Velocity allows blanks between the name and its arguments.
	p := l.pos
	for p < len(l.input) && (l.input[p] == ' ' || l.input[p] == '\t') {
		p++
	}
	if p < len(l.input) && l.input[p] == '(' {
		l.pos = p
		l.ignore()
		l.pos++
		l.emit(itemLParen)
		l.push(frame{kind: frameExpr, closer: ')', directive: true})
		return lexExpr
	}
	if directives[name] {
		return l.errorf(l.pos, "#%s needs its arguments in parentheses", name)
	}
	return lexText // a macro called without arguments
}

// eatLineEnd drops blanks and one line break after a directive, as Velocity
// 1.7 does, so that a directive alone on its line leaves no empty line.
func (l *lexer) eatLineEnd() {
	p := l.pos
	for p < len(l.input) && (l.input[p] == ' ' || l.input[p] == '\t') {
		p++
	}
	switch {
	case strings.HasPrefix(l.input[p:], "\r\n"):
		p += 2
	case p < len(l.input) && (l.input[p] == '\n' || l.input[p] == '\r'):
		p++
	default:
		return
	}
	l.pos = p
	l.ignore()
}

func lexRef(l *lexer) stateFn {
	n := refStartLen(l.input, l.pos)
	l.pos += n
	l.emit(itemRef)
	l.push(frame{kind: frameRef, braced: strings.HasSuffix(l.input[l.start-n:l.start], "{")})
	l.lexIdent()
	return lexRefTail
}

func (l *lexer) lexIdent() {
	for l.pos < len(l.input) && isIdentChar(l.input[l.pos]) {
		l.pos++
	}
	l.emit(itemIdent)
}

// lexRefTail scans what follows a reference's name: .property, .method(...),
// [index], and the closing brace of ${...}.
func lexRefTail(l *lexer) stateFn {
	f := l.top()
	switch c := l.at(0); {
	case c == '.' && isIdentStart(l.at(1)):
		l.pos++
		l.emit(itemDot)
		l.lexIdent()
		l.afterProp = true
		if l.at(0) == '(' {
			l.afterProp = false
			l.pos++
			l.emit(itemLParen)
			l.push(frame{kind: frameExpr, closer: ')'})
			return lexExpr
		}
		return lexRefTail
	case c == '[':
		l.afterProp = false
		l.pos++
		l.emit(itemLBracket)
		l.push(frame{kind: frameExpr, closer: ']'})
		return lexExpr
	case f.braced:
		if c != '}' {
			return l.errorf(l.pos, "reference opened with ${ is not closed by }")
		}
		l.pos++
		l.emit(itemRBrace)
	}
	l.stack = l.stack[:len(l.stack)-1]
	if l.afterProp && !f.braced && len(l.stack) == 0 && strings.HasPrefix(l.input[l.pos:], "##") {
		// $a.b## is text up to the line's end in Velocity 1.7, not a comment.
		l.pos += 2
		l.afterProp = false
		return lexText
	}
	l.afterProp = false
	if len(l.stack) == 0 {
		l.refEnd, l.refBraced = l.pos, f.braced
	}
	return l.resume()
}

// lexExpr scans the inside of directive arguments, method arguments,
// indexes and list and map literals.
func lexExpr(l *lexer) stateFn {
	for l.pos < len(l.input) && strings.IndexByte(" \t\r\n", l.input[l.pos]) >= 0 {
		l.pos++
	}
	l.ignore()
	if l.pos >= len(l.input) {
		return l.errorf(l.pos, "unexpected end of template: missing %q", string(l.top().closer))
	}
	c := l.input[l.pos]
	switch {
	case c == '$':
		if refStartLen(l.input, l.pos) == 0 {
			return l.errorf(l.pos, "a $ must start a reference here")
		}
		return lexRef
	case c == '"' || c == '\'':
		return lexString
	case isDigit(c):
		return lexNumber
	case isLetter(c):
		for l.pos < len(l.input) && (isLetter(l.input[l.pos]) || isDigit(l.input[l.pos]) || l.input[l.pos] == '_') {
			l.pos++
		}
		l.emit(itemIdent)
		return lexExpr
	case c == '(' || c == '[' || c == '{':
		l.pos++
		l.emit(map[byte]itemType{'(': itemLParen, '[': itemLBracket, '{': itemLBrace}[c])
		l.push(frame{kind: frameExpr, closer: map[byte]byte{'(': ')', '[': ']', '{': '}'}[c]})
		return lexExpr
	case c == ')' || c == ']' || c == '}':
		f := l.top()
		if c != f.closer {
			return l.errorf(l.pos, "unexpected %q: expected %q", string(c), string(f.closer))
		}
		l.pos++
		l.emit(map[byte]itemType{')': itemRParen, ']': itemRBracket, '}': itemRBrace}[c])
		l.stack = l.stack[:len(l.stack)-1]
		l.afterProp = false // a call or index now ends the enclosing reference
		if f.directive {
			l.eatLineEnd()
			return lexText
		}
		return l.resume()
	case c == ',':
		l.pos++
		l.emit(itemComma)
	case c == ':':
		l.pos++
		l.emit(itemColon)
	case c == '.' && l.at(1) == '.':
		l.pos += 2
		l.emit(itemRange)
	default:
		for _, op := range []string{"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "="} {
			if strings.HasPrefix(l.input[l.pos:], op) {
				l.pos += len(op)
				l.emit(itemOp)
				return lexExpr
			}
		}
		return l.errorf(l.pos, "unexpected character %q", string(c))
	}
	return lexExpr
}

// lexString scans a quoted literal; a doubled quote stands for one quote,
// and there are no backslash escapes, as in Velocity 1.7.
func lexString(l *lexer) stateFn {
	q := l.input[l.pos]
	p := l.pos + 1
	for {
		i := strings.IndexByte(l.input[p:], q)
		if i < 0 {
			return l.errorf(l.pos, "unterminated string literal")
		}
		p += i + 1
		if p < len(l.input) && l.input[p] == q {
			p++
			continue
		}
		break
	}
	l.pos = p
	l.emit(itemString)
	return lexExpr
}

func lexNumber(l *lexer) stateFn {
	typ := itemInt
	for isDigit(l.at(0)) {
		l.pos++
	}
	if l.at(0) == '.' && isDigit(l.at(1)) {
		typ = itemFloat
		l.pos++
		for isDigit(l.at(0)) {
			l.pos++
		}
	}
	if c := l.at(0); c == 'e' || c == 'E' {
		p := 1
		if s := l.at(1); s == '+' || s == '-' {
			p = 2
		}
		if isDigit(l.at(p)) {
			typ = itemFloat
			l.pos += p
			for isDigit(l.at(0)) {
				l.pos++
			}
		}
	}
	if isLetter(l.at(0)) {
		return l.errorf(l.start, "bad number %q", l.input[l.start:l.pos+1])
	}
	l.emit(typ)
	return lexExpr
}
