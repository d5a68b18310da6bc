package vtl

import (
	"strings"
	"testing"
	"time"
)

var fuzzSeeds = []string{
	"",
	"plain $x ${y} $!z #set($a = 1)$a",
	"#if($a == 1)x#elseif($b)y#else z#end",
	"#foreach($i in [1..3])$i$foreach.hasNext#end",
	"#set($m = {\"k\": [1, 2.5, true]})$m.k[0] $m.get(\"k\").size()",
	"#macro(m $p)[$p]#end#m(1)",
	"#define($d)D#end$d ## c\n#* b *# #[[ raw ]]# \\$x \\#if",
	"#set($s = \"a$b\")$s.replaceAll(\"a+\", \"b\").split(\",\")",
	"#foreach(",
	"${a.b(",
	"#set($x = 1 / 0)$x",
}

// FuzzParse checks that no input panics or hangs the parser, and that a
// parsed tree prints without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := Parse("fuzz", src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		_ = tmpl.Root.String()
	})
}

// FuzzExecute renders whatever parses, under a small budget: it must end
// (with output or an *Error) and never panic.
func FuzzExecute(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := Parse("fuzz", src)
		if err != nil {
			return
		}
		var b strings.Builder
		start := time.Now()
		err = tmpl.Execute(&b, map[string]any{}, Limits{
			MaxOutput:    1 << 16,
			Deadline:     time.Now().Add(200 * time.Millisecond),
			MaxForeach:   1000,
			ForeachError: true,
		})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("render took %v despite its budget", d)
		}
	})
}

func TestSelfContainingValuesPrint(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"list", `#set($l = [1])#set($d = $l.add($l))$l`, "[1, (this Collection)]"},
		{"map", `#set($m = {})#set($d = $m.put("m", $m))$m`, "{m=(this Map)}"},
		{"cycle", `#set($a = [])#set($b = [$a])#set($d = $a.add($b))$a`, "[[[[[[[[[["},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := renderSource(t, tc.name, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "cycle" {
				if !strings.HasPrefix(got, tc.want) || !strings.Contains(got, "...") {
					t.Errorf("got %.60q..., want a nesting cut short", got)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
