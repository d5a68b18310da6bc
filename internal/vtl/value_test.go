package vtl

import (
	"fmt"
	"strings"
	"testing"
)

// tenth is a variable so that 0.1+0.2 is computed in float64, not folded exactly.
var tenth = 0.1

func TestFormatDouble(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"}, {1, "1.0"}, {-2.5, "-2.5"}, {tenth + 2*tenth, "0.30000000000000004"},
		{1e-3, "0.001"}, {9.99e-4, "9.99E-4"}, {9999999, "9999999.0"}, {1e7, "1.0E7"},
		{1.23456789e10, "1.23456789E10"}, {1e21, "1.0E21"}, {-1e-10, "-1.0E-10"},
	}
	for _, tc := range tests {
		if got := FormatDouble(tc.in); got != tc.want {
			t.Errorf("FormatDouble(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestMapOrderAndIndex(t *testing.T) {
	for _, n := range []int{3, smallMap, smallMap + 1, 40} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			m := NewMap(0)
			for i := n - 1; i >= 0; i-- {
				m.Put(fmt.Sprintf("k%d", i), int64(i))
			}
			if old := m.Put("k0", "again"); old != int64(0) {
				t.Errorf("Put returned %v, want the previous value 0", old)
			}
			if got := m.Remove(fmt.Sprintf("k%d", n-1)); got != int64(n-1) {
				t.Errorf("Remove returned %v", got)
			}
			if m.Remove("absent") != nil || m.Len() != n-1 {
				t.Errorf("len %d after removes, want %d", m.Len(), n-1)
			}
			for i := 0; i < n-1; i++ {
				v, ok := m.Get(fmt.Sprintf("k%d", i))
				if !ok || (i > 0 && v != int64(i)) {
					t.Fatalf("k%d = %v, %v", i, v, ok)
				}
			}
			if m.Keys()[len(m.Keys())-1] != "k0" {
				t.Errorf("insertion order lost: %v", m.Keys())
			}
		})
	}
}

func TestPrintValues(t *testing.T) {
	m := NewMap(2)
	m.Put("a", "x")
	m.Put("b", &List{Items: []any{int64(1), "s", nil}, JSON: true})
	tests := []struct {
		name string
		v    any
		str  string
		json string
	}{
		{"map", m, `{a=x, b=[1,"s",null]}`, `{"a":"x","b":[1,"s",null]}`},
		{"java list", &List{Items: []any{"a", m, nil, true, 2.0}}, `[a, {a=x, b=[1,"s",null]}, null, true, 2.0]`, `["a",{"a":"x","b":[1,"s",null]},null,true,2.0]`},
		{"escapes", "q\"\\\n\t\x01/é\u2028\u0085", "q\"\\\n\t\x01/é\u2028\u0085", `"q\"\\\n\t\u0001\/é\u2028\u0085"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ToString(tc.v); got != tc.str {
				t.Errorf("ToString = %s, want %s", got, tc.str)
			}
			var b strings.Builder
			WriteJSON(&b, tc.v)
			if b.String() != tc.json {
				t.Errorf("WriteJSON = %s, want %s", b.String(), tc.json)
			}
		})
	}
}
