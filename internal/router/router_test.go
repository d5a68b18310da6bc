package router

import (
	"fmt"
	"testing"
)

var paths = []string{
	"/",
	"/pets",
	"/pets/{id}",
	"/pets/mine",
	"/pets/{id}/toys",
	"/files/{proxy+}",
	"/{proxy+}",
	"/a b",
}

func TestMatch(t *testing.T) {
	r, err := New(paths)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       string // resource path, "" for none
		params     string
	}{
		{"root", "/", "/", "[]"},
		{"root empty", "", "/", "[]"},
		{"literal", "/pets", "/pets", "[]"},
		{"trailing slash", "/pets/", "/pets", "[]"},
		{"literal beats param", "/pets/mine", "/pets/mine", "[]"},
		{"param", "/pets/7", "/pets/{id}", "[{id 7}]"},
		{"param decoded", "/pets/a%20b", "/pets/{id}", "[{id a b}]"},
		{"encoded slash stays in segment", "/pets/a%2Fb", "/pets/{id}", "[{id a/b}]"},
		{"param then literal", "/pets/7/toys", "/pets/{id}/toys", "[{id 7}]"},
		{"backtrack from literal to param", "/pets/mine/toys", "/pets/{id}/toys", "[{id mine}]"},
		{"greedy one segment", "/files/x", "/files/{proxy+}", "[{proxy x}]"},
		{"greedy many segments", "/files/x/y/z.txt", "/files/{proxy+}", "[{proxy x/y/z.txt}]"},
		{"greedy decoded", "/files/x%20y/z", "/files/{proxy+}", "[{proxy x y/z}]"},
		{"greedy needs a segment", "/files", "/{proxy+}", "[{proxy files}]"},
		{"root greedy catches the rest", "/pets/7/food", "/{proxy+}", "[{proxy pets/7/food}]"},
		{"encoded literal", "/a%20b", "/a b", "[]"},
		{"empty segment matches nothing", "//pets", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, ps := r.Match(tt.path)
			got := ""
			if idx >= 0 {
				got = paths[idx]
			}
			if got != tt.want {
				t.Fatalf("Match(%q) = %q, want %q", tt.path, got, tt.want)
			}
			if s := fmt.Sprint(ps); idx >= 0 && s != tt.params && !(s == "[]" && tt.params == "[]") {
				t.Fatalf("params = %s, want %s", s, tt.params)
			}
		})
	}
}

func TestNoMatch(t *testing.T) {
	r, err := New([]string{"/pets", "/pets/{id}"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/cats", "/pets/1/2", "/pets/%zz"} {
		if idx, _ := r.Match(p); idx != -1 {
			t.Errorf("Match(%q) = %d, want -1", p, idx)
		}
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct{ name, path string }{
		{"no slash", "pets"},
		{"greedy not last", "/{proxy+}/x"},
		{"mixed", "/a{b}"},
		{"empty segment", "/a//b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New([]string{tt.path}); err == nil {
				t.Fatalf("New(%q) succeeded", tt.path)
			}
		})
	}
	if _, err := New([]string{"/{a}", "/{b}"}); err == nil {
		t.Fatal("conflicting parameter names accepted")
	}
	if _, err := New([]string{"/x", "/x"}); err == nil {
		t.Fatal("duplicate path accepted")
	}
}

func BenchmarkMatch(b *testing.B) {
	r, err := New(paths)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Match("/pets/7/toys")
	}
}

func FuzzMatch(f *testing.F) {
	r, err := New(paths)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"/", "/pets/7/toys", "/files/a%2F/b", "//", "/pets/%zz", "/a%20b/", "/files/" + "x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		idx, params := r.Match(p)
		if idx < -1 || idx >= len(paths) {
			t.Fatalf("Match(%q) = %d", p, idx)
		}
		if idx == -1 && params != nil {
			t.Fatalf("Match(%q) gave parameters without a resource", p)
		}
		for _, ps := range params {
			if ps.Value == "" {
				t.Fatalf("Match(%q) gave an empty parameter %q", p, ps.Name)
			}
		}
	})
}
