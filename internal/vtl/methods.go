package vtl

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf16"
)

// Java's String methods index UTF-16 code units; strings here are UTF-8,
// so index arithmetic goes through utf16 when a string is not ASCII.

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func units(s string) []uint16 { return utf16.Encode([]rune(s)) }

func fromUnits(u []uint16) string { return string(utf16.Decode(u)) }

func javaLen(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return len(units(s))
}

func javaSubstring(s string, begin, end int) (string, error) {
	n := javaLen(s)
	if begin < 0 || end > n || begin > end {
		return "", fmt.Errorf("substring(%d, %d) out of range for length %d", begin, end, n)
	}
	if isASCII(s) {
		return s[begin:end], nil
	}
	return fromUnits(units(s)[begin:end]), nil
}

func javaIndexOf(s, sub string, from int) int {
	if from < 0 {
		from = 0
	}
	if isASCII(s) {
		if from > len(s) {
			return -1
		}
		i := strings.Index(s[from:], sub)
		if i < 0 {
			return -1
		}
		return i + from
	}
	u, su := units(s), units(sub)
	for i := from; i+len(su) <= len(u); i++ {
		if fromUnits(u[i:i+len(su)]) == sub {
			return i
		}
	}
	return -1
}

func argString(args []any, i int) (string, bool) {
	if i >= len(args) || args[i] == nil {
		return "", false
	}
	if s, ok := args[i].(string); ok {
		return s, true
	}
	return ToString(args[i]), true
}

func argInt(args []any, i int) (int, bool) {
	if i >= len(args) {
		return 0, false
	}
	n, ok := args[i].(int64)
	return int(n), ok
}

// stringMethod runs the java.lang.String methods templates call. ok is
// false for a method (or argument shape) Java's String does not have.
func stringMethod(s, name string, args []any) (any, bool, error) {
	a0, has0 := argString(args, 0)
	a1, has1 := argString(args, 1)
	switch {
	case name == "length" && len(args) == 0:
		return int64(javaLen(s)), true, nil
	case name == "isEmpty" && len(args) == 0:
		return s == "", true, nil
	case name == "toString" && len(args) == 0, name == "intern" && len(args) == 0:
		return s, true, nil
	case name == "trim" && len(args) == 0:
		return strings.Trim(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "), true, nil
	case name == "toLowerCase" && len(args) == 0:
		return strings.ToLower(s), true, nil
	case name == "toUpperCase" && len(args) == 0:
		return strings.ToUpper(s), true, nil
	case name == "substring" && len(args) == 1:
		b, ok := argInt(args, 0)
		if !ok {
			return nil, false, nil
		}
		v, err := javaSubstring(s, b, javaLen(s))
		return v, true, err
	case name == "substring" && len(args) == 2:
		b, ok1 := argInt(args, 0)
		e, ok2 := argInt(args, 1)
		if !ok1 || !ok2 {
			return nil, false, nil
		}
		v, err := javaSubstring(s, b, e)
		return v, true, err
	case name == "charAt" && len(args) == 1:
		i, ok := argInt(args, 0)
		if !ok {
			return nil, false, nil
		}
		v, err := javaSubstring(s, i, i+1)
		return v, true, err
	case (name == "indexOf" || name == "lastIndexOf") && len(args) >= 1 && len(args) <= 2 && has0:
		if name == "lastIndexOf" {
			if len(args) != 1 || !isASCII(s) {
				return nil, false, nil
			}
			return int64(strings.LastIndex(s, a0)), true, nil
		}
		from := 0
		if len(args) == 2 {
			var ok bool
			if from, ok = argInt(args, 1); !ok {
				return nil, false, nil
			}
		}
		return int64(javaIndexOf(s, a0, from)), true, nil
	case name == "contains" && len(args) == 1 && has0:
		return strings.Contains(s, a0), true, nil
	case name == "startsWith" && len(args) == 1 && has0:
		return strings.HasPrefix(s, a0), true, nil
	case name == "endsWith" && len(args) == 1 && has0:
		return strings.HasSuffix(s, a0), true, nil
	case name == "equals" && len(args) == 1:
		o, ok := args[0].(string)
		return ok && o == s, true, nil
	case name == "equalsIgnoreCase" && len(args) == 1:
		o, ok := args[0].(string)
		return ok && strings.EqualFold(o, s), true, nil
	case name == "concat" && len(args) == 1 && has0:
		return s + a0, true, nil
	case name == "replace" && len(args) == 2 && has0 && has1:
		return strings.ReplaceAll(s, a0, a1), true, nil
	case (name == "replaceAll" || name == "replaceFirst") && len(args) == 2 && has0 && has1:
		re, err := javaRegexp(a0)
		if err != nil {
			return nil, true, err
		}
		repl, err := javaReplacement(a1)
		if err != nil {
			return nil, true, err
		}
		if name == "replaceAll" {
			return re.ReplaceAllString(s, repl), true, nil
		}
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			return s, true, nil
		}
		return s[:loc[0]] + string(re.ExpandString(nil, repl, s, loc)) + s[loc[1]:], true, nil
	case name == "matches" && len(args) == 1 && has0:
		re, err := javaRegexp("^(?:" + a0 + ")$")
		if err != nil {
			return nil, true, err
		}
		return re.MatchString(s), true, nil
	case name == "split" && (len(args) == 1 || len(args) == 2) && has0:
		limit := 0
		if len(args) == 2 {
			var ok bool
			if limit, ok = argInt(args, 1); !ok {
				return nil, false, nil
			}
		}
		re, err := javaRegexp(a0)
		if err != nil {
			return nil, true, err
		}
		return javaSplit(re, s, limit), true, nil
	case name == "hashCode" && len(args) == 0:
		var h int32
		for _, u := range units(s) {
			h = 31*h + int32(u)
		}
		return int64(h), true, nil
	}
	return nil, false, nil
}

