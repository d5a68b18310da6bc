package binarymedia

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

const (
	none     = ""
	toBinary = "CONVERT_TO_BINARY"
	toText   = "CONVERT_TO_TEXT"
)

// The rows of API Gateway's "Content type conversions" request table.
func TestRequestTable(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 0xff}
	b64 := []byte(base64.StdEncoding.EncodeToString(png))
	tests := []struct {
		name        string
		binaryTypes []string
		contentType string
		handling    string
		body, want  []byte
	}{
		{"text, no binary types, unset", nil, "application/json", none, []byte(`{"a":1}`), []byte(`{"a":1}`)},
		{"text, no binary types, to binary", nil, "text/plain", toBinary, b64, png},
		{"text, no binary types, to text", nil, "text/plain", toText, []byte("hi"), []byte("hi")},
		{"text type with binary types, unset", []string{"image/png"}, "text/plain", none, []byte("hi"), []byte("hi")},
		{"text type with binary types, to binary", []string{"image/png"}, "text/plain", toBinary, b64, png},
		{"text type with binary types, to text", []string{"image/png"}, "text/plain", toText, []byte("hi"), []byte("hi")},
		{"binary type, unset", []string{"image/png"}, "image/png", none, png, png},
		{"binary type, to binary", []string{"image/png"}, "image/png", toBinary, png, png},
		{"binary type, to text", []string{"image/png"}, "image/png", toText, png, b64},
		{"wildcard binary type, to text", []string{"image/*"}, "image/png; q=1", toText, png, b64},
		{"*/* makes everything binary", []string{"*/*"}, "application/json", toText, []byte("{}"), []byte("e30=")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			types, err := Compile(tc.binaryTypes)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Apply(RequestAction(types.Match(tc.contentType), tc.handling), tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// The rows of API Gateway's response table: integration payload type ×
// first Accept × contentHandling.
func TestResponseTable(t *testing.T) {
	tests := []struct {
		name          string
		payloadBinary bool
		acceptBinary  bool
		handling      string
		want          Action
	}{
		{"text to text accept, unset", false, false, none, Keep},
		{"text to text accept, to binary", false, false, toBinary, Decode},
		{"text to text accept, to text", false, false, toText, Keep},
		{"text to binary accept, unset", false, true, none, Decode},
		{"text to binary accept, to binary", false, true, toBinary, Decode},
		{"text to binary accept, to text", false, true, toText, Keep},
		{"binary to text accept, unset", true, false, none, Encode},
		{"binary to text accept, to binary", true, false, toBinary, Keep},
		{"binary to text accept, to text", true, false, toText, Encode},
		{"binary to binary accept, unset", true, true, none, Keep},
		{"binary to binary accept, to binary", true, true, toBinary, Keep},
		{"binary to binary accept, to text", true, true, toText, Encode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ResponseAction(tc.payloadBinary, tc.acceptBinary, tc.handling); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// The response table driven from header values, as the pipeline calls it.
func TestResponseHeaders(t *testing.T) {
	types, err := Compile([]string{"image/png", "application/octet-stream"})
	if err != nil {
		t.Fatal(err)
	}
	png := []byte{0x89, 'P', 'N', 'G'}
	b64 := []byte(base64.StdEncoding.EncodeToString(png))
	tests := []struct {
		name, contentType, accept, handling string
		body, want                          []byte
	}{
		{"png to a browser's Accept (first is text/html)", "image/png", "text/html,image/png", none, png, b64},
		{"png to Accept image/png", "image/png", "image/png", none, png, png},
		{"base64 text to Accept image/png", "text/plain", "image/png, */*", none, b64, png},
		{"json to Accept */*", "application/json", "*/*", none, []byte("{}"), []byte("{}")},
		{"missing Accept is text", "image/png", "", none, png, b64},
		{"octet-stream converted to text", "application/octet-stream", "application/octet-stream", toText, png, b64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := ResponseAction(types.Match(tc.contentType), types.Match(FirstAccept(tc.accept)), tc.handling)
			got, err := Apply(a, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("%v: got %q, want %q", a, got, tc.want)
			}
		})
	}
}

func TestDecodeFailure(t *testing.T) {
	_, err := Apply(Decode, []byte("not base64!"))
	if !errors.Is(err, ErrNotBase64) {
		t.Fatalf("got %v, want ErrNotBase64", err)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		list []string
	}{
		{"no slash", []string{"png"}},
		{"empty subtype", []string{"image/"}},
		{"wildcard type only", []string{"*/png"}},
		{"a list in one entry", []string{"image/png,image/gif"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Compile(tc.list); err == nil {
				t.Fatalf("Compile(%q) accepted it", tc.list)
			}
		})
	}
	if ty, err := Compile([]string{"image~1png"}); err != nil || !ty.Match("image/png") {
		t.Fatalf("an escaped slash: %v %v", ty, err)
	}
}

func TestCheckHandling(t *testing.T) {
	for _, h := range []string{"", toBinary, toText} {
		if err := CheckHandling(h); err != nil {
			t.Errorf("%q: %v", h, err)
		}
	}
	if err := CheckHandling("convert_to_binary"); !errors.Is(err, ErrBadHandling) {
		t.Errorf("lowercase value accepted: %v", err)
	}
}

// FuzzDecode holds base64 decoding of client payloads to its promise: an
// error, or bytes that survive an encode and decode unchanged (the input
// itself may carry non-zero padding bits, which decoding forgives).
func FuzzDecode(f *testing.F) {
	f.Add([]byte("aGVsbG8="))
	f.Add([]byte("  aGk=\n"))
	f.Add([]byte("%%%"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Apply(Decode, in)
		if err != nil {
			return
		}
		enc, _ := Apply(Encode, out)
		again, err := Apply(Decode, enc)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("%q decoded to %q; its encoding %q decodes to %q, %v", in, out, enc, again, err)
		}
	})
}

// FuzzMatch checks media type matching never panics on client headers.
func FuzzMatch(f *testing.F) {
	types, err := Compile([]string{"image/*", "application/octet-stream"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("image/png; charset=x")
	f.Add(";;;")
	f.Fuzz(func(t *testing.T, v string) {
		_ = types.Match(v)
		_ = types.Match(FirstAccept(v))
	})
}
