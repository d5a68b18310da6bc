package authorizer

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// Authorizer types as model.Authorizer.Type holds them.
const (
	TypeToken   = "TOKEN"
	TypeRequest = "REQUEST"
	TypeCognito = "COGNITO_USER_POOLS"
	TypeJWT     = "JWT"
)

// Method authorization types that select an authorizer.
const (
	authCustom  = "CUSTOM"
	authCognito = "COGNITO_USER_POOLS"
)

// DefaultTTL is API Gateway's default authorizerResultTtlInSeconds.
const DefaultTTL = 300 * time.Second

// Options configures the authorizer step.
type Options struct {
	// Invoke builds the signed Invoke API call of a Lambda authorizer from
	// an AWS integration of the authorizer's URI and credentials; ferry
	// serve passes the same factory as for AWS integrations to Lambda. Nil
	// refuses Lambda authorizers when a stage is compiled.
	Invoke integration.Factory
	// Region is the region in method ARNs; empty takes the region of the
	// authorizer's URI.
	Region string
	// AccountID is the account in method ARNs; empty takes $context.accountId.
	AccountID string
	// RootCAs are the CAs JWKS servers must chain to; nil means the
	// system's. Ignored when HTTPClient is set.
	RootCAs *x509.CertPool
	// HTTPClient fetches JWKS documents; nil builds one from RootCAs.
	HTTPClient *http.Client
	// CognitoIssuer gives the issuer URL of a Cognito user pool; nil means
	// Cognito's own, https://cognito-idp.REGION.amazonaws.com/POOL_ID.
	// Its JWKS is ISSUER/.well-known/jwks.json.
	CognitoIssuer func(region, poolID string) string
	// ClockSkew is the leeway on exp and nbf; 0 means one minute.
	ClockSkew time.Duration
	// RefetchInterval is the least time between two JWKS fetches of one URL
	// when tokens name unknown key ids; 0 means 30 seconds.
	RefetchInterval time.Duration
	// KeysTTL is how long fetched keys are used before they are refreshed;
	// 0 means one hour.
	KeysTTL time.Duration
	// MaxCacheEntries bounds each authorizer's cache of results; 0 means 10000.
	MaxCacheEntries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives diagnostics (never tokens or keys); nil discards them.
	Logger *slog.Logger
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Options) skew() time.Duration {
	if o.ClockSkew > 0 {
		return o.ClockSkew
	}
	return time.Minute
}

func (o *Options) maxEntries() int {
	if o.MaxCacheEntries > 0 {
		return o.MaxCacheEntries
	}
	return 10000
}

// Authorizers is the authorizer step of every stage ferry serves. It keeps
// what outlives one compilation: each deployed authorizer's result cache
// (dropped when the stage gets a new deployment, as API Gateway flushes it)
// and the JWKS key sets, shared by URL.
type Authorizers struct {
	opt  Options
	keys *keySets

	mu     sync.Mutex
	stages map[string]*compiled // by API id, stage and authorizer id
}

// New returns the authorizer step.
func New(opt Options) *Authorizers {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	a := &Authorizers{opt: opt, stages: map[string]*compiled{}}
	a.keys = newKeySets(&a.opt)
	return a
}

var _ pipeline.GuardFactory = (*Authorizers)(nil).Guard

// compiled is one authorizer as one deployment of one stage serves it.
type compiled struct {
	deployment string
	// vars are the stage variables the authorizer was built with: a
	// Lambda URI may name its function through them.
	vars  map[string]string
	check checker
}

// checker authorizes one call of one method.
type checker interface {
	authorize(ctx context.Context, g *pipeline.GuardRequest, m *method) error
}

// method is what a checker needs to know of the method being called.
type method struct {
	api    *model.API
	scopes []string
	path   []segment
	region string
	// apiKeyFromAuthorizer is true when the API takes its keys from the
	// authorizer's usageIdentifierKey.
	apiKeyFromAuthorizer bool
}

