package lambda

import (
	"errors"
	"net/http"
	"testing"
)

// FuzzParseProxyResponse feeds arbitrary function answers to the proxy
// response parser: it must never panic, and what it accepts must be a
// valid status with a body it can hand to the client.
func FuzzParseProxyResponse(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":200,"body":"x"}`,
		`{"statusCode":"404","headers":{"A":"1"},"multiValueHeaders":{"A":["1","2"]}}`,
		`{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}`,
		`{"statusCode":"abc"}`, `{"body":{}}`, `null`, `[]`, `{"statusCode":200} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		r, err := ParseProxyResponse(payload)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if r.Status < 100 || r.Status > 599 {
			t.Fatalf("accepted status %d", r.Status)
		}
		resp, err := Answer(http.Header{}, payload, mustTypes("*/*"), "*/*")
		if err == nil && resp.Status != r.Status {
			t.Fatalf("Answer status %d, parse status %d", resp.Status, r.Status)
		}
	})
}

// FuzzFunctionError checks that error detection never panics and that a
// marked answer is always an error.
func FuzzFunctionError(f *testing.F) {
	for _, s := range []string{`{"errorMessage":"x","errorType":"E"}`, `{"errorMessage":1}`, `"x"`, ``, `{`} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, marked bool) {
		h := http.Header{}
		if marked {
			h.Set(FunctionErrorHeader, "Unhandled")
		}
		if _, isErr := FunctionError(h, body); marked && !isErr {
			t.Fatalf("a marked answer %q is not an error", body)
		}
	})
}
