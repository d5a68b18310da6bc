package vtl

import (
	"strings"
	"testing"
)

func TestParseTree(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"text and refs", "a $b ${c.d} $!e[1]", "a $b ${c.d} $!e[1]"},
		{"precedence", "#set($x = 1 + 2 * 3 - 4)", "#set($x = ((1 + (2 * 3)) - 4))"},
		{"logic", "#if($a || $b && !$c == 1)x#end", "#if(($a || ($b && (!$c == 1))))x#end"},
		{"word ops", "#if($a and $b or not $c)x#end", "#if((($a && $b) || !$c))x#end"},
		{"comparisons", "#if($a lt 1 && $b ge 2 && $c ne 3)x#end", "#if(((($a < 1) && ($b >= 2)) && ($c != 3)))x#end"},
		{"negative literal", "#set($x = -3)", "#set($x = -3)"},
		{"negation", "#set($x = -$y)", "#set($x = -$y)"},
		{"parens", "#set($x = (1 + 2) * 3)", "#set($x = ((1 + 2) * 3))"},
		{"if chain", "#if($a)1#elseif($b)2#else3#end", "#if($a)1#elseif($b)2#else3#end"},
		{"foreach", "#foreach($i in [1..$n])$i#end", "#foreach($i in [1..$n])$i#end"},
		{"literals", `#set($m = {"k": [1, 'two', 3.5, true]})`, `#set($m = {"k": [1, 'two', 3.5, true]})`},
		{"method args", `$a.b($c, "d", 1).e`, `$a.b($c, "d", 1).e`},
		{"define and macro", "#define($d)x#end#macro(m $p $q)[$p]#end#m(1 2)", "#define($d)x#end#macro(m $p $q)[$p]#end#m(1 2)"},
		{"break stop", "#foreach($i in $l)#break#end#stop", "#foreach($i in $l)#break#end#stop"},
		{"set on property", "#set($a.b[0] = 1)", "#set($a.b[0] = 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := Parse(tc.name, tc.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.src, err)
			}
			if got := tmpl.Root.String(); got != tc.want {
				t.Errorf("Parse(%q).String()\n got: %s\nwant: %s", tc.src, got, tc.want)
			}
			// The printed tree parses back to the same tree.
			again, err := Parse(tc.name, tc.want)
			if err != nil {
				t.Fatalf("reparse %q: %v", tc.want, err)
			}
			if got := again.Root.String(); got != tc.want {
				t.Errorf("reparse changed the tree: %s", got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no end", "#if(true)\nx", "2:2: #if at 1:1 has no #end"},
		{"stray end", "a\n#end", "2:1: #end without a matching #if, #foreach, #define or #macro"},
		{"stray else", "#else", "1:1: #else without a matching #if, #foreach, #define or #macro"},
		{"foreach without in", "#foreach($i of $l)#end", "1:13: expected 'in' in #foreach, found \"of\""},
		{"foreach var with parts", "#foreach($i.x in $l)#end", "1:10: the #foreach variable must be a plain name, not $i.x"},
		{"set without equals", "#set($a 1)", "1:9: expected '=' in #set, found \"1\""},
		{"set of literal", "#set(1 = 2)", "1:6: expected a reference to assign, found \"1\""},
		{"bare word", "#if(foo)#end", "1:5: unexpected word \"foo\" in expression (references start with $)"},
		{"unsupported", "#parse('x.vm')", "1:1: #parse is not supported in mapping templates"},
		{"bad list", "#set($a = [1 2])", "1:14: expected ',' or ']' in list, found \"2\""},
		{"bad map", "#set($a = {1})", "1:13: expected ':' in map, found \"}\""},
		{"column counts characters", "é #if(", "1:7: unexpected end of template: missing \")\""},
		{"in string literal", `#set($a = "#if(")`, "1:11: in string literal: unexpected end of template: missing \")\""},
		{"too deep", "#set($a = " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300) + ")", "nesting deeper than 200 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.name, tc.src)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error %q", tc.src, tc.want)
			}
			got := err.Error()
			if tc.name == "too deep" {
				if !strings.Contains(got, tc.want) {
					t.Errorf("error %q does not mention %q", got, tc.want)
				}
				return
			}
			if got != tc.want {
				t.Errorf("Parse(%q) error\n got: %s\nwant: %s", tc.src, got, tc.want)
			}
		})
	}
}
