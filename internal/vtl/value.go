package vtl

import (
	"math"
	"strconv"
	"strings"
)

// Values a template handles are nil, bool, int64, float64, string, *List,
// *Map and host Objects. Integers and floats stand for Java's Integer/Long
// and Double.

// Object is a host value with properties ($o.name) and methods ($o.m(args)).
type Object interface {
	// Property returns the value of $o.name; ok is false when there is none.
	Property(name string) (v any, ok bool)
	// Call runs $o.name(args). ok is false when the method does not exist,
	// which prints the reference's source as Velocity does; an error ends
	// the render. args is only valid during the call: keep its values, not
	// the slice.
	Call(name string, args []any) (v any, ok bool, err error)
}

// Lazy is a variable computed on first use, so a host can offer costly
// variables ($context) that most templates never read. Its Value replaces
// it for the rest of the execution.
type Lazy interface {
	Value() any
}

// Stringer is an Object that prints itself; other Objects print as their
// reference's source text.
type Stringer interface {
	VTLString() string
}

// List is a mutable list shared by reference, like Java's ArrayList. A
// JSON list (decoded from a request body) prints as compact JSON, as
// json-smart's JSONArray does in API Gateway; others print Java-style.
type List struct {
	Items []any
	JSON  bool
}

// Map is an insertion-ordered map shared by reference, like Java's
// LinkedHashMap, printed Java-style: {a=1, b=2}. Small maps (most JSON
// objects) are searched linearly; an index is built past smallMap entries.
type Map struct {
	keys  []string
	vals  []any
	index map[string]int
}

const smallMap = 8

// NewMap returns an empty Map with room for n entries.
func NewMap(n int) *Map { return &Map{keys: make([]string, 0, n), vals: make([]any, 0, n)} }

// Len returns the number of entries.
func (m *Map) Len() int { return len(m.keys) }

// Keys returns the keys in insertion order; the caller must not modify it.
func (m *Map) Keys() []string { return m.keys }

func (m *Map) find(key string) int {
	if m.index != nil {
		if i, ok := m.index[key]; ok {
			return i
		}
		return -1
	}
	for i, k := range m.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Get returns the value of key.
func (m *Map) Get(key string) (any, bool) {
	if i := m.find(key); i >= 0 {
		return m.vals[i], true
	}
	return nil, false
}

// Put sets key, keeping its place when it exists, and returns the previous value.
func (m *Map) Put(key string, v any) any {
	if i := m.find(key); i >= 0 {
		old := m.vals[i]
		m.vals[i] = v
		return old
	}
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
	if m.index != nil {
		m.index[key] = len(m.keys) - 1
	} else if len(m.keys) > smallMap {
		m.reindex()
	}
	return nil
}

func (m *Map) reindex() {
	m.index = make(map[string]int, len(m.keys))
	for i, k := range m.keys {
		m.index[k] = i
	}
}

// Remove deletes key and returns its value.
func (m *Map) Remove(key string) any {
	i := m.find(key)
	if i < 0 {
		return nil
	}
	old := m.vals[i]
	m.keys = append(m.keys[:i:i], m.keys[i+1:]...)
	m.vals = append(m.vals[:i:i], m.vals[i+1:]...)
	if m.index != nil {
		m.reindex()
	}
	return old
}

// ValueForKey, SetValueForKey, RemoveValueForKey and Keys, and the List
// methods below, let JSONPath libraries walk these types directly.
func (m *Map) ValueForKey(key string) (any, bool) { return m.Get(key) }

// SetValueForKey is Put without a result.
func (m *Map) SetValueForKey(key string, v any) { m.Put(key, v) }

// RemoveValueForKey is Remove without a result.
func (m *Map) RemoveValueForKey(key string) { m.Remove(key) }

// ValueAtIndex returns item i, or nil when i is out of range.
func (l *List) ValueAtIndex(i int) any {
	if i < 0 || i >= len(l.Items) {
		return nil
	}
	return l.Items[i]
}

// SetValueAtIndex replaces item i when it exists.
func (l *List) SetValueAtIndex(i int, v any) {
	if i >= 0 && i < len(l.Items) {
		l.Items[i] = v
	}
}

// Size returns the number of items.
func (l *List) Size() int { return len(l.Items) }

// ToString renders v as Velocity prints it (Java's toString).
func ToString(v any) string {
	var b strings.Builder
	writeValue(&b, v, 0)
	return b.String()
}

// maxPrintDepth stops printing a list or map that contains itself, which
// would otherwise recurse forever.
const maxPrintDepth = 100

func writeValue(b *strings.Builder, v any, depth int) {
	if depth > maxPrintDepth {
		b.WriteString("...")
		return
	}
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(v)
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case int:
		b.WriteString(strconv.Itoa(v))
	case float64:
		b.WriteString(FormatDouble(v))
	case *List:
		if v.JSON {
			writeJSON(b, v, depth)
			return
		}
		b.WriteByte('[')
		for i, x := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			if x == any(v) {
				b.WriteString("(this Collection)") // as Java's AbstractCollection prints itself
				continue
			}
			writeValue(b, x, depth+1)
		}
		b.WriteByte(']')
	case *Map:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			if v.vals[i] == any(v) {
				b.WriteString("(this Map)")
				continue
			}
			writeValue(b, v.vals[i], depth+1)
		}
		b.WriteByte('}')
	case *entry:
		b.WriteString(v.Key)
		b.WriteByte('=')
		writeValue(b, v.Value, depth+1)
	case Stringer:
		b.WriteString(v.VTLString())
	default:
		b.WriteString("null")
	}
}

// entry is a Map.Entry from entrySet().
type entry struct {
	Key   string
	Value any
}

func (e *entry) Property(name string) (any, bool) {
	switch name {
	case "key":
		return e.Key, true
	case "value":
		return e.Value, true
	}
	return nil, false
}

func (e *entry) Call(name string, args []any) (any, bool, error) {
	switch {
	case name == "getKey" && len(args) == 0:
		return e.Key, true, nil
	case name == "getValue" && len(args) == 0:
		return e.Value, true, nil
	}
	return nil, false, nil
}

// WriteJSON appends v as compact JSON, the way json-smart serialises what
// API Gateway's JSONPath returns: no spaces, keys always quoted.
func WriteJSON(b *strings.Builder, v any) { writeJSON(b, v, 0) }

func writeJSON(b *strings.Builder, v any, depth int) {
	if depth > maxPrintDepth {
		b.WriteString("null")
		return
	}
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeJSONString(b, v)
	case *List:
		b.WriteByte('[')
		for i, x := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, x, depth+1)
		}
		b.WriteByte(']')
	case *Map:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, v.vals[i], depth+1)
		}
		b.WriteByte('}')
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			b.WriteString("null")
			return
		}
		b.WriteString(FormatDouble(v))
	case bool, int64, int:
		writeValue(b, v, depth)
	default:
		writeJSONString(b, ToString(v))
	}
}

// writeJSONString quotes s as json-smart does by default: besides the
// usual escapes, '/' becomes "\/" and the C0, DEL-C1 and U+2000-U+20FF
// ranges become \uXXXX.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '/':
			b.WriteString(`\/`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x2000 && r <= 0x20ff {
				b.WriteString(`\u`)
				b.WriteByte(hex[r>>12&15])
				b.WriteByte(hex[r>>8&15])
				b.WriteByte(hex[r>>4&15])
				b.WriteByte(hex[r&15])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// FormatDouble formats f as Java's Double.toString does: plain notation
// with at least one decimal between 10^-3 and 10^7, computerized
// scientific notation ("1.0E10") outside.
func FormatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // "1.2345e+10"
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}
