package authorizer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/lambda"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// The evaluations below follow authorize step by step, with a log line at
// each decision; TestTestInvokeAgreesWithGuard keeps the two in step.

// maxLoggedResult caps the function's answer in the log.
const maxLoggedResult = 4 << 10

// secretHeaders are masked in the logged event whatever the identity
// sources say, since the log is returned to the admin API's caller.
var secretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Amz-Security-Token"}

func (l *lambdaAuth) test(ctx context.Context, g *pipeline.GuardRequest, m *method, tl *testLog, out *TestResult) error {
	key, err := l.testIdentity(g, tl)
	if err != nil {
		return err
	}
	account := l.opt.AccountID
	if account == "" {
		account = g.Context.AccountID
	}
	if account == "" {
		account = l.account
	}
	arn := m.methodARN(g, account)
	tl.logf("Method ARN: %s", arn)
	event, err := l.event(g, m, arn, key)
	if err != nil {
		return gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: event: %w", l.name, err))
	}
	if shown, err := l.event(l.masked(g), m, arn, maskSecret(key)); err == nil {
		tl.logf("Endpoint request body after transformations: %s", shown)
	}
	tl.logf("Sending request to the authorizer function")
	sent := l.opt.now()
	resp, err := l.invoke(ctx, &integration.Request{
		Method: http.MethodPost,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   event,
	})
	if err != nil {
		return gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: invoke: %w", l.name, err))
	}
	tl.logf("Received response. Status: %d, Integration latency: %d ms", resp.Status, l.opt.now().Sub(sent).Milliseconds())
	tl.logf("Authorizer result body before parsing: %s", redactOutput(resp.Body))
	if msg, failed := lambda.FunctionError(resp.Header, resp.Body); failed {
		if msg == "Unauthorized" {
			return gatewayresponse.New(gatewayresponse.Unauthorized, fmt.Errorf("authorizer %s: the function refused the identity (it failed with \"Unauthorized\")", l.name))
		}
		return gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: function error: %s", l.name, msg))
	}
	parsed, err := ParseOutput(resp.Body)
	if err != nil {
		return gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: %w", l.name, err))
	}
	out.PrincipalID = parsed.PrincipalID
	out.Policy = answerPolicy(resp.Body)
	if len(parsed.Context) > 0 {
		out.Authorization = make(map[string][]string, len(parsed.Context))
		for k, v := range parsed.Context {
			out.Authorization[k] = []string{v}
		}
	}
	tl.logf("Using valid authorizer policy for principal: %s", parsed.PrincipalID)
	if parsed.UsageIdentifierKey != "" {
		tl.logf("usageIdentifierKey: %s (the API key of the call where the API's apiKeySource is AUTHORIZER)", maskSecret(parsed.UsageIdentifierKey))
	}
	d := parsed.Policy.Decide(arn)
	tl.logf("Policy decision for %s: %s", arn, d)
	switch d {
	case ExplicitDeny:
		return &gatewayresponse.Error{Type: gatewayresponse.AccessDenied, Message: msgExplicitDeny,
			Cause: fmt.Errorf("authorizer %s: a Deny statement matches %s", l.name, arn)}
	case ImplicitDeny:
		return &gatewayresponse.Error{Type: gatewayresponse.AccessDenied, Message: msgImplicitDeny,
			Cause: fmt.Errorf("authorizer %s: no Allow statement matches %s", l.name, arn)}
	}
	return nil
}

// testIdentity reads the identity as authorize does and refuses a call
// without one in the same cases, logging what it found (masked).
func (l *lambdaAuth) testIdentity(g *pipeline.GuardRequest, tl *testLog) (string, error) {
	vals := &mapping.Values{Path: g.PathParams, Header: g.HTTP.Header, Host: g.HTTP.Host,
		Context: g.Context, StageVariables: g.StageVariables}
	if l.token {
		vs, _ := l.sources[0].Eval(vals)
		if len(vs) == 0 || vs[0] == "" {
			return "", gatewayresponse.New(gatewayresponse.Unauthorized, errors.New("authorizer "+l.name+": no token in "+l.sources[0].String()))
		}
		tl.logf("Incoming identity: %s", maskSecret(vs[0]))
		if l.validate != nil && !l.validate.MatchString(vs[0]) {
			return "", gatewayresponse.New(gatewayresponse.Unauthorized, fmt.Errorf("authorizer %s: the token does not match identityValidationExpression %s", l.name, l.validate))
		}
		return vs[0], nil
	}
	// A REQUEST event carries the request itself; the identity only
	// decides whether the call is made.
	vals.Query = g.HTTP.URL.Query()
	for _, src := range l.sources {
		vs, _ := src.Eval(vals)
		if len(vs) == 0 || vs[0] == "" {
			if l.ttl > 0 {
				return "", gatewayresponse.New(gatewayresponse.Unauthorized, fmt.Errorf("authorizer %s: identity source %s is missing (with a result TTL, a call without every identity source is refused)", l.name, src))
			}
			tl.logf("Identity source %s: empty", src)
			continue
		}
		tl.logf("Identity source %s: %s", src, maskSecret(strings.Join(vs, ",")))
	}
	return "", nil
}

