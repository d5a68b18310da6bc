package usageplan

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// DefaultUsageRetention is how long daily usage stays readable.
const DefaultUsageRetention = 90 * 24 * time.Hour

// Config configures an Enforcer.
type Config struct {
	// Store holds the API keys and usage plans; required.
	Store KeyStore
	// Limiter keeps the token buckets; nil keeps them in memory.
	Limiter Limiter
	// Counter keeps quota and usage counters; nil keeps them in memory.
	Counter Counter
	// CacheTTL is how long a key read from the store is reused; 0 means DefaultCacheTTL.
	CacheTTL time.Duration
	// UsageRetention is how long daily usage is kept; 0 means DefaultUsageRetention.
	UsageRetention time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Enforcer checks API keys, throttles and quotas. One Enforcer serves every
// stage of a process, across reloads, so its counters outlive a redeploy.
type Enforcer struct {
	names     counterNames
	keys      *Keys
	limiter   Limiter
	counter   Counter
	retention time.Duration
	now       func() time.Time
}

// New returns an Enforcer; it fails only when cfg has no store.
func New(cfg Config) (*Enforcer, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("usageplan: Config.Store is nil")
	}
	e := &Enforcer{keys: NewKeys(cfg.Store, cfg.CacheTTL), limiter: cfg.Limiter, counter: cfg.Counter,
		retention: cfg.UsageRetention, now: cfg.Now}
	if e.limiter == nil {
		e.limiter = NewMemoryLimiter()
	}
	if e.counter == nil {
		e.counter = NewMemoryCounter()
	}
	if e.retention <= 0 {
		e.retention = DefaultUsageRetention
	}
	if e.now == nil {
		e.now = time.Now
	}
	return e, nil
}

var _ pipeline.GuardFactory = (*Enforcer)(nil).Guard

// MethodKey names a method the way usage plans and stage settings do:
// "/pets/{id}/GET", and "//GET" for the root resource.
func MethodKey(resourcePath, httpMethod string) string {
	return resourcePath + "/" + httpMethod
}

// normalizeKey reads a settings key as users write it: API Gateway's
// JSON-pointer escape "~1" for '/', with or without the leading slash.
func normalizeKey(k string) string {
	if k == "*/*" {
		return k
	}
	k = strings.ReplaceAll(k, "~1", "/")
	if !strings.HasPrefix(k, "/") {
		k = "/" + k
	}
	return k
}

// methodGuard is what one compiled method checks.
type methodGuard struct {
	e         *Enforcer
	apiID     string
	method    string // MethodKey of the method
	keySource string
	needKey   bool
	// stage throttles every caller of this method alike.
	stage       Bucket
	stageOn     bool
	stageBucket string
}

// Guard is the pipeline.GuardFactory: it returns nil for a method that
// needs no key and has no stage throttle.
func (e *Enforcer) Guard(api *model.API, stage *model.Stage, res *model.Resource, m *model.Method) (pipeline.Guard, error) {
	g := &methodGuard{e: e, apiID: api.RestAPI.ID, method: MethodKey(res.Path, methodVerb(res, m)),
		keySource: api.RestAPI.APIKeySource, needKey: m.APIKeyRequired}
	switch g.keySource {
	case "", model.APIKeySourceHeader:
		g.keySource = model.APIKeySourceHeader
	case model.APIKeySourceAuthorizer:
	default:
		return nil, fmt.Errorf("apiKeySource %q: want HEADER or AUTHORIZER", g.keySource)
	}
	if ms := stageSetting(stage, g.method); ms != nil {
		b, ok, err := newBucket("stage "+stage.StageName+" methodSettings throttling", ms.ThrottlingRateLimit, ms.ThrottlingBurstLimit)
		if err != nil {
			return nil, err
		}
		g.stage, g.stageOn = b, ok
		g.stageBucket = "s|" + g.apiID + "|" + stage.StageName + "|" + g.method
	}
	if !g.needKey && !g.stageOn {
		return nil, nil
	}
	return g.run, nil
}

// methodVerb is the verb under which m is defined on res.
func methodVerb(res *model.Resource, m *model.Method) string {
	if m.HTTPMethod != "" {
		return m.HTTPMethod
	}
	for verb, x := range res.ResourceMethods {
		if x == m {
			return verb
		}
	}
	return ""
}

// stageSetting returns the method's own settings, or the stage's "*/*".
func stageSetting(st *model.Stage, method string) *model.MethodSetting {
	if st == nil || len(st.MethodSettings) == 0 {
		return nil
	}
	var all *model.MethodSetting
	for k, ms := range st.MethodSettings {
		if ms == nil {
			continue
		}
		switch nk := normalizeKey(k); {
		case nk == method:
			return ms
		case nk == "*/*":
			all = ms
		}
	}
	return all
}

func (g *methodGuard) run(ctx context.Context, r *pipeline.GuardRequest) error {
	now := g.e.now()
	if g.needKey {
		if err := g.checkKey(ctx, r, now); err != nil {
			return err
		}
	}
	if g.stageOn {
		wait, err := g.e.limiter.Take(ctx, g.stageBucket, g.stage, now)
		if err != nil {
			return fmt.Errorf("usageplan: stage throttle: %w", err)
		}
		if wait > 0 {
			return refuse(r, gatewayresponse.Throttled, wait)
		}
	}
	return nil
}

