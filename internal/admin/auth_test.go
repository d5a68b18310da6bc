package admin

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	hs := newHarness(t)
	hs.seedAPI("api0000001")
	cases := []struct {
		name     string
		method   string
		path     string
		header   string // the whole Authorization header; "" sends none
		status   int
		errType  string // "" for a success
		inDetail string
	}{
		{"missing header", "GET", "/restapis", "", 401, ErrUnauthorized, "missing Authorization"},
		{"basic scheme", "GET", "/restapis", "Basic dXNlcjpwYXNz", 401, ErrUnauthorized, "Bearer TOKEN"},
		{"empty bearer", "GET", "/restapis", "Bearer ", 401, ErrUnauthorized, "Bearer TOKEN"},
		{"wrong token", "GET", "/restapis", "Bearer nope", 401, ErrUnauthorized, "not valid"},
		{"token prefix", "GET", "/restapis", "Bearer " + fullToken[:5], 401, ErrUnauthorized, "not valid"},
		{"unknown path without token hides routes", "GET", "/secret/path", "", 401, ErrUnauthorized, ""},
		{"read token reads", "GET", "/restapis", "Bearer " + readToken, 200, "", ""},
		{"lower-case scheme", "GET", "/restapis", "bearer " + readToken, 200, "", ""},
		{"read token cannot write", "DELETE", "/restapis/api0000001", "Bearer " + readToken, 403, ErrAccessDenied, `"write" scope`},
		{"write token cannot read", "GET", "/restapis", "Bearer " + writeToken, 403, ErrAccessDenied, `"read" scope`},
		{"write token writes", "POST", "/domainnames", "Bearer " + writeToken, 201, "", ""},
		{"unknown path with token", "GET", "/nowhere", "Bearer " + fullToken, 404, ErrNotFound, "no admin API route"},
		{"wrong verb on a route", "PATCH", "/restapis", "Bearer " + fullToken, 404, ErrNotFound, "PATCH /restapis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.method == "POST" {
				body = CreateDomainNameInput{DomainName: "auth.example.com"}
			}
			a := hs.doRaw(c.method, c.path, c.header, body)
			if c.errType == "" {
				if a.status != c.status {
					t.Fatalf("status = %d, want %d: %s", a.status, c.status, a.body)
				}
				return
			}
			msg := a.errorMessage(t, c.status, c.errType)
			if !strings.Contains(msg, c.inDetail) {
				t.Errorf("message %q does not contain %q", msg, c.inDetail)
			}
			if c.status == 401 && a.header.Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate")
			}
		})
	}
	for _, tok := range []string{fullToken, readToken, writeToken} {
		if strings.Contains(hs.logs.String(), tok) {
			t.Fatalf("the log holds a token:\n%s", hs.logs.String())
		}
	}
}

func TestNewHandlerRejectsBadConfig(t *testing.T) {
	st := newHarness(t).st
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no store", Config{Tokens: []Token{FullAccess("x")}}, "Store is nil"},
		{"no tokens", Config{Store: st}, "no tokens"},
		{"empty token", Config{Store: st, Tokens: []Token{FullAccess(" ")}}, "token 0 is empty"},
		{"no scopes", Config{Store: st, Tokens: []Token{{Value: "x"}}}, "no scopes"},
		{"unknown scope", Config{Store: st, Tokens: []Token{{Value: "x", Scopes: []Scope{"admin"}}}}, `unknown scope "admin"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewHandler(c.cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestEnsureToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	tok, path, created, err := EnsureToken(dir)
	if err != nil || !created {
		t.Fatalf("first call: created=%v err=%v", created, err)
	}
	if len(tok) < 40 {
		t.Fatalf("token %d characters long; want at least 40 (32 random bytes)", len(tok))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	again, path2, created2, err := EnsureToken(dir)
	if err != nil || created2 || again != tok || path2 != path {
		t.Fatalf("second call: token same=%v created=%v path=%s err=%v", again == tok, created2, path2, err)
	}
	other, _, _, err := EnsureToken(t.TempDir())
	if err != nil || other == tok {
		t.Fatalf("a second data directory got the same token (or err %v)", err)
	}
	if err := os.WriteFile(path, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := EnsureToken(dir); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Fatalf("empty token file: err = %v", err)
	}
}

func TestTokenNeverInAnswers(t *testing.T) {
	hs := newHarness(t)
	a := hs.do(http.MethodGet, "/restapis/missing", fullToken, nil)
	if strings.Contains(string(a.body), fullToken) {
		t.Fatalf("the answer holds the token: %s", a.body)
	}
	a = hs.doRaw(http.MethodGet, "/restapis", "Bearer "+fullToken+"x", nil)
	if strings.Contains(string(a.body), fullToken) {
		t.Fatalf("the 401 answer echoes the token: %s", a.body)
	}
}
