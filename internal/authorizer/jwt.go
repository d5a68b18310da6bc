package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// msgExpired is API Gateway's answer to an expired Cognito token.
const msgExpired = "The incoming token has expired"

// algorithms are the signature algorithms accepted: asymmetric ones only,
// since a JWKS publishes public keys (an HMAC "key" there would be public).
var algorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

type issuer struct {
	iss, jwks string
}

// jwtAuth is a compiled COGNITO_USER_POOLS or JWT authorizer.
type jwtAuth struct {
	opt       *Options
	keys      *keySets
	name      string
	cognito   bool
	issuers   []issuer
	audiences []string
	header    mapping.Source
	ttl       time.Duration
	cache     *cache[*verified]
}

// verified is a token that passed signature, issuer, audience and time
// checks, cached until its TTL or its expiry, whichever comes first.
type verified struct {
	auth     map[string]any
	scopes   []string
	tokenUse string
}

func (a *Authorizers) newJWT(def *model.Authorizer) (checker, error) {
	j := &jwtAuth{opt: &a.opt, keys: a.keys, name: def.Name, cognito: def.Type == TypeCognito, ttl: ttl(def)}
	src := def.IdentitySource
	if src == "" {
		src = "method.request.header.Authorization"
	}
	var err error
	if j.header, err = mapping.ParseSource(strings.TrimSpace(src)); err != nil || j.header.Kind != mapping.RequestHeader {
		return nil, fmt.Errorf("identitySource %q: a token authorizer reads one header, method.request.header.NAME", src)
	}
	if j.cognito {
		if len(def.ProviderARNs) == 0 {
			return nil, errors.New("providerARNs is empty: name the user pools whose tokens are accepted")
		}
		for _, arn := range def.ProviderARNs {
			region, pool, err := userPool(arn)
			if err != nil {
				return nil, err
			}
			iss := "https://cognito-idp." + region + ".amazonaws.com/" + pool
			if a.opt.CognitoIssuer != nil {
				iss = a.opt.CognitoIssuer(region, pool)
			}
			j.issuers = append(j.issuers, issuer{iss: iss, jwks: strings.TrimRight(iss, "/") + "/.well-known/jwks.json"})
		}
		if def.JWT != nil {
			j.audiences = def.JWT.Audiences
		}
	} else {
		c := def.JWT
		if c == nil {
			return nil, errors.New("a JWT authorizer needs jwtConfiguration (issuer, audience, jwksUri)")
		}
		if c.Issuer == "" {
			return nil, errors.New("jwtConfiguration.issuer is empty")
		}
		if len(c.Audiences) == 0 {
			return nil, errors.New("jwtConfiguration.audience is empty: name the audiences (aud or client_id) tokens must be issued for")
		}
		u, err := url.Parse(c.JWKSURI)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("jwtConfiguration.jwksUri %q: signing keys are fetched over HTTPS only", c.JWKSURI)
		}
		j.issuers = []issuer{{iss: c.Issuer, jwks: c.JWKSURI}}
		j.audiences = c.Audiences
	}
	if j.ttl > 0 {
		j.cache = newCache[*verified](a.opt.maxEntries())
	}
	return j, nil
}

// userPool splits arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID.
func userPool(arn string) (region, pool string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "cognito-idp" || !strings.HasPrefix(parts[5], "userpool/") || parts[3] == "" {
		return "", "", fmt.Errorf("providerARNs: %q is not arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID", arn)
	}
	pool = strings.TrimPrefix(parts[5], "userpool/")
	if pool == "" || strings.ContainsAny(pool, "/?#") {
		return "", "", fmt.Errorf("providerARNs: %q names no user pool id", arn)
	}
	return parts[3], pool, nil
}

func unauthorized(format string, args ...any) error {
	return gatewayresponse.New(gatewayresponse.Unauthorized, fmt.Errorf(format, args...))
}

func (j *jwtAuth) authorize(ctx context.Context, g *pipeline.GuardRequest, m *method) error {
	raw := g.HTTP.Header.Get(j.header.Name)
	if len(raw) > 7 && strings.EqualFold(raw[:7], "bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	if raw == "" {
		return unauthorized("authorizer %s: no token in %s", j.name, j.header)
	}
	now := j.opt.now()
	var v *verified
	if j.cache != nil {
		v, _ = j.cache.get(raw, now)
	}
	if v == nil {
		var exp time.Time
		var err error
		if v, exp, err = j.verify(ctx, raw, now); err != nil {
			return err
		}
		if j.cache != nil {
			until := now.Add(j.ttl)
			if exp.Before(until) {
				until = exp
			}
			j.cache.put(raw, v, until, now)
		}
	}
	if j.cognito && len(m.scopes) == 0 && v.tokenUse != "id" {
		// API Gateway takes ID tokens for methods without scopes, and
		// access tokens only where scopes say what they allow.
		return unauthorized("authorizer %s: a method without authorizationScopes takes ID tokens", j.name)
	}
	if len(m.scopes) > 0 {
		if j.cognito && v.tokenUse != "access" {
			return unauthorized("authorizer %s: the method requires scopes, which only access tokens carry", j.name)
		}
		if !anyScope(v.scopes, m.scopes) {
			if j.cognito {
				return unauthorized("authorizer %s: the token has none of the method's scopes", j.name)
			}
			return &gatewayresponse.Error{Type: gatewayresponse.AccessDenied, Message: msgImplicitDeny,
				Cause: fmt.Errorf("authorizer %s: the token has none of the method's scopes", j.name)}
		}
	}
	if g.Context != nil {
		g.Context.Authorizer = v.auth
	}
	return nil
}

