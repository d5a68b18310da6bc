package awsauth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/store"
)

// KVMReader reads a map entry's plaintext; *kvm.Service satisfies it.
type KVMReader interface {
	Get(ctx context.Context, scope, mapName, key string) (kvm.Secret, error)
}

var _ KVMReader = (*kvm.Service)(nil)

// Where names the API and stage a credentials reference is resolved for:
// a kvm:MAP/ENTRY is looked up in the stage's scope, then the API's, then
// the global one.
type Where struct {
	APIID, Stage string
	// ExternalID, when set, is passed to AssumeRole instead of the external
	// id configured for the role: an integration that names its own (ferry's
	// short form for Lambda) may share a role with others.
	ExternalID string
}

func (w Where) scopes() []string { return kvm.LookupScopes(w.APIID, w.Stage) }

// expiryWindow is how long before expiry assumed-role credentials are
// refreshed: far enough ahead that a request signed just before the
// refresh does not reach AWS with expired credentials.
const expiryWindow = 5 * time.Minute

// Resolver turns integration credentials strings into credential providers.
// It is safe for concurrent use; providers for roles are built once and
// shared, so every integration naming a role shares one cache.
type Resolver struct {
	cfg       Config
	kv        KVMReader
	endpoints *Endpoints
	httpc     aws.HTTPClient
	loadBase  func(ctx context.Context) (aws.Config, error)

	baseOnce sync.Once
	base     aws.Config
	baseErr  error

	mu    sync.Mutex
	roles map[string]*aws.CredentialsCache
}

// Option adjusts a Resolver.
type Option func(*Resolver)

// WithGetenv replaces os.Getenv for endpoint overrides; tests use it.
func WithGetenv(getenv func(string) string) Option {
	return func(r *Resolver) { r.endpoints = NewEndpoints(r.cfg, getenv) }
}

// WithHTTPClient sets the client for STS calls. The default is the SDK's
// buildable client, which honours AWS_CA_BUNDLE through LoadDefaultConfig.
func WithHTTPClient(c aws.HTTPClient) Option { return func(r *Resolver) { r.httpc = c } }

// WithBaseConfig replaces config.LoadDefaultConfig, the source of the
// default credential chain and of the SDK settings STS clients start from.
func WithBaseConfig(load func(ctx context.Context) (aws.Config, error)) Option {
	return func(r *Resolver) { r.loadBase = load }
}

// NewResolver validates cfg and returns a resolver reading kvm references
// through kv (which may be nil when no integration uses them).
func NewResolver(cfg Config, kv KVMReader, opts ...Option) (*Resolver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &Resolver{cfg: cfg, kv: kv, endpoints: NewEndpoints(cfg, nil), roles: map[string]*aws.CredentialsCache{}}
	for _, o := range opts {
		o(r)
	}
	if r.loadBase == nil {
		r.loadBase = func(ctx context.Context) (aws.Config, error) {
			var lo []func(*config.LoadOptions) error
			if cfg.Region != "" {
				lo = append(lo, config.WithRegion(cfg.Region))
			}
			if r.httpc != nil {
				lo = append(lo, config.WithHTTPClient(r.httpc))
			}
			return config.LoadDefaultConfig(ctx, lo...)
		}
	}
	return r, nil
}

// Endpoints returns the endpoint resolver the Resolver uses for STS, so
// callers resolve integration endpoints with the same overrides.
func (r *Resolver) Endpoints() *Endpoints { return r.endpoints }

func (r *Resolver) baseConfig(ctx context.Context) (aws.Config, error) {
	r.baseOnce.Do(func() {
		r.base, r.baseErr = r.loadBase(ctx)
		if r.baseErr != nil {
			r.baseErr = fmt.Errorf("awsauth: load the SDK's default configuration: %w", r.baseErr)
		}
	})
	return r.base, r.baseErr
}

// ValidateCredentialsRef is the deploy-time check of an integration's
// credentials string: its syntax, and for kvm:MAP/ENTRY that the entry
// exists and holds well-formed credential_process JSON.
func (r *Resolver) ValidateCredentialsRef(ctx context.Context, ref string, where Where) error {
	p, err := ParseCredentials(ref)
	if err != nil {
		return err
	}
	if p.Kind == KVMEntry {
		_, err := r.readKVM(ctx, p.KVM, where)
		return err
	}
	return nil
}

// Provider returns the credentials provider for an integration's
// credentials string. Providers from kvm references read the entry on
// every Retrieve, so a changed entry takes effect at once.
func (r *Resolver) Provider(ctx context.Context, ref string, where Where) (aws.CredentialsProvider, error) {
	p, err := ParseCredentials(ref)
	if err != nil {
		return nil, err
	}
	switch p.Kind {
	case KVMEntry:
		return &kvmProvider{r: r, ref: p.KVM, where: where}, nil
	case AssumeRole:
		return r.roleProvider(ctx, p.Role.String(), where.ExternalID)
	}
	base, err := r.baseConfig(ctx)
	if err != nil {
		return nil, err
	}
	if base.Credentials == nil {
		return nil, errors.New("awsauth: the SDK's default chain found no credentials")
	}
	return base.Credentials, nil
}

// Retrieve is Provider followed by Retrieve, for callers that sign at once.
func (r *Resolver) Retrieve(ctx context.Context, ref string, where Where) (aws.Credentials, error) {
	p, err := r.Provider(ctx, ref, where)
	if err != nil {
		return aws.Credentials{}, err
	}
	c, err := p.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("awsauth: credentials %s: %w", describeRef(ref), err)
	}
	return c, nil
}

