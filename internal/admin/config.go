package admin

import (
	"context"
	"log/slog"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// Config configures the admin API.
type Config struct {
	// Store holds the control-plane state; *store.Store satisfies it.
	Store Store
	// Tokens are the bearer tokens accepted; at least one is required.
	Tokens []Token
	// Pipeline configures the checks every write goes through and the
	// test-invoke runs; give it the gateway's own options (integrations,
	// transport, $kvm) so a test-invoke behaves as the gateway will.
	Pipeline pipeline.Options
	// Logger receives one line per request (never a token) and internal errors; nil discards.
	Logger *slog.Logger
	// OnChange is called after every committed write, so the gateway can reload what it serves.
	OnChange func()
	// Usage reads the data plane's per-key usage for GET
	// /usageplans/{id}/usage; nil answers that route with 404.
	// *usageplan.Enforcer satisfies it.
	Usage UsageReader
	// Authorizers evaluates an API's authorizer for POST
	// /restapis/{id}/authorizers/{authorizerId} (TestInvokeAuthorizer);
	// nil answers that route with 404. *authorizer.Authorizers satisfies it.
	Authorizers AuthorizerTester
	// KVM serves the key-value maps under /ferry/kvms; nil answers those
	// routes with 404. *kvm.Service satisfies it.
	KVM KVMService
	// CheckDeploy, when set, is called with the API a deployment or stage is
	// about to serve, before anything is stored; a non-nil error refuses it
	// with a 400 carrying the error's message. The server uses it to resolve
	// kvm:MAP/ENTRY credentials in the stage's scopes.
	CheckDeploy func(ctx context.Context, api *model.API, apiID, stage string) error
}

// Store is what the admin API needs of package store; *store.Store
// implements it. Errors wrap store.ErrNotFound and store.ErrConflict.
type Store interface {
	CreateAPI(ctx context.Context, api *model.API) error
	GetAPI(ctx context.Context, id string) (*model.API, error)
	ListAPIs(ctx context.Context) ([]model.RestAPI, error)
	UpdateAPI(ctx context.Context, id string, fn func(*model.API) error) (*model.API, error)
	DeleteAPI(ctx context.Context, id string) error

	CreateDeployment(ctx context.Context, d *model.Deployment) error
	GetDeployment(ctx context.Context, apiID, id string) (*model.Deployment, error)
	ListDeployments(ctx context.Context, apiID string) ([]*model.Deployment, error)
	DeleteDeployment(ctx context.Context, apiID, id string) error

	CreateStage(ctx context.Context, st *model.Stage) error
	UpdateStage(ctx context.Context, apiID, name string, fn func(*model.Stage) error) (*model.Stage, error)
	GetStage(ctx context.Context, apiID, name string) (*model.Stage, error)
	ListStages(ctx context.Context, apiID string) ([]*model.Stage, error)
	DeleteStage(ctx context.Context, apiID, name string) error
	DeployToStage(ctx context.Context, apiID string, d *model.Deployment, stageName string, vars map[string]string, description string) (*model.Stage, error)

	PutDomainName(ctx context.Context, d *model.DomainName) error
	ListDomainNames(ctx context.Context) ([]*model.DomainName, error)
	DeleteDomainName(ctx context.Context, name string) error
	PutBasePathMapping(ctx context.Context, m *model.BasePathMapping) error
	ListBasePathMappings(ctx context.Context, domain string) ([]*model.BasePathMapping, error)
	DeleteBasePathMapping(ctx context.Context, domain, basePath string) error
}
