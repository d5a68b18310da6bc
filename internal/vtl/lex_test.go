package vtl

import (
	"fmt"
	"strings"
	"testing"
)

var itemNames = map[itemType]string{
	itemError: "error", itemEOF: "EOF", itemText: "text", itemEscape: "esc", itemRef: "ref",
	itemIdent: "id", itemDot: ".", itemLParen: "(", itemRParen: ")", itemLBracket: "[",
	itemRBracket: "]", itemLBrace: "{", itemRBrace: "}", itemComma: ",", itemColon: ":",
	itemRange: "..", itemString: "str", itemInt: "int", itemFloat: "float", itemOp: "op",
	itemDirective: "#",
}

// lexAll renders the item stream as "type:value" words, so cases read as text.
func lexAll(src string, macros ...string) string {
	l := lex(src, func(n string) bool {
		for _, m := range macros {
			if m == n {
				return true
			}
		}
		return false
	})
	var out []string
	for {
		it := l.nextItem()
		out = append(out, fmt.Sprintf("%s:%s", itemNames[it.typ], it.val))
		if it.typ == itemEOF || it.typ == itemError {
			return strings.Join(out, " ")
		}
	}
}

func TestLex(t *testing.T) {
	tests := []struct {
		name, src, want string
		macros          []string
	}{
		{"text", "hello", "text:hello EOF:", nil},
		{"empty", "", "EOF:", nil},
		{"dollar alone", "5$ and $.x and $!", "text:5$ and $.x and $! EOF:", nil},
		{"refs", "$a ${b} $!c $!{d}", "ref:$ id:a text:  ref:${ id:b }:} text:  ref:$! id:c text:  ref:$!{ id:d }:} EOF:", nil},
		{"dashed name", "$a-b.c-d", "ref:$ id:a-b .:. id:c-d EOF:", nil},
		{"trailing dot", "$a.", "ref:$ id:a text:. EOF:", nil},
		{"method", "$a.b(1, 'x')", "ref:$ id:a .:. id:b (:( int:1 ,:, str:'x' ):) EOF:", nil},
		{"property then paren", "$a.b (x)", "ref:$ id:a .:. id:b text: (x) EOF:", nil},
		{"index", "$a[0]['k']", "ref:$ id:a [:[ int:0 ]:] [:[ str:'k' ]:] EOF:", nil},
		{"set gobbles", "  #set($a = 1)\nx", "#:set (:( ref:$ id:a op:= int:1 ):) text:x EOF:", nil},
		{"set after text keeps", "a\n  #set($a=1)", "text:a\n   #:set (:( ref:$ id:a op:= int:1 ):) EOF:", nil},
		{"if eats line end", "#if(true)  \nx#end\ny", "#:if (:( id:true ):) text:x #:end text:y EOF:", nil},
		{"braced directive", "#{if}(true)a#{else}b#{end}", "#:if (:( id:true ):) text:a #:else text:b #:end EOF:", nil},
		{"unknown directive is text", "#foo #1 #", "text:#foo #1 # EOF:", nil},
		{"macro call", "#foo(1 2)", "#:foo (:( int:1 int:2 ):) EOF:", []string{"foo"}},
		{"comments", "a## x\nb#* y *#c", "text:a text:b text:c EOF:", nil},
		{"unparsed", "#[[$x #if]]#", "text:$x #if EOF:", nil},
		{"escapes", `\$a \\$a \#if \\#end`, `esc:\ ref:$ id:a text:  esc:\\ ref:$ id:a text:  text:#if text:  text:\ #:end EOF:`, nil},
		{"lone backslash", `a\b`, `text:a\b EOF:`, nil},
		{"operators", "#if($a==1&&!$b||$c>=2.5)", "#:if (:( ref:$ id:a op:== int:1 op:&& op:! ref:$ id:b op:|| ref:$ id:c op:>= float:2.5 ):) EOF:", nil},
		{"word operators", "#if($a eq 1 and not $b)", "#:if (:( ref:$ id:a id:eq int:1 id:and id:not ref:$ id:b ):) EOF:", nil},
		{"range and map", "#set($r = [1..$n])#set($m = {'a': [1]})", "#:set (:( ref:$ id:r op:= [:[ int:1 ..:.. ref:$ id:n ]:] ):) #:set (:( ref:$ id:m op:= {:{ str:'a' ::: [:[ int:1 ]:] }:} ):) EOF:", nil},
		{"doubled quotes", `#set($s = "a""b")`, `#:set (:( ref:$ id:s op:= str:"a""b" ):) EOF:`, nil},
		{"exponent", "#set($f = 1e3)", "#:set (:( ref:$ id:f op:= float:1e3 ):) EOF:", nil},
		{"unterminated string", `#set($s = "abc)`, "#:set (:( ref:$ id:s op:= error:unterminated string literal", nil},
		{"unterminated comment", "#* open", "error:unterminated comment: #* has no closing *#", nil},
		{"unclosed paren", "#if(true", "#:if (:( id:true error:unexpected end of template: missing \")\"", nil},
		{"mismatched bracket", "$a[1)", "ref:$ id:a [:[ int:1 error:unexpected \")\": expected \"]\"", nil},
		{"unclosed formal", "${a b", "ref:${ id:a error:reference opened with ${ is not closed by }", nil},
		{"directive without args", "#if x", "#:if error:#if needs its arguments in parentheses", nil},
		{"bad number", "#set($a = 1x)", "#:set (:( ref:$ id:a op:= error:bad number \"1x\"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lexAll(tc.src, tc.macros...); got != tc.want {
				t.Errorf("lex(%q)\n got: %s\nwant: %s", tc.src, got, tc.want)
			}
		})
	}
}
