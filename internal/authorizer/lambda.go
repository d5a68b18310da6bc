package authorizer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/lambda"
	"github.com/ferrygw/ferry/internal/integrationrequest/mapping"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// invokeTimeout bounds an authorizer call; API Gateway allows 30 s in
// principle but a caller waits for this before the method even starts.
const invokeTimeout = 10 * time.Second

// Messages API Gateway answers authorizer refusals with.
const (
	msgExplicitDeny = "User is not authorized to access this resource with an explicit deny"
	msgImplicitDeny = "User is not authorized to access this resource"
)

// lambdaAuth is a compiled TOKEN or REQUEST authorizer.
type lambdaAuth struct {
	opt      *Options
	name     string
	token    bool
	sources  []mapping.Source
	validate *regexp.Regexp
	ttl      time.Duration
	invoke   integration.Backend
	cache    *cache[*result]
	inflight flight[*result]
	// account is the method ARNs' account when neither Options nor
	// $context name one.
	account string
}

// result is an authorizer answer as it is cached: the policy and the
// $context.authorizer map built once, shared read-only by every call it
// serves.
type result struct {
	out  *Output
	auth map[string]any
}

func (a *Authorizers) newLambda(api *model.API, stage *model.Stage, def *model.Authorizer) (checker, error) {
	if a.opt.Invoke == nil {
		return nil, errors.New("ferry was started without AWS support, so Lambda authorizers cannot be invoked")
	}
	if _, ok, err := lambda.ParseInvokeURI(def.AuthorizerURI); err != nil {
		return nil, fmt.Errorf("authorizerUri: %w", err)
	} else if !ok {
		return nil, fmt.Errorf("authorizerUri %q: want arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations", def.AuthorizerURI)
	}
	l := &lambdaAuth{opt: &a.opt, name: def.Name, token: def.Type == TypeToken, ttl: ttl(def), account: accountOf(def)}
	var err error
	if l.sources, err = identitySources(def, l.token, l.ttl > 0); err != nil {
		return nil, err
	}
	if def.IdentityValidationExpression != "" {
		if !l.token {
			return nil, errors.New("identityValidationExpression applies to TOKEN authorizers only")
		}
		// API Gateway matches the whole token, as Java's String.matches does.
		if l.validate, err = regexp.Compile(`^(?:` + def.IdentityValidationExpression + `)$`); err != nil {
			return nil, fmt.Errorf("identityValidationExpression %q: %w", def.IdentityValidationExpression, err)
		}
	}
	if l.ttl > 0 {
		l.cache = newCache[*result](a.opt.maxEntries())
	}
	// The stage's variables fill ${stageVariables.NAME} in the URI, as
	// for Lambda integrations; nil (no stage) in import-time checks.
	var stageName string
	var vars map[string]string
	if stage != nil && stage.StageName != "" {
		stageName, vars = stage.StageName, stage.Variables
		if vars == nil {
			vars = map[string]string{}
		}
	}
	l.invoke, err = a.opt.Invoke(integration.Config{
		Integration: &model.Integration{
			Type: model.IntegrationAWS, HTTPMethod: http.MethodPost, URI: def.AuthorizerURI,
			Credentials: def.AuthorizerCredentials, TimeoutInMillis: int(invokeTimeout / time.Millisecond),
		},
		Where:          "authorizer " + def.Name,
		Logger:         a.opt.Logger,
		APIID:          api.RestAPI.ID,
		Stage:          stageName,
		StageVariables: vars,
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// identitySources parses the identitySource list: one header for TOKEN,
// any headers, query parameters, stage variables and context values for
// REQUEST (required when results are cached, since they are the key).
func identitySources(def *model.Authorizer, token, cached bool) ([]mapping.Source, error) {
	var out []mapping.Source
	for _, s := range strings.Split(def.IdentitySource, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		src, err := mapping.ParseSource(s)
		if err != nil {
			return nil, fmt.Errorf("identitySource: %w", err)
		}
		switch src.Kind {
		case mapping.RequestHeader, mapping.RequestMultiHeader, mapping.RequestQuery, mapping.RequestMultiQuery,
			mapping.StageVariable, mapping.Context:
		default:
			return nil, fmt.Errorf("identitySource %q: an identity comes from method.request.header.*, method.request.querystring.*, stageVariables.* or context.*", s)
		}
		out = append(out, src)
	}
	switch {
	case token && (len(out) != 1 || out[0].Kind != mapping.RequestHeader):
		return nil, fmt.Errorf("identitySource %q: a TOKEN authorizer takes its token from one header, method.request.header.NAME", def.IdentitySource)
	case !token && cached && len(out) == 0:
		return nil, errors.New("identitySource is empty: a REQUEST authorizer with a result TTL needs the identity sources its results are cached by (or authorizerResultTtlInSeconds: 0)")
	}
	return out, nil
}

func (l *lambdaAuth) authorize(ctx context.Context, g *pipeline.GuardRequest, m *method) error {
	vals := &mapping.Values{Path: g.PathParams, Header: g.HTTP.Header, Host: g.HTTP.Host,
		Context: g.Context, StageVariables: g.StageVariables}
	var key string
	if l.token {
		vs, _ := l.sources[0].Eval(vals)
		if len(vs) == 0 || vs[0] == "" {
			return gatewayresponse.New(gatewayresponse.Unauthorized, errors.New("authorizer "+l.name+": no token in "+l.sources[0].String()))
		}
		if l.validate != nil && !l.validate.MatchString(vs[0]) {
			return gatewayresponse.New(gatewayresponse.Unauthorized, errors.New("authorizer "+l.name+": the token does not match identityValidationExpression"))
		}
		key = vs[0]
	} else if len(l.sources) > 0 {
		vals.Query = g.HTTP.URL.Query()
		var b strings.Builder
		for _, src := range l.sources {
			vs, _ := src.Eval(vals)
			if len(vs) == 0 || vs[0] == "" {
				if l.cache != nil {
					return gatewayresponse.New(gatewayresponse.Unauthorized, errors.New("authorizer "+l.name+": identity source "+src.String()+" is missing"))
				}
				continue
			}
			for _, v := range vs {
				b.WriteString(v)
				b.WriteByte(0)
			}
			b.WriteByte(1)
		}
		key = b.String()
	}
	account := l.opt.AccountID
	if account == "" && g.Context != nil {
		account = g.Context.AccountID
	}
	if account == "" {
		account = l.account
	}
	arn := m.methodARN(g, account)
	now := l.opt.now()
	var res *result
	if l.cache != nil {
		res, _ = l.cache.get(key, now)
	}
	if res == nil && l.cache == nil {
		var err error
		if res, err = l.call(ctx, g, m, arn, key); err != nil {
			return err
		}
	} else if res == nil {
		// Calls that share an identity share the invocation; its answer
		// is evaluated against each call's own method ARN below.
		var err error
		res, err = l.inflight.do(key, func() (*result, error) {
			// Not the first caller's cancellation: others wait on this
			// call too; the invoke timeout still bounds it.
			r, err := l.call(context.WithoutCancel(ctx), g, m, arn, key)
			if err == nil {
				l.cache.put(key, r, now.Add(l.ttl), now)
			}
			return r, err
		})
		if err != nil {
			return err
		}
	}
	return apply(res, g, m, arn)
}

// apply evaluates a result's policy for this call and, when it allows,
// hands principal, context and usage key to the steps after.
func apply(res *result, g *pipeline.GuardRequest, m *method, arn string) error {
	switch res.out.Policy.Decide(arn) {
	case ExplicitDeny:
		return &gatewayresponse.Error{Type: gatewayresponse.AccessDenied, Message: msgExplicitDeny}
	case ImplicitDeny:
		return &gatewayresponse.Error{Type: gatewayresponse.AccessDenied, Message: msgImplicitDeny}
	}
	if g.Context != nil {
		g.Context.Authorizer = res.auth
		if m.apiKeyFromAuthorizer && res.out.UsageIdentifierKey != "" {
			g.Context.Identity.APIKey = res.out.UsageIdentifierKey
		}
	}
	return nil
}

// call invokes the function and parses its answer. A function that fails
// with the message "Unauthorized" refuses the caller with 401, as with API
// Gateway; any other failure is the authorizer's, answered 500.
func (l *lambdaAuth) call(ctx context.Context, g *pipeline.GuardRequest, m *method, arn, token string) (*result, error) {
	event, err := l.event(g, m, arn, token)
	if err != nil {
		return nil, gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: event: %w", l.name, err))
	}
	resp, err := l.invoke(ctx, &integration.Request{
		Method: http.MethodPost,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   event,
	})
	if err != nil {
		return nil, gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: invoke: %w", l.name, err))
	}
	if msg, failed := lambda.FunctionError(resp.Header, resp.Body); failed {
		if msg == "Unauthorized" {
			return nil, gatewayresponse.New(gatewayresponse.Unauthorized, fmt.Errorf("authorizer %s: the function refused the identity", l.name))
		}
		return nil, gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: function error: %s", l.name, msg))
	}
	out, err := ParseOutput(resp.Body)
	if err != nil {
		return nil, gatewayresponse.New(gatewayresponse.AuthorizerConfigError, fmt.Errorf("authorizer %s: %w", l.name, err))
	}
	auth := make(map[string]any, len(out.Context)+1)
	for k, v := range out.Context {
		auth[k] = v
	}
	auth["principalId"] = out.PrincipalID
	return &result{out: out, auth: auth}, nil
}