var (
	regexpMu    sync.Mutex
	regexpCache = map[string]*regexp.Regexp{}
)

// javaRegexp compiles a Java pattern with RE2. Java constructs RE2 lacks
// (backreferences, lookaround, possessive quantifiers) are reported as
// errors rather than silently matching something else.
func javaRegexp(pat string) (*regexp.Regexp, error) {
	regexpMu.Lock()
	re, ok := regexpCache[pat]
	regexpMu.Unlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, fmt.Errorf("regular expression %q cannot be run (Java features such as lookaround and backreferences are not supported): %v", pat, err)
	}
	regexpMu.Lock()
	if len(regexpCache) < 1024 {
		regexpCache[pat] = re
	}
	regexpMu.Unlock()
	return re, nil
}

// javaReplacement converts a Java replacement string ($1, \$) to Go's
// Expand syntax (${1}, $$).
func javaReplacement(r string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch c {
		case '\\':
			i++
			if i >= len(r) {
				return "", fmt.Errorf("replacement %q ends with a lone backslash", r)
			}
			if r[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(r[i])
			}
		case '$':
			j := i + 1
			if j < len(r) && r[j] == '{' {
				k := strings.IndexByte(r[j:], '}')
				if k < 0 {
					return "", fmt.Errorf("replacement %q has an unclosed group reference", r)
				}
				b.WriteString("${" + r[j+1:j+k] + "}")
				i = j + k
				continue
			}
			for j < len(r) && isDigit(r[j]) {
				j++
			}
			if j == i+1 {
				return "", fmt.Errorf("replacement %q has a $ that names no group (write \\$ for a dollar sign)", r)
			}
			b.WriteString("${" + r[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// javaSplit follows String.split: with limit 0, trailing empty strings
// are dropped; a zero-width match at the start adds no leading empty string.
func javaSplit(re *regexp.Regexp, s string, limit int) *List {
	if s == "" {
		return &List{Items: []any{""}}
	}
	n := -1
	if limit > 0 {
		n = limit
	}
	parts := re.Split(s, n)
	if len(parts) > 1 && parts[0] == "" {
		if loc := re.FindStringIndex(s); loc != nil && loc[0] == 0 && loc[1] == 0 {
			parts = parts[1:]
		}
	}
	if limit == 0 {
		for len(parts) > 1 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		if len(parts) == 1 && parts[0] == "" && s != "" {
			parts = parts[:0]
		}
	}
	l := &List{Items: make([]any, len(parts))}
	for i, p := range parts {
		l.Items[i] = p
	}
	return l
}

func listMethod(l *List, name string, args []any) (any, bool, error) {
	switch {
	case name == "size" && len(args) == 0:
		return int64(len(l.Items)), true, nil
	case name == "isEmpty" && len(args) == 0:
		return len(l.Items) == 0, true, nil
	case name == "get" && len(args) == 1:
		i, ok := argInt(args, 0)
		if !ok {
			return nil, false, nil
		}
		if i < 0 || i >= len(l.Items) {
			return nil, true, fmt.Errorf("index %d out of bounds for length %d", i, len(l.Items))
		}
		return l.Items[i], true, nil
	case name == "add" && len(args) == 1:
		l.Items = append(l.Items, args[0])
		return true, true, nil
	case name == "add" && len(args) == 2:
		i, ok := argInt(args, 0)
		if !ok {
			return nil, false, nil
		}
		if i < 0 || i > len(l.Items) {
			return nil, true, fmt.Errorf("index %d out of bounds for length %d", i, len(l.Items))
		}
		l.Items = append(l.Items[:i], append([]any{args[1]}, l.Items[i:]...)...)
		return nil, true, nil
	case name == "set" && len(args) == 2:
		i, ok := argInt(args, 0)
		if !ok {
			return nil, false, nil
		}
		if i < 0 || i >= len(l.Items) {
			return nil, true, fmt.Errorf("index %d out of bounds for length %d", i, len(l.Items))
		}
		old := l.Items[i]
		l.Items[i] = args[1]
		return old, true, nil
	case name == "contains" && len(args) == 1:
		return listIndex(l, args[0]) >= 0, true, nil
	case name == "indexOf" && len(args) == 1:
		return int64(listIndex(l, args[0])), true, nil
	case name == "remove" && len(args) == 1:
		if i, ok := args[0].(int64); ok {
			if i < 0 || int(i) >= len(l.Items) {
				return nil, true, fmt.Errorf("index %d out of bounds for length %d", i, len(l.Items))
			}
			old := l.Items[i]
			l.RemoveValueAtIndex(int(i))
			return old, true, nil
		}
		i := listIndex(l, args[0])
		if i >= 0 {
			l.RemoveValueAtIndex(i)
		}
		return i >= 0, true, nil
	case name == "clear" && len(args) == 0:
		l.Items = l.Items[:0]
		return nil, true, nil
	case name == "toString" && len(args) == 0:
		return ToString(l), true, nil
	}
	return nil, false, nil
}

// RemoveValueAtIndex deletes item i.
func (l *List) RemoveValueAtIndex(i int) {
	if i >= 0 && i < len(l.Items) {
		l.Items = append(l.Items[:i:i], l.Items[i+1:]...)
	}
}

// listIndex finds x with Java's equals: same kind and value.
func listIndex(l *List, x any) int {
	for i, it := range l.Items {
		if javaEquals(it, x) {
			return i
		}
	}
	return -1
}

func javaEquals(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string, bool, int64, float64:
		return a == b
	}
	return ToString(a) == ToString(b) && typeName(a) == typeName(b)
}

func mapMethod(m *Map, name string, args []any) (any, bool, error) {
	key := func() string { return ToString(args[0]) }
	switch {
	case name == "size" && len(args) == 0:
		return int64(m.Len()), true, nil
	case name == "isEmpty" && len(args) == 0:
		return m.Len() == 0, true, nil
	case name == "get" && len(args) == 1:
		v, _ := m.Get(key())
		return v, true, nil
	case name == "getOrDefault" && len(args) == 2:
		if v, ok := m.Get(key()); ok {
			return v, true, nil
		}
		return args[1], true, nil
	case name == "put" && len(args) == 2:
		return m.Put(key(), args[1]), true, nil
	case name == "putAll" && len(args) == 1:
		if o, ok := args[0].(*Map); ok {
			for i, k := range o.keys {
				m.Put(k, o.vals[i])
			}
			return nil, true, nil
		}
	case name == "remove" && len(args) == 1:
		return m.Remove(key()), true, nil
	case name == "containsKey" && len(args) == 1:
		_, ok := m.Get(key())
		return ok, true, nil
	case name == "containsValue" && len(args) == 1:
		for _, v := range m.vals {
			if javaEquals(v, args[0]) {
				return true, true, nil
			}
		}
		return false, true, nil
	case name == "keySet" && len(args) == 0:
		l := &List{Items: make([]any, len(m.keys))}
		for i, k := range m.keys {
			l.Items[i] = k
		}
		return l, true, nil
	case name == "values" && len(args) == 0:
		l := &List{Items: make([]any, len(m.keys))}
		for i := range m.keys {
			l.Items[i] = m.vals[i]
		}
		return l, true, nil
	case name == "entrySet" && len(args) == 0:
		l := &List{Items: make([]any, len(m.keys))}
		for i, k := range m.keys {
			l.Items[i] = &entry{Key: k, Value: m.vals[i]}
		}
		return l, true, nil
	case name == "clear" && len(args) == 0:
		m.keys, m.vals, m.index = m.keys[:0], m.vals[:0], nil
		return nil, true, nil
	case name == "toString" && len(args) == 0:
		return ToString(m), true, nil
	}
	return nil, false, nil
}

// anyMethod covers numbers and booleans.
func anyMethod(v any, name string, args []any) (any, bool, error) {
	if len(args) == 0 {
		switch name {
		case "toString":
			return ToString(v), true, nil
		case "intValue", "longValue":
			if n, ok := toInt(v); ok {
				return n, true, nil
			}
		case "doubleValue", "floatValue":
			if f, ok := toFloat(v); ok {
				return f, true, nil
			}
		case "booleanValue":
			if b, ok := v.(bool); ok {
				return b, true, nil
			}
		}
	}
	if name == "equals" && len(args) == 1 {
		return javaEquals(v, args[0]), true, nil
	}
	if name == "compareTo" && len(args) == 1 {
		c, ok := compare(v, args[0])
		if ok {
			return int64(c), true, nil
		}
	}
	return nil, false, nil
}
