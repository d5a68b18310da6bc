package mappingtemplate

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzRender feeds arbitrary templates and bodies through the API Gateway
// variables (JSON decoding, JSONPath, $util): a render ends with output or
// an *Error, never a panic or a hang.
func FuzzRender(f *testing.F) {
	f.Add(snsSeed, `{"a":1}`)
	f.Add(`$input.json('$.a[*]') $input.path('$..b') $input.params('x')`, `{"a":[{"b":1}],"b":"s"}`)
	f.Add(`#foreach($r in $input.path('$.r'))$util.base64Encode($r)#end`, `{"r":["x","y"]}`)
	f.Add(`$util.parseJson($input.body).k $util.urlDecode('%zz') $util.escapeJavaScript($input.body)`, `{"k":"v"}`)
	f.Add(`$input.path('$[?(@.a > 1)]')`, `[{"a":2},{"a":0}]`)
	f.Fuzz(func(t *testing.T, src, body string) {
		tmpl, err := Parse("fuzz", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("parse error of type %T", err)
			}
			return
		}
		in := &Input{Body: []byte(body), Query: map[string][]string{"x": {"1"}}}
		start := time.Now()
		_, err = tmpl.Render(context.Background(), in, Limits{MaxOutput: 1 << 16, MaxDuration: 200 * time.Millisecond})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("render error of type %T", err)
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("render took %v despite its budget", d)
		}
	})
}