func anyScope(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if h == w {
				return true
			}
		}
	}
	return false
}

// verify checks a token's signature against its issuer's keys, then its
// issuer, audience and validity window. It returns the time the token
// stops being valid, which bounds how long it is cached.
func (j *jwtAuth) verify(ctx context.Context, raw string, now time.Time) (*verified, time.Time, error) {
	tok, err := jwt.ParseSigned(raw, algorithms)
	if err != nil {
		return nil, time.Time{}, unauthorized("authorizer %s: not a signed JWT: %v", j.name, err)
	}
	if len(tok.Headers) != 1 {
		return nil, time.Time{}, unauthorized("authorizer %s: want one signature", j.name)
	}
	var unverified struct {
		Iss string `json:"iss"`
	}
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, time.Time{}, unauthorized("authorizer %s: claims: %v", j.name, err)
	}
	var is *issuer
	for i := range j.issuers {
		if j.issuers[i].iss == unverified.Iss {
			is = &j.issuers[i]
		}
	}
	if is == nil {
		return nil, time.Time{}, unauthorized("authorizer %s: the token's issuer is not one this authorizer accepts", j.name)
	}
	key, err := j.keys.key(ctx, is.jwks, tok.Headers[0].KeyID)
	if err != nil {
		if errors.Is(err, errUnknownKey) {
			return nil, time.Time{}, unauthorized("authorizer %s: %v", j.name, err)
		}
		return nil, time.Time{}, gatewayresponse.New(gatewayresponse.AuthorizerFailure, fmt.Errorf("authorizer %s: %w", j.name, err))
	}
	var claims map[string]any
	var std jwt.Claims
	if err := tok.Claims(key.Key, &claims, &std); err != nil {
		return nil, time.Time{}, unauthorized("authorizer %s: signature: %v", j.name, err)
	}
	skew := j.opt.skew()
	if std.Expiry == nil {
		return nil, time.Time{}, unauthorized("authorizer %s: the token has no exp claim", j.name)
	}
	exp := std.Expiry.Time().Add(skew)
	if !now.Before(exp) {
		return nil, time.Time{}, &gatewayresponse.Error{Type: gatewayresponse.Unauthorized, Message: msgExpired,
			Cause: fmt.Errorf("authorizer %s: token expired at %s", j.name, std.Expiry.Time().UTC().Format(time.RFC3339))}
	}
	if std.NotBefore != nil && now.Add(skew).Before(std.NotBefore.Time()) {
		return nil, time.Time{}, unauthorized("authorizer %s: token not valid before %s", j.name, std.NotBefore.Time().UTC().Format(time.RFC3339))
	}
	if len(j.audiences) > 0 {
		clientID, _ := claims["client_id"].(string)
		if !anyScope(std.Audience, j.audiences) && (clientID == "" || !anyScope([]string{clientID}, j.audiences)) {
			return nil, time.Time{}, unauthorized("authorizer %s: the token's audience is not accepted", j.name)
		}
	}
	v := &verified{auth: map[string]any{"claims": stringClaims(claims)}}
	v.tokenUse, _ = claims["token_use"].(string)
	if j.cognito && v.tokenUse != "id" && v.tokenUse != "access" {
		return nil, time.Time{}, unauthorized("authorizer %s: the token's token_use is neither id nor access", j.name)
	}
	switch s := claims["scope"].(type) {
	case string:
		v.scopes = strings.Fields(s)
	case []any:
		for _, x := range s {
			if str, ok := x.(string); ok {
				v.scopes = append(v.scopes, str)
			}
		}
	}
	if sub, ok := claims["sub"].(string); ok {
		v.auth["principalId"] = sub
	}
	return v, exp, nil
}

// stringClaims gives claims as API Gateway hands them to mappings: every
// value a string, numbers without exponent, lists and objects as JSON.
func stringClaims(claims map[string]any) map[string]any {
	out := make(map[string]any, len(claims))
	for k, v := range claims {
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1e15 {
				out[k] = strconv.FormatInt(int64(x), 10)
			} else {
				out[k] = strconv.FormatFloat(x, 'f', -1, 64)
			}
		case bool:
			out[k] = strconv.FormatBool(x)
		case nil:
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}