// Guard is the pipeline.GuardFactory of the authorizer step: methods whose
// authorizationType is CUSTOM or COGNITO_USER_POOLS get a guard, others none.
func (a *Authorizers) Guard(api *model.API, stage *model.Stage, res *model.Resource, m *model.Method) (pipeline.Guard, error) {
	switch m.AuthorizationType {
	case authCustom, authCognito:
	default:
		return nil, nil
	}
	where := fmt.Sprintf("%s %s: authorizer", m.HTTPMethod, res.Path)
	if m.AuthorizerID == "" {
		return nil, fmt.Errorf("%s: authorizationType %s names no authorizerId", where, m.AuthorizationType)
	}
	var def *model.Authorizer
	for _, au := range api.Authorizers {
		if au.ID == m.AuthorizerID {
			def = au
			break
		}
	}
	if def == nil {
		return nil, fmt.Errorf("%s: authorizer %q does not exist in the API", where, m.AuthorizerID)
	}
	where = fmt.Sprintf("%s %q", where, def.Name)
	if m.AuthorizationType == authCognito && def.Type != TypeCognito {
		return nil, fmt.Errorf("%s: authorizationType COGNITO_USER_POOLS needs a COGNITO_USER_POOLS authorizer, not %s", where, def.Type)
	}
	if m.AuthorizationType == authCustom && def.Type == TypeCognito {
		return nil, fmt.Errorf("%s: a COGNITO_USER_POOLS authorizer needs authorizationType COGNITO_USER_POOLS, not CUSTOM", where)
	}
	if len(m.AuthorizationScopes) > 0 && def.Type != TypeCognito && def.Type != TypeJWT {
		return nil, fmt.Errorf("%s: authorizationScopes apply to COGNITO_USER_POOLS and JWT authorizers, not %s", where, def.Type)
	}
	c, err := a.compiledFor(api, stage, def)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	me := &method{
		api:                  api,
		scopes:               m.AuthorizationScopes,
		path:                 splitPath(res.Path),
		region:               a.opt.Region,
		apiKeyFromAuthorizer: strings.EqualFold(api.RestAPI.APIKeySource, model.APIKeySourceAuthorizer),
	}
	if me.region == "" {
		me.region = regionOf(def)
	}
	return func(ctx context.Context, g *pipeline.GuardRequest) error {
		return c.check.authorize(ctx, g, me)
	}, nil
}

// compiledFor returns the authorizer of a stage's deployment, building it
// once so its cache is shared by every method that uses it. Stages without
// a deployment (import checks, test-invoke) get a fresh one each time.
func (a *Authorizers) compiledFor(api *model.API, stage *model.Stage, def *model.Authorizer) (*compiled, error) {
	if stage == nil || stage.DeploymentID == "" || stage.StageName == "" {
		ch, err := a.build(api, stage, def)
		if err != nil {
			return nil, err
		}
		return &compiled{check: ch}, nil
	}
	key := api.RestAPI.ID + "\x00" + stage.StageName + "\x00" + def.ID
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.stages[key]; ok && c.deployment == stage.DeploymentID && maps.Equal(c.vars, stage.Variables) {
		return c, nil
	}
	ch, err := a.build(api, stage, def)
	if err != nil {
		return nil, err
	}
	c := &compiled{deployment: stage.DeploymentID, vars: maps.Clone(stage.Variables), check: ch}
	a.stages[key] = c
	return c, nil
}

func (a *Authorizers) build(api *model.API, stage *model.Stage, def *model.Authorizer) (checker, error) {
	switch def.Type {
	case TypeToken, TypeRequest:
		return a.newLambda(api, stage, def)
	case TypeCognito, TypeJWT:
		return a.newJWT(def)
	}
	return nil, fmt.Errorf("type %q is not one of TOKEN, REQUEST, COGNITO_USER_POOLS, JWT", def.Type)
}

// ttl is the authorizer's result TTL: 300 s unless set, 0 disables caching.
func ttl(def *model.Authorizer) time.Duration {
	if def.AuthorizerResultTTLInSeconds == nil {
		return DefaultTTL
	}
	return time.Duration(*def.AuthorizerResultTTLInSeconds) * time.Second
}
