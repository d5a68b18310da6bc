package authorizer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// issuerServer is an HTTPS JWKS endpoint with keys the test can rotate.
type issuerServer struct {
	srv     *httptest.Server
	fetches atomic.Int32
	mu      sync.Mutex
	keys    map[string]*ecdsa.PrivateKey
	pool    *x509.CertPool
}

func newIssuer(t testing.TB) *issuerServer {
	is := &issuerServer{keys: map[string]*ecdsa.PrivateKey{}}
	is.addKey(t, "k1")
	is.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		is.mu.Lock()
		defer is.mu.Unlock()
		var set jose.JSONWebKeySet
		for kid, k := range is.keys {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: "ES256", Use: "sig"})
		}
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(is.srv.Close)
	is.pool = x509.NewCertPool()
	is.pool.AddCert(is.srv.Certificate())
	return is
}

func (is *issuerServer) addKey(t testing.TB, kid string) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is.mu.Lock()
	is.keys[kid] = k
	is.mu.Unlock()
	return k
}

func (is *issuerServer) sign(t testing.TB, kid string, claims map[string]any) string {
	is.mu.Lock()
	k := is.keys[kid]
	is.mu.Unlock()
	if k == nil {
		var err error
		if k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			t.Fatal(err)
		}
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: k, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := jwt.Signed(sig).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const testIss = "https://issuer.test"

func jwtDef(is *issuerServer) *model.Authorizer {
	return &model.Authorizer{ID: "au1", Name: "jwt", Type: TypeJWT,
		JWT: &model.JWTConfig{Issuer: testIss, Audiences: []string{"orders-api"}, JWKSURI: is.srv.URL + "/keys"}}
}

func TestJWTAuthorizer(t *testing.T) {
	is := newIssuer(t)
	now := time.Unix(1_800_000_000, 0)
	base := func(over map[string]any) map[string]any {
		c := map[string]any{"iss": testIss, "aud": "orders-api", "sub": "user-9", "exp": now.Add(time.Hour).Unix(),
			"iat": now.Unix(), "scope": "orders/read profile", "email_verified": true, "groups": []string{"a", "b"}}
		for k, v := range over {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	cases := []struct {
		name    string
		token   func() string
		scopes  []string
		wantErr gatewayresponse.Type
		wantMsg string
	}{
		{"valid", func() string { return "Bearer " + is.sign(t, "k1", base(nil)) }, nil, "", ""},
		{"valid without Bearer", func() string { return is.sign(t, "k1", base(nil)) }, nil, "", ""},
		{"scope present", func() string { return is.sign(t, "k1", base(nil)) }, []string{"admin", "orders/read"}, "", ""},
		{"audience in a list", func() string { return is.sign(t, "k1", base(map[string]any{"aud": []string{"x", "orders-api"}})) }, nil, "", ""},
		{"audience as client_id", func() string {
			return is.sign(t, "k1", base(map[string]any{"aud": nil, "client_id": "orders-api"}))
		}, nil, "", ""},
		{"expired within skew", func() string { return is.sign(t, "k1", base(map[string]any{"exp": now.Add(-30 * time.Second).Unix()})) }, nil, "", ""},
		{"missing scope", func() string { return is.sign(t, "k1", base(nil)) }, []string{"orders/write"}, gatewayresponse.AccessDenied, msgImplicitDeny},
		{"expired", func() string { return is.sign(t, "k1", base(map[string]any{"exp": now.Add(-2 * time.Minute).Unix()})) }, nil, gatewayresponse.Unauthorized, msgExpired},
		{"no exp", func() string { return is.sign(t, "k1", base(map[string]any{"exp": nil})) }, nil, gatewayresponse.Unauthorized, "Unauthorized"},
		{"not yet valid", func() string { return is.sign(t, "k1", base(map[string]any{"nbf": now.Add(5 * time.Minute).Unix()})) }, nil, gatewayresponse.Unauthorized, "Unauthorized"},
		{"wrong issuer", func() string { return is.sign(t, "k1", base(map[string]any{"iss": "https://evil.test"})) }, nil, gatewayresponse.Unauthorized, "Unauthorized"},
		{"wrong audience", func() string { return is.sign(t, "k1", base(map[string]any{"aud": "billing-api"})) }, nil, gatewayresponse.Unauthorized, "Unauthorized"},
		{"unknown key", func() string { return is.sign(t, "k9", base(nil)) }, nil, gatewayresponse.Unauthorized, "Unauthorized"},
		{"tampered payload", func() string {
			parts := strings.Split(is.sign(t, "k1", base(nil)), ".")
			other := strings.Split(is.sign(t, "k1", base(map[string]any{"sub": "admin"})), ".")
			return parts[0] + "." + other[1] + "." + parts[2]
		}, nil, gatewayresponse.Unauthorized, "Unauthorized"},
		{"garbage", func() string { return "Bearer not.a.jwt" }, nil, gatewayresponse.Unauthorized, "Unauthorized"},
		{"missing", func() string { return "" }, nil, gatewayresponse.Unauthorized, "Unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := New(Options{RootCAs: is.pool, Now: func() time.Time { return now }})
			g := guardFor(t, a, testAPI(jwtDef(is)), "CUSTOM", c.scopes...)
			hdr := map[string]string{}
			if tok := c.token(); tok != "" {
				hdr["Authorization"] = tok
			}
			gr, err := call(g, "42", hdr)
			if c.wantErr != "" {
				refusal(t, err, c.wantErr, c.wantMsg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			claims, _ := gr.Context.Authorizer["claims"].(map[string]any)
			if claims["sub"] != "user-9" || claims["iss"] != testIss || claims["email_verified"] != "true" ||
				claims["exp"] == nil || claims["groups"] != `["a","b"]` {
				t.Errorf("$context.authorizer.claims = %v", claims)
			}
			if gr.Context.Authorizer["principalId"] != "user-9" {
				t.Errorf("principalId = %v", gr.Context.Authorizer["principalId"])
			}
		})
	}
}

// Unknown key ids refetch the key set, but at most once per interval: a
// rotated key is picked up, a flood of made-up ids is not forwarded.
func TestJWKSRefetchIsBounded(t *testing.T) {
	is := newIssuer(t)
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	claims := map[string]any{"iss": testIss, "aud": "orders-api", "exp": clk.t.Add(24 * time.Hour).Unix()}
	a := New(Options{RootCAs: is.pool, Now: clk.now, RefetchInterval: time.Minute})
	g := guardFor(t, a, testAPI(jwtDef(is)), "CUSTOM")
	if _, err := call(g, "1", map[string]string{"Authorization": is.sign(t, "k1", claims)}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		_, err := call(g, "1", map[string]string{"Authorization": is.sign(t, "made-up", claims)})
		refusal(t, err, gatewayresponse.Unauthorized, "Unauthorized")
	}
	if got := is.fetches.Load(); got != 1 {
		t.Fatalf("%d fetches within the refetch interval, want 1", got)
	}
	is.addKey(t, "k2")
	clk.t = clk.t.Add(61 * time.Second)
	if _, err := call(g, "1", map[string]string{"Authorization": is.sign(t, "k2", claims)}); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if got := is.fetches.Load(); got != 2 {
		t.Fatalf("%d fetches, want 2", got)
	}
}

func TestJWKSUntrustedCA(t *testing.T) {
	is := newIssuer(t)
	a := New(Options{RootCAs: x509.NewCertPool()})
	g := guardFor(t, a, testAPI(jwtDef(is)), "CUSTOM")
	_, err := call(g, "1", map[string]string{"Authorization": is.sign(t, "k1",
		map[string]any{"iss": testIss, "aud": "orders-api", "exp": time.Now().Add(time.Hour).Unix()})})
	refusal(t, err, gatewayresponse.AuthorizerFailure, "")
	if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("cause does not name the certificate problem: %v", err)
	}
}

func TestCognitoAuthorizer(t *testing.T) {
	is := newIssuer(t)
	now := time.Unix(1_800_000_000, 0)
	iss := is.srv.URL + "/us-east-1_Pool1"
	def := &model.Authorizer{ID: "au1", Name: "pool", Type: TypeCognito,
		ProviderARNs:   []string{"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Pool1"},
		IdentitySource: "method.request.header.Authorization"}
	a := New(Options{RootCAs: is.pool, Now: func() time.Time { return now },
		CognitoIssuer: func(region, pool string) string {
			if region != "us-east-1" || pool != "us-east-1_Pool1" {
				t.Errorf("issuer asked for %s/%s", region, pool)
			}
			return iss
		}})
	access := is.sign(t, "k1", map[string]any{"iss": iss, "client_id": "app", "token_use": "access", "scope": "pets/read",
		"exp": now.Add(time.Hour).Unix(), "sub": "u1"})
	id := is.sign(t, "k1", map[string]any{"iss": iss, "aud": "app", "token_use": "id", "exp": now.Add(time.Hour).Unix(),
		"sub": "u1", "email": "u1@example.com"})
	cases := []struct {
		name    string
		token   string
		scopes  []string
		wantErr gatewayresponse.Type
	}{
		{"id token without scopes", id, nil, ""},
		{"access token with scope", access, []string{"pets/read"}, ""},
		{"id token where scopes are required", id, []string{"pets/read"}, gatewayresponse.Unauthorized},
		{"access token where no scopes are set", access, nil, gatewayresponse.Unauthorized},
		{"access token lacking the scope", access, []string{"pets/write"}, gatewayresponse.Unauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := guardFor(t, a, testAPI(def), "COGNITO_USER_POOLS", c.scopes...)
			gr, err := call(g, "1", map[string]string{"Authorization": c.token})
			if c.wantErr != "" {
				refusal(t, err, c.wantErr, "Unauthorized")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if claims := gr.Context.Authorizer["claims"].(map[string]any); claims["sub"] != "u1" {
				t.Errorf("claims = %v", claims)
			}
		})
	}
	if is.fetches.Load() != 1 {
		t.Errorf("JWKS fetched %d times, want once (cached by URL)", is.fetches.Load())
	}
}

// FuzzJWTAuthorizer sends arbitrary Authorization values through a JWT
// authorizer whose keys are already fetched: nothing may panic, and only
// the genuine token may be accepted, with its own claims.
func FuzzJWTAuthorizer(f *testing.F) {
	is := newIssuer(f)
	now := time.Unix(1_800_000_000, 0)
	good := is.sign(f, "k1", map[string]any{"iss": testIss, "aud": "orders-api", "sub": "user-9", "exp": now.Add(time.Hour).Unix()})
	a := New(Options{RootCAs: is.pool, Now: func() time.Time { return now }, RefetchInterval: time.Hour})
	g := guardFor(f, a, testAPI(jwtDef(is)), "CUSTOM")
	if _, err := call(g, "1", map[string]string{"Authorization": good}); err != nil {
		f.Fatal(err)
	}
	f.Add("Bearer " + good)
	f.Add(good[:len(good)-3])
	f.Add("eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci50ZXN0In0.")
	f.Add("Bearer a.b.c.d.e")
	f.Fuzz(func(t *testing.T, header string) {
		gr, err := call(g, "1", map[string]string{"Authorization": header})
		if err != nil {
			var ge *gatewayresponse.Error
			if !errors.As(err, &ge) {
				t.Fatalf("not a gateway response: %v", err)
			}
			return
		}
		claims, _ := gr.Context.Authorizer["claims"].(map[string]any)
		if claims["sub"] != "user-9" {
			t.Fatalf("accepted %q with claims %v", header, claims)
		}
	})
}
