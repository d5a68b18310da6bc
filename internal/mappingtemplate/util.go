package mappingtemplate

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf16"

	"github.com/ferrygw/ferry/internal/vtl"
)

// utilVar is $util. Errors never repeat the argument: it may be a secret.
type utilVar struct{}

func (utilVar) Property(string) (any, bool) { return nil, false }

func (utilVar) Call(name string, args []any) (any, bool, error) {
	if len(args) != 1 {
		return nil, false, nil
	}
	if args[0] == nil {
		return nil, true, nil
	}
	s := vtl.ToString(args[0])
	switch name {
	case "escapeJavaScript":
		return escapeJavaScript(s), true, nil
	case "urlEncode":
		return formEncode(s), true, nil
	case "urlDecode":
		v, err := url.QueryUnescape(s)
		if err != nil {
			return nil, true, errors.New("urlDecode: the argument has a malformed % escape")
		}
		return v, true, nil
	case "base64Encode":
		return base64.StdEncoding.EncodeToString([]byte(s)), true, nil
	case "base64Decode":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		}
		if err != nil {
			return nil, true, errors.New("base64Decode: the argument is not valid base64")
		}
		return string(b), true, nil
	case "parseJson":
		v, err := decodeJSON([]byte(s))
		if err != nil {
			return nil, true, fmt.Errorf("parseJson: %v", err)
		}
		return v, true, nil
	}
	return nil, false, nil
}

// escapeJavaScript escapes as Apache Commons Lang 2's
// StringEscapeUtils.escapeJavaScript, which API Gateway uses: quotes (single
// ones too), backslash and '/' get a backslash, control characters their
// short or \u00XX form, and every non-ASCII UTF-16 unit a \uXXXX escape.
func escapeJavaScript(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	const hex = "0123456789ABCDEF"
	for _, r := range s {
		switch r {
		case '\'', '"', '\\', '/':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r >= 0x20 && r <= 0x7f {
				b.WriteRune(r)
				continue
			}
			units := []uint16{uint16(r)}
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				units = []uint16{uint16(r1), uint16(r2)}
			}
			for _, u := range units {
				b.WriteString(`\u`)
				b.WriteByte(hex[u>>12&15])
				b.WriteByte(hex[u>>8&15])
				b.WriteByte(hex[u>>4&15])
				b.WriteByte(hex[u&15])
			}
		}
	}
	return b.String()
}

// formEncode is java.net.URLEncoder.encode(s, "UTF-8"): letters, digits
// and ".-*_" stay, a space becomes '+', every other byte %XX.
func formEncode(s string) string {
	const hex = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case formSafe(c):
		case c == ' ':
			n++
		default:
			n += 3
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case formSafe(c):
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func formSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '*' || c == '_'
}
