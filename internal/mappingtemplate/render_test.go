package mappingtemplate

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrygw/ferry/internal/reqctx"
)

func render(t *testing.T, src string, in *Input) (string, error) {
	t.Helper()
	tmpl, err := Parse("t.vtl", src)
	if err != nil {
		return "", err
	}
	out, err := tmpl.Render(context.Background(), in, Limits{})
	return string(out), err
}

func TestRender(t *testing.T) {
	body := []byte(`{"a":{"b":[1,2,{"c":"d"}]},"s":"x\"y","n":10,"f":2.50,"t":true,"z":null,"e":[],"o":{}}`)
	tests := []struct {
		name, src, want string
		in              *Input
	}{
		{"json scalar", `$input.json('$.s') $input.json('$.n') $input.json('$.f') $input.json('$.t') $input.json('$.z')`, `"x\"y" 10 2.5 true null`, nil},
		{"json containers", `$input.json('$.a') $input.json('$.e') $input.json('$.o')`, `{"b":[1,2,{"c":"d"}]} [] {}`, nil},
		{"json escapes as json-smart", `$input.json('$.u') $input.path('$.l')`, `"http:\/\/x\u2028" ["a\/b"]`, &Input{Body: []byte(`{"u":"http://x\u2028","l":["a/b"]}`)}},
		{"json bracket path", `$input.json("$['a']['b'][2]")`, `{"c":"d"}`, nil},
		{"json indefinite", `$input.json('$.a.b[*]') $input.json('$..c')`, `[1,2,{"c":"d"}] ["d"]`, nil},
		{"json filter", `$input.json('$.a.b[?(@.c)]')`, `[{"c":"d"}]`, nil},
		{"path values", `$input.path('$.a') $input.path('$.a.b') $input.path('$.s') $input.path('$.n') $input.path('$.t')`, `{b=[1,2,{"c":"d"}]} [1,2,{"c":"d"}] x"y 10 true`, nil},
		{"path null", `[$input.path('$.z')]`, `[$input.path('$.z')]`, nil},
		{"path arithmetic", `#set($x = $input.path('$.n') + 1)$x`, `11`, nil},
		{"path missing", `[$input.path('$.nope')][$input.json('$.nope')][$input.path('$.a.nope.x')]`, `[][][]`, nil},
		{"path methods", `$input.path('$.a.b').size() $input.path('$.a').keySet() $input.path('$.a.b')[2].c`, `3 [b] d`, nil},
		{"body", `$input.body`, string(body), nil},
		{"scalar body", `$input.path('$') $input.json('$')`, `abc "abc"`, &Input{Body: []byte(`"abc"`)}},
		{"empty body", `$input.path('$').size() $input.json('$') [$input.body]`, `0 {} []`, &Input{}},
		{"params order", `$input.params('id') $input.params('q') $input.params('h')`, `p q h`, &Input{
			Path: map[string]string{"id": "p"}, Query: map[string][]string{"id": {"q0"}, "q": {"q"}}, Header: map[string][]string{"Id": {"h0"}, "H": {"h"}}}},
		{"params header any case", `$input.params('x-api-key') $input.params('X-API-KEY')`, `k k`, &Input{Header: map[string][]string{"X-Api-Key": {"k"}}}},
		{"params last value", `$input.params('q') $input.params().querystring.q`, `2 2`, &Input{Query: map[string][]string{"q": {"1", "2"}}}},
		{"params missing", `[$input.params('nope')]`, `[]`, &Input{}},
		{"stage variables", `$stageVariables.v ${stageVariables['v']} [$!stageVariables.none]`, `1 1 []`, &Input{StageVariables: map[string]string{"v": "1"}}},
		{"util", `$util.urlEncode('a b+c') $util.urlDecode('a+b%2Bc') $util.base64Encode('hi') $util.base64Decode('aGk=') $util.base64Decode('aGk')`, `a+b%2Bc a b+c aGk= hi hi`, nil},
		{"escapeJavaScript", `$util.escapeJavaScript("it's <\/> ""q""")`, `it\'s <\\\/> \"q\"`, nil},
		{"parseJson", `#set($o = $util.parseJson('{"k":[1,{"x":true}]}'))$o.k[1].x $o.k.size() $o`, `true 2 {k=[1,{"x":true}]}`, nil},
		{"kvm", `$kvm.get('m', 'k') $!kvm.get('m', 'none')`, `v `, &Input{KVM: func(m, k string) (string, bool) {
			if m == "m" && k == "k" {
				return "v", true
			}
			return "", false
		}}},
		{"foreach stops at 1000", `#foreach($i in [1..1500])#set($last = $i)#end$last $foreach.hasNext`, `1000 $foreach.hasNext`, &Input{}},
		{"kvm disabled", `$kvm.get('m', 'k')`, `$kvm.get('m', 'k')`, &Input{}},
		{"context", `$context.stage $context.requestTimeEpoch $context.identity.sourceIp $context.authorizer.n $context.authorizer.b $context.authorizer.claims.sub`, `dev 1700000000000 192.0.2.1 1 true u1`, &Input{Context: &reqctx.Context{
			Stage: "dev", RequestTimeEpoch: 1700000000000, Identity: reqctx.Identity{SourceIP: "192.0.2.1"},
			Authorizer: map[string]any{"n": float64(1), "b": true, "claims": map[string]any{"sub": "u1"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in == nil {
				in = &Input{Body: body}
			}
			got, err := render(t, tc.src, in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name, src, body, want string
	}{
		{"parse", "ok\n#if(", "", "t.vtl:2:5: unexpected end of template: missing \")\""},
		{"body not json", "$input.json('$.a')", "{nope", "t.vtl:1:8: $input.json('$.a'): the body is not JSON: invalid JSON at byte 2"},
		{"bad jsonpath", "$input.path('$[')", "{}", "invalid JSONPath"},
		{"path arg type", "$input.path(1)", "{}", "the JSONPath argument must be a string"},
		{"base64", "$util.base64Decode('@@@')", "", "base64Decode: the argument is not valid base64"},
		{"urlDecode", "$util.urlDecode('%zz')", "", "urlDecode: the argument has a malformed % escape"},
		{"parseJson", "$util.parseJson('{')", "", "parseJson: invalid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := render(t, tc.src, &Input{Body: []byte(tc.body)})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want *Error", err, err)
			}
			if e.Name != "t.vtl" || e.Line < 1 || e.Col < 1 {
				t.Errorf("bad position in %+v", e)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	const secret = "s3cr3t-Value"
	for _, src := range []string{`$util.base64Decode($kvm.get('m','k'))`, `$util.urlDecode("${kvm.get('m','k')}%")`} {
		_, err := render(t, src, &Input{KVM: func(string, string) (string, bool) { return secret + "@%", true }})
		if err == nil {
			t.Fatalf("%s: want an error", src)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error leaks the value: %v", err)
		}
	}
}

func TestOverrides(t *testing.T) {
	c := &reqctx.Context{}
	src := `#set($context.requestOverride.header.X-Trace = "t1")` +
		`#set($context.requestOverride.querystring.page = 2)` +
		`#set($context.requestOverride.path.id = "p")` +
		`#set($context.responseOverride.header.Cache-Control = "no-store")` +
		`#set($context.responseOverride.status = 418)done`
	got, err := render(t, src, &Input{Context: c})
	if err != nil || got != "done" {
		t.Fatalf("render: %q %v", got, err)
	}
	if c.RequestOverride.Header["X-Trace"] != "t1" || c.RequestOverride.QueryString["page"] != "2" || c.RequestOverride.Path["id"] != "p" {
		t.Errorf("request override not applied: %+v", c.RequestOverride)
	}
	if c.ResponseOverride.Header["Cache-Control"] != "no-store" || c.ResponseOverride.Status != 418 {
		t.Errorf("response override not applied: %+v", c.ResponseOverride)
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{Name: "requestTemplates[application/json]", Line: 3, Col: 14, Msg: "boom"}
	if got, want := e.Error(), "requestTemplates[application/json]:3:14: boom"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRenderBudget(t *testing.T) {
	tmpl, err := Parse("b", "#foreach($i in [1..1000])#foreach($j in [1..1000])$j#end#end")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = tmpl.Render(context.Background(), &Input{}, Limits{MaxDuration: 30 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "time budget") {
		t.Fatalf("got %v, want the time budget exceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("render stopped after %v", d)
	}
	_, err = tmpl.Render(context.Background(), &Input{}, Limits{MaxOutput: 4096})
	if err == nil || !strings.Contains(err.Error(), "output exceeds 4096 bytes") {
		t.Fatalf("got %v, want the output budget exceeded", err)
	}
}

func TestConcurrentRender(t *testing.T) {
	tmpl, err := Parse("c", `#set($r = $input.path('$.r'))#foreach($x in $r)$x#end-$input.params('id')-$context.requestId`)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	fail := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			id := string(rune('a' + g))
			in := &Input{Body: []byte(`{"r":[1,2,3]}`), Path: map[string]string{"id": id}, Context: &reqctx.Context{RequestID: id}}
			for k := 0; k < 100; k++ {
				out, err := tmpl.Render(context.Background(), in, Limits{})
				if want := "123-" + id + "-" + id; err != nil || string(out) != want {
					fail <- string(out) + " != " + want
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(fail)
	for f := range fail {
		t.Error(f)
	}
}