func (g *methodGuard) checkKey(ctx context.Context, r *pipeline.GuardRequest, now time.Time) error {
	var value string
	if g.keySource == model.APIKeySourceAuthorizer {
		value = r.Context.Identity.APIKey
	} else {
		value = r.HTTP.Header.Get("X-Api-Key")
	}
	if value == "" {
		return gatewayresponse.New(gatewayresponse.InvalidAPIKey, nil)
	}
	key, plans, err := g.e.keys.Lookup(ctx, value, now)
	if err != nil {
		return fmt.Errorf("usageplan: reading api key: %w", err)
	}
	if key == nil || !key.Enabled {
		return gatewayresponse.New(gatewayresponse.InvalidAPIKey, nil)
	}
	plan, ps := coveringPlan(plans, g.apiID, r.Stage)
	if plan == nil {
		return gatewayresponse.New(gatewayresponse.InvalidAPIKey, nil)
	}
	r.Context.Identity.APIKey = value
	r.Context.Identity.APIKeyID = key.ID

	names := g.e.names.of(plan.ID, key.ID)
	th, bucketName := plan.Throttle, names.bucket
	if o := methodOverride(ps, g.method); o != nil {
		th, bucketName = o, names.bucket+"|"+r.Stage+"|"+g.method
	}
	if th != nil {
		b, ok, err := newBucket("throttle", th.RateLimit, th.BurstLimit)
		if err != nil {
			return gatewayresponse.Internal(fmt.Errorf("usage plan %s: %w", plan.ID, err))
		}
		if ok {
			wait, err := g.e.limiter.Take(ctx, bucketName, b, now)
			if err != nil {
				return fmt.Errorf("usageplan: throttle: %w", err)
			}
			if wait > 0 {
				return refuse(r, gatewayresponse.Throttled, wait)
			}
		}
	}
	q, ok, err := NewQuota(plan)
	if err != nil {
		return gatewayresponse.Internal(fmt.Errorf("usage plan %s: %w", plan.ID, err))
	}
	if ok {
		start, end := q.Bounds(now)
		_, taken, err := g.e.counter.Take(ctx, names.quotaKey(start), q.LimitAt(now), end)
		if err != nil {
			return fmt.Errorf("usageplan: quota: %w", err)
		}
		if !taken {
			return refuse(r, gatewayresponse.QuotaExceeded, end.Sub(now))
		}
	}
	if _, err := g.e.counter.Add(ctx, names.usageKey(now), 1, now.Add(g.e.retention)); err != nil {
		return fmt.Errorf("usageplan: usage: %w", err)
	}
	return nil
}

// refuse answers 429 with a Retry-After that a client can honour.
func refuse(r *pipeline.GuardRequest, t gatewayresponse.Type, wait time.Duration) error {
	r.Header.Set("Retry-After", strconv.FormatInt(retryAfter(wait), 10))
	return gatewayresponse.New(t, nil)
}

// coveringPlan is the plan of the key that covers the API stage; the store
// refuses to bind a key to two plans that share a stage, so there is one.
func coveringPlan(plans []*model.UsagePlan, apiID, stage string) (*model.UsagePlan, *model.UsagePlanStage) {
	for _, p := range plans {
		for i := range p.APIStages {
			if s := &p.APIStages[i]; s.APIID == apiID && s.Stage == stage {
				return p, s
			}
		}
	}
	return nil, nil
}

func methodOverride(ps *model.UsagePlanStage, method string) *model.ThrottleSettings {
	if len(ps.Throttle) == 0 {
		return nil
	}
	if t, ok := ps.Throttle[method]; ok {
		return t
	}
	for k, t := range ps.Throttle {
		if normalizeKey(k) == method {
			return t
		}
	}
	return nil
}

// counterNames keeps the counter names of each plan and key, built once,
// so a request does not concatenate them again.
type counterNames struct {
	mu sync.RWMutex
	m  map[[2]string]*names
}

// names are the counters of one key in one plan: its bucket, and the
// prefixes of its quota (by period start) and usage (by day) counters.
type names struct {
	bucket, quota, usage string
}

func (c *counterNames) of(planID, keyID string) *names {
	k := [2]string{planID, keyID}
	c.mu.RLock()
	n := c.m[k]
	c.mu.RUnlock()
	if n != nil {
		return n
	}
	n = &names{bucket: "k|" + planID + "|" + keyID, quota: "q|" + planID + "|" + keyID + "|", usage: usagePrefix(planID, keyID)}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedKeys {
		c.m = make(map[[2]string]*names)
	}
	c.m[k] = n
	c.mu.Unlock()
	return n
}

func (n *names) quotaKey(start time.Time) string {
	var buf [96]byte
	return string(strconv.AppendInt(append(buf[:0], n.quota...), start.Unix(), 10))
}

func (n *names) usageKey(t time.Time) string {
	var buf [96]byte
	return string(t.UTC().AppendFormat(append(buf[:0], n.usage...), time.DateOnly))
}

func usagePrefix(planID, keyID string) string { return "u|" + planID + "|" + keyID + "|" }

// usageKey names the usage counter of one key, plan and UTC day.
func usageKey(planID, keyID string, t time.Time) string {
	return usagePrefix(planID, keyID) + t.UTC().Format(time.DateOnly)
}
