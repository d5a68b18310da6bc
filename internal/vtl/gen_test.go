package vtl

import (
	"fmt"
	"math/rand"
	"strings"
)

// templateGen writes random but well-formed templates from the language's
// constructs. The differential test renders them with both engines, so
// whitespace, truthiness and arithmetic corners get checked without
// anyone having to think of them.
type templateGen struct{ r *rand.Rand }

var (
	// keySet(), values() and entrySet() are left out: Java returns live
	// views of the map, which ferry copies (see the package comment).
	genAtoms = []string{
		"$a", "$b", "$l", "$m", "$s", "$n", "$f", "$!x", "${a}", "$l[0]", "$m.k", `$m["k"]`,
		"$s.length()", "$s.substring(1)", "$l.size()", "$m.size()", "$x", "$a.foo", `"str $a"`,
		"'lit $a'", "1", "2.5", "-3", "true", "false", "[1, 2]", `{"q": 1}`, "[1..3]",
		`$s.replace("l", "L")`, `$s.indexOf("l")`, "$m.isEmpty()", `"#if($b > 1)big#{else}small#end"`,
	}
	genOps    = []string{"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "and", "or"}
	genSpaces = []string{"", " ", "\n", "  ", "\t", " \n", "\n  ", "\r\n"}
	genText   = []string{"text", `{"k": "v"}`, "a,b", "$ 5", "#", "##x\n", "x#y", "50%", `\`, `\\`, "$.", "#{", "}"}
)

func (g templateGen) pick(xs []string) string { return xs[g.r.Intn(len(xs))] }

func (g templateGen) expr(depth int) string {
	r := g.r.Float64()
	switch {
	case depth > 2 || r < 0.5:
		return g.pick(genAtoms)
	case r < 0.8:
		return g.expr(depth+1) + " " + g.pick(genOps) + " " + g.expr(depth+1)
	case r < 0.9:
		return "!" + g.expr(depth+1)
	}
	return "(" + g.expr(depth+1) + ")"
}

func (g templateGen) block(depth int) string {
	var b strings.Builder
	for n := 1 + g.r.Intn(4); n > 0; n-- {
		w := g.pick(genSpaces)
		switch r := g.r.Float64(); {
		case r < 0.22:
			b.WriteString(w + g.pick(genAtoms[:19]) + g.pick(genSpaces))
		case r < 0.37:
			fmt.Fprintf(&b, "%s#set($%c = %s)%s", w, "abxyz"[g.r.Intn(5)], g.expr(0), g.pick(genSpaces))
		case r < 0.52 && depth < 2:
			alt := []string{"", "#else" + g.pick(genSpaces) + g.block(depth+1), "#elseif(" + g.expr(0) + ")" + g.block(depth+1)}
			fmt.Fprintf(&b, "%s#if(%s)%s%s%s#end%s", w, g.expr(0), g.pick(genSpaces), g.block(depth+1), g.pick(alt), g.pick(genSpaces))
		case r < 0.67 && depth < 2:
			list := g.pick([]string{"$l", "[1..3]", "$m", `["p", "q"]`, "$nope"})
			tail := g.pick([]string{"", "$foreach.hasNext", "$velocityCount", "$foreach.index", "#if($foreach.count == 2)#break#end"})
			fmt.Fprintf(&b, "%s#foreach($i in %s)%s%s%s#end%s", w, list, g.pick(genSpaces), g.block(depth+1), tail, g.pick(genSpaces))
		case r < 0.70:
			b.WriteString(w + g.pick([]string{
				"#macro(mm $p $q)<$p|$q>#end#mm($a " + g.pick(genAtoms) + ")",
				"#define($dd)[$a $b]#end$dd#set($a = 'z')$dd",
				"#set($m.new = " + g.pick(genAtoms[:12]) + ")$m",
				"#set($l[1] = " + g.pick(genAtoms) + ")$l",
				`$s.split("l").size() $s.toUpperCase().substring(2, 4) $s.matches("h.*") $s.replaceAll("(l+)", "[$1]")`,
				"$!{x}$!{a}${b}$!m.nope",
				`#set($t = "$a and ${b}s $l[0] $m.k #if($b)yes#end")$t`,
				"#foreach($i in [3..1])#if($i == 2)#break#end$i#end",
			}) + g.pick(genSpaces))
		case r < 0.74:
			b.WriteString(w + "## c\n")
		case r < 0.80:
			b.WriteString(w + "#* b *#" + g.pick(genSpaces))
		case r < 0.86:
			b.WriteString(g.pick([]string{`\`, `\\`}) + g.pick([]string{"$a", "$x", "#if(true)e#end", "${a}"}))
		default:
			b.WriteString(g.pick(genText) + w)
		}
	}
	return b.String()
}

const genPrelude = `#set($a = "A")#set($b = 2)#set($l = [1, "two", 3.5])#set($m = {"k": "v", "n": 1})#set($s = "hello")#set($n = 10)#set($f = 0.5)` + "\n"

// randomTemplates returns n templates from a fixed seed, so a failure
// names a case that can be reproduced.
func randomTemplates(seed int64, n int) []string {
	g := templateGen{rand.New(rand.NewSource(seed))}
	out := make([]string, n)
	for i := range out {
		out[i] = genPrelude + g.block(0)
	}
	return out
}
