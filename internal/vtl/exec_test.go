package vtl

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostObject is a small Object for tests: one property and one method.
type hostObject struct{}

func (hostObject) Property(name string) (any, bool) {
	if name == "name" {
		return "host", true
	}
	return nil, false
}

func (hostObject) Call(name string, args []any) (any, bool, error) {
	switch name {
	case "twice":
		if len(args) == 1 {
			return ToString(args[0]) + ToString(args[0]), true, nil
		}
	case "fail":
		return nil, true, errTest
	}
	return nil, false, nil
}

var errTest = errors.New("host failure")

func TestExecute(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"host property", "$o.name", "host"},
		{"host method", "$o.twice('ab')", "abab"},
		{"host missing method", "$o.nope() $!o.nope()", "$o.nope() "},
		{"host object prints source", "$o", "$o"},
		{"list var", "$list.size() $list[1] $list", "3 b [a, b, c]"},
		{"map var", "$map.k $map['k'] $map.get('k')", "v v v"},
		{"lazy var", "$lazy $lazy", "computed computed"},
		{"set into map", "#set($map.n = 1)$map.n", "1"},
		{"concat", `#set($s = "x" + 1 + 2)$s`, "x12"},
		{"int math", "#set($a = 7 / 2 * 2)$a", "6"},
		{"float print", "#set($f = 1.0 / 3)$f", "0.3333333333333333"},
		{"regex groups", `#set($s = "John Smith")$s.replaceAll("(\w+) (\w+)", "$2, $1")`, "Smith, John"},
		{"regex literal dollar", `#set($s = "5")$s.replaceAll("(\d)", "\$$1")`, "$5"},
		{"split drops trailing empties", `#set($p = "a,b,,")$p.split(",").size()`, "2"},
		{"foreach over map values", `#foreach($v in {"a": 1, "b": 2})$v#end`, "12"},
		{"velocity counts", "#foreach($i in ['x','y'])$velocityCount$velocityHasNext#end", "1true2false"},
		{"define expands late", "#define($d)[$v]#end#set($v = 1)$d#set($v = 2)$d", "[1][2]"},
		{"macro args restore", "#set($p = 'outer')#macro(m $p)$p#end#m('inner') $p", "inner outer"},
		{"stop inside foreach", "#foreach($i in [1..5])$i#if($i == 2)#stop#end#end after", "12"},
		{"escaped defined", `\$list`, "$list"},
		{"escaped undefined", `\$nope`, `\$nope`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := Parse(tc.name, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			m := NewMap(1)
			m.Put("k", "v")
			vars := map[string]any{
				"o":    hostObject{},
				"list": &List{Items: []any{"a", "b", "c"}},
				"map":  m,
				"lazy": lazyString("computed"),
			}
			var b strings.Builder
			if err := tmpl.Execute(&b, vars, Limits{}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}

type lazyString string

func (l lazyString) Value() any { return string(l) }

func TestExecuteErrors(t *testing.T) {
	tests := []struct {
		name, src string
		lim       Limits
		want      string
	}{
		{"host error", "x\n $o.fail()", Limits{}, "2:5: $o.fail(): host failure"},
		{"lookbehind", `#set($s = "a")$s.replaceAll("(?<=a)b", "")`, Limits{}, "regular expression \"(?<=a)b\" cannot be run"},
		{"bad replacement", `#set($s = "a")$s.replaceAll("a", "$x")`, Limits{}, "names no group"},
		{"index out of range", "#set($l = [1])$l[3]", Limits{}, "1:15: index 3 out of range for a list of 1 items in $l[3]"},
		{"get out of range", "#set($l = [1])$l.get(3)", Limits{}, "index 3 out of bounds for length 1"},
		{"output budget", "#foreach($i in [1..100])0123456789#end", Limits{MaxOutput: 500}, "output exceeds 500 bytes"},
		{"string budget", `#set($s = "ab")#foreach($i in [1..30])#set($s = "$s$s")#end`, Limits{MaxOutput: 1 << 16}, "exceeds 65536 bytes"},
		{"foreach limit", "#foreach($i in [1..20])#end", Limits{MaxForeach: 10, ForeachError: true}, "1:1: #foreach ran more than 10 iterations"},
		{"time budget", "#foreach($i in [1..1000])#foreach($j in [1..1000])$j#end#end", Limits{Deadline: time.Now().Add(20 * time.Millisecond)}, "render took longer than its time budget"},
		{"range too large", "#foreach($i in [1..100000000])#end", Limits{}, "is too large"},
		{"macro recursion", "#macro(r)#r()#end#r()", Limits{}, "macro calls nested deeper than 100"},
		{"macro arity", "#macro(m $a)#end#m()", Limits{}, "macro #m takes 1 arguments, got 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := Parse(tc.name, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			err = tmpl.Execute(&b, map[string]any{"o": hostObject{}}, tc.lim)
			if err == nil {
				t.Fatalf("rendered %.80q, want error %q", b.String(), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestForeachQuietLimit(t *testing.T) {
	tmpl, err := Parse("q", "#foreach($i in [1..20])x#end")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, map[string]any{}, Limits{MaxForeach: 5}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "xxxxx" {
		t.Errorf("got %q, want the loop cut after 5 iterations", b.String())
	}
}

func TestContextCancel(t *testing.T) {
	tmpl, err := Parse("c", "#foreach($i in [1..1000])#foreach($j in [1..1000])#end#end")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b strings.Builder
	err = tmpl.Execute(&b, map[string]any{}, Limits{Context: ctx})
	if err == nil || !strings.Contains(err.Error(), "render abandoned: context canceled") {
		t.Fatalf("got %v, want the render abandoned", err)
	}
}

// TestConcurrentExecute renders one Template from many goroutines; run
// with -race it proves executions share nothing mutable.
func TestConcurrentExecute(t *testing.T) {
	tmpl, err := Parse("c", `#set($l = [])#foreach($i in [1..50])#set($d = $l.add("${n}-$i"))#end$l.size() $l[49]`)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				var b strings.Builder
				if err := tmpl.Execute(&b, map[string]any{"n": int64(n)}, Limits{}); err != nil {
					errs <- err.Error()
					return
				}
				if want := "50 " + ToString(int64(n)) + "-50"; b.String() != want {
					errs <- b.String() + " != " + want
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