// masked is the call with every secret header, every identity source and
// the context's keys masked, for the logged copy of the event.
func (l *lambdaAuth) masked(g *pipeline.GuardRequest) *pipeline.GuardRequest {
	c := *g
	c.HTTP = g.HTTP.Clone(g.HTTP.Context())
	maskHeader := func(name string) {
		if vs := c.HTTP.Header.Values(name); len(vs) > 0 {
			masked := make([]string, len(vs))
			for i, v := range vs {
				masked[i] = maskSecret(v)
			}
			c.HTTP.Header[http.CanonicalHeaderKey(name)] = masked
		}
	}
	for _, h := range secretHeaders {
		maskHeader(h)
	}
	q := c.HTTP.URL.Query()
	for _, src := range l.sources {
		switch src.Kind {
		case mapping.RequestHeader, mapping.RequestMultiHeader:
			maskHeader(src.Name)
		case mapping.RequestQuery, mapping.RequestMultiQuery:
			for i, v := range q[src.Name] {
				q[src.Name][i] = maskSecret(v)
			}
		}
	}
	c.HTTP.URL.RawQuery = q.Encode()
	if g.Context != nil {
		rc := *g.Context
		rc.Identity.APIKey, rc.Identity.AccessKey = maskSecret(rc.Identity.APIKey), maskSecret(rc.Identity.AccessKey)
		c.Context = &rc
	}
	return &c
}

// redactOutput is the function's answer for the log, its usageIdentifierKey
// (an API key) masked.
func redactOutput(body []byte) string {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err == nil {
		var key string
		if raw, ok := obj["usageIdentifierKey"]; ok && json.Unmarshal(raw, &key) == nil {
			obj["usageIdentifierKey"], _ = json.Marshal(maskSecret(key))
		}
		if b, err := json.Marshal(obj); err == nil {
			body = b
		}
	}
	if len(body) > maxLoggedResult {
		return string(body[:maxLoggedResult]) + " [TRUNCATED]"
	}
	return string(body)
}

// answerPolicy is the policyDocument of an answer ParseOutput accepted, compacted.
func answerPolicy(body []byte) string {
	var raw struct {
		PolicyDocument json.RawMessage `json:"policyDocument"`
	}
	if json.Unmarshal(body, &raw) != nil {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw.PolicyDocument) != nil {
		return ""
	}
	return b.String()
}

func (j *jwtAuth) test(ctx context.Context, g *pipeline.GuardRequest, tl *testLog, out *TestResult) error {
	raw := g.HTTP.Header.Get(j.header.Name)
	if len(raw) > 7 && strings.EqualFold(raw[:7], "bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	if raw == "" {
		return unauthorized("authorizer %s: no token in %s", j.name, j.header)
	}
	tl.logf("Incoming identity: %s", maskSecret(raw))
	for _, is := range j.issuers {
		tl.logf("Accepted issuer: %s, signing keys from %s", is.iss, is.jwks)
	}
	if len(j.audiences) > 0 {
		tl.logf("Accepted audiences: %s", strings.Join(j.audiences, ", "))
	}
	v, until, err := j.verify(ctx, raw, j.opt.now())
	if err != nil {
		return err
	}
	claims, _ := v.auth["claims"].(map[string]any)
	out.Claims = make(map[string]string, len(claims))
	for k, c := range claims {
		if s, ok := c.(string); ok {
			out.Claims[k] = s
		}
	}
	out.PrincipalID, _ = v.auth["principalId"].(string)
	tl.logf("Token verified: signature, issuer, audience and validity; accepted until %s", until.UTC().Format("2006-01-02T15:04:05Z"))
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	sort.Strings(names)
	tl.logf("Claims: %s", strings.Join(names, ", "))
	if len(v.scopes) > 0 {
		tl.logf("Token scopes: %s (a method with authorizationScopes needs one of them)", strings.Join(v.scopes, " "))
	}
	if j.cognito {
		tl.logf("token_use: %s (methods without authorizationScopes take id tokens, methods with scopes access tokens)", v.tokenUse)
	}
	return nil
}