func describeRef(ref string) string {
	if ref == "" {
		return "from the default chain"
	}
	return ref
}

func (r *Resolver) roleConfig(arn string) RoleConfig {
	for _, rc := range r.cfg.Roles {
		if rc.ARN == arn {
			return rc
		}
	}
	return RoleConfig{ARN: arn}
}

// roleProvider returns the shared, cached AssumeRole provider of a role,
// one per external id it is assumed with.
func (r *Resolver) roleProvider(ctx context.Context, arn, externalID string) (aws.CredentialsProvider, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := arn
	if externalID != "" {
		key = arn + "\x00" + externalID
	}
	if c, ok := r.roles[key]; ok {
		return c, nil
	}
	rc := r.roleConfig(arn)
	if externalID != "" {
		rc.ExternalID = externalID
	}
	client, err := r.stsClient(ctx, rc)
	if err != nil {
		return nil, err
	}
	assume := stscreds.NewAssumeRoleProvider(client, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = rc.SessionName
		if o.RoleSessionName == "" {
			o.RoleSessionName = defaultSessionName
		}
		o.Duration = defaultDuration
		if rc.DurationSeconds != 0 {
			o.Duration = time.Duration(rc.DurationSeconds) * time.Second
		}
		if rc.ExternalID != "" {
			o.ExternalID = aws.String(rc.ExternalID)
		}
	})
	cache := aws.NewCredentialsCache(assume, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = expiryWindow
		// Jitter spreads the refreshes of many nodes sharing a role.
		o.ExpiryWindowJitterFrac = 0.2
	})
	r.roles[key] = cache
	return cache, nil
}

// errNoRegion says neither ferry's config nor the SDK's gave a region.
var errNoRegion = errors.New("no region")

// serviceTarget is what a client of ferry's own calls to service (STS,
// KMS) is built from: the SDK's base configuration, the region (ferry's
// config first, then the SDK's) and the endpoint, overrides included.
func (r *Resolver) serviceTarget(ctx context.Context, service string) (aws.Config, string, Endpoint, error) {
	base, err := r.baseConfig(ctx)
	if err != nil {
		return aws.Config{}, "", Endpoint{}, err
	}
	region := r.cfg.Region
	if region == "" {
		region = base.Region
	}
	if region == "" {
		return aws.Config{}, "", Endpoint{}, errNoRegion
	}
	ep, err := r.endpoints.Resolve(service, region)
	return base, region, ep, err
}

// stsClient builds the STS client that assumes a role: the role's source
// credentials, the configured region and the same endpoint overrides as
// every other service.
func (r *Resolver) stsClient(ctx context.Context, rc RoleConfig) (*sts.Client, error) {
	base, region, ep, err := r.serviceTarget(ctx, "sts")
	if errors.Is(err, errNoRegion) {
		return nil, fmt.Errorf("awsauth: assume %s: no region for STS (set region in ferry's config or AWS_REGION)", rc.ARN)
	}
	if err != nil {
		return nil, fmt.Errorf("awsauth: assume %s: %w", rc.ARN, err)
	}
	var source aws.CredentialsProvider = base.Credentials
	if rc.SourceCredentials != "" {
		ref, err := ParseKVMRef(rc.SourceCredentials)
		if err != nil {
			return nil, fmt.Errorf("awsauth: role %s sourceCredentials: %w", rc.ARN, err)
		}
		source = aws.NewCredentialsCache(&kvmProvider{r: r, ref: ref, where: Where{}})
	}
	if source == nil {
		return nil, fmt.Errorf("awsauth: assume %s: no source credentials (the default chain found none)", rc.ARN)
	}
	return sts.NewFromConfig(base, func(o *sts.Options) {
		o.Region = region
		o.Credentials = source
		if ep.Overridden {
			o.BaseEndpoint = aws.String(ep.URL)
		}
		if r.httpc != nil {
			o.HTTPClient = r.httpc
		} else if o.HTTPClient == nil {
			o.HTTPClient = awshttp.NewBuildableClient()
		}
	}), nil
}

// kvmProvider reads credential_process JSON from a map entry on every
// Retrieve.
type kvmProvider struct {
	r     *Resolver
	ref   KVMRef
	where Where
}

func (p *kvmProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	return p.r.readKVM(ctx, p.ref, p.where)
}

// readKVM parses the entry of the narrowest scope that holds it, so a
// stage can override credentials its API or the global scope define.
func (r *Resolver) readKVM(ctx context.Context, ref KVMRef, where Where) (aws.Credentials, error) {
	if r.kv == nil {
		return aws.Credentials{}, fmt.Errorf("awsauth: credentials %s: key-value maps are not available", ref)
	}
	var lastErr error
	for _, scope := range where.scopes() {
		sec, err := r.kv.Get(ctx, scope, ref.Map, ref.Entry)
		if err == nil {
			return parseProcessCredentials(sec.Bytes(), ref.String()+" in "+scope)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return aws.Credentials{}, fmt.Errorf("awsauth: credentials %s in %s: %w", ref, scope, err)
		}
		lastErr = err
	}
	return aws.Credentials{}, fmt.Errorf("awsauth: credentials %s: no such entry in %v: %w", ref, where.scopes(), lastErr)
}
