package gateway

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/listener"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/store"
)

// noAPI answers requests that reach no API: a nil Set gives API Gateway's
// default gateway responses.
var noAPI *gatewayresponse.Set

// Config is what a Gateway needs to serve.
type Config struct {
	// Store is where deployed stages are read from.
	Store *store.Store
	// Pipeline carries the options every stage is compiled with.
	Pipeline pipeline.Options
	// Logger receives one line per request and reload events.
	Logger *slog.Logger
	// PollInterval is how often the store's revision is checked for changes
	// made elsewhere (another node, or a write this node was not told about).
	PollInterval time.Duration
	// SourceIP gives $context.identity.sourceIp; nil means the peer address.
	// The listener's, which believes forwarding headers only from trusted
	// proxies, is the one to give.
	SourceIP func(*http.Request) string
}

// Gateway serves every deployed stage. Create it with New, call Reload once,
// then Run to keep it current, and use it as an http.Handler.
type Gateway struct {
	cfg     Config
	log     *slog.Logger
	current atomic.Pointer[table]

	mu       sync.Mutex // serializes reloads
	revision int64
}

// New returns a Gateway that serves nothing until Reload.
func New(cfg Config) *Gateway {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.SourceIP == nil {
		cfg.SourceIP = sourceIP
	}
	g := &Gateway{cfg: cfg, log: cfg.Logger, revision: -1}
	g.current.Store(&table{})
	return g
}

// Changed reloads at once; the admin API calls it after every write, so a
// deploy answers only when the new deployment is being served. Other nodes
// see the change on their next poll.
func (g *Gateway) Changed() {
	if err := g.Reload(context.Background()); err != nil {
		g.log.Error("reload after an admin change failed; still serving the previous configuration", "err", err)
	}
}

// Run reloads on every poll interval until ctx ends.
func (g *Gateway) Run(ctx context.Context) {
	t := time.NewTicker(g.cfg.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := g.Reload(ctx); err != nil {
			g.log.Error("reload failed; still serving the previous configuration", "err", err)
		}
	}
}

// ServeHTTP dispatches one request to its stage.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := uuid.NewString()
	t := g.current.Load()
	path := r.URL.EscapedPath()
	apiID, stageName, rest, ok := t.resolve(r.Host, path)
	entry := &pipeline.Entry{
		Path:       rest,
		DomainName: hostOnly(r.Host),
		RequestID:  reqID,
		SourceIP:   g.cfg.SourceIP(r),
		Start:      start,
		ClientCert: listener.ClientCert(r.TLS),
	}
	entry.DomainPrefix = domainPrefix(entry.DomainName)
	var res pipeline.Result
	switch st := t.stage(apiID, stageName); {
	case !ok || st == nil:
		// No API stage to customize the answer: API Gateway's default.
		res.Status, _ = noAPI.Write(r.Context(), w, gatewayresponse.New(gatewayresponse.MissingAuthenticationToken, nil), nil)
	case st.pipeline == nil:
		res.Status, _ = noAPI.Write(r.Context(), w, gatewayresponse.New(gatewayresponse.APIConfigurationError, st.err), nil)
		res.Err = st.err
	default:
		res = st.pipeline.Serve(w, r, entry)
	}
	g.logRequest(r, reqID, apiID, stageName, entry.SourceIP, res, time.Since(start))
}

func (g *Gateway) logRequest(r *http.Request, reqID, apiID, stage, source string, res pipeline.Result, latency time.Duration) {
	level := slog.LevelInfo
	if res.Err != nil && res.Status >= 500 {
		level = slog.LevelError
	}
	ctx := r.Context()
	h := g.log.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	// The record goes to the handler directly rather than through
	// Logger.LogAttrs, which walks the stack for the caller's source line
	// on every call (a sixth of this line's cost) although ferry's
	// handlers never print it.
	rec := slog.NewRecord(time.Now(), level, "request", 0)
	rec.AddAttrs(
		slog.String("requestId", reqID),
		slog.String("api", apiID),
		slog.String("stage", stage),
		slog.String("method", r.Method),
		slog.String("route", res.ResourcePath),
		slog.Int("status", res.Status),
		slog.Float64("latencyMs", float64(latency.Microseconds())/1000),
		slog.Float64("integrationLatencyMs", float64(res.IntegrationLatency.Microseconds())/1000),
		slog.String("sourceIp", source),
	)
	if res.Err != nil {
		rec.AddAttrs(slog.String("err", res.Err.Error()))
	}
	_ = h.Handle(ctx, rec)
}

// sourceIP is the connection's peer address. Trusted-proxy headers are
// deliberately not read here: believing X-Forwarded-For from any client
// would let it choose its own address.
func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func domainPrefix(host string) string {
	for i := 0; i < len(host); i++ {
		if host[i] == '.' {
			return host[:i]
		}
	}
	return host
}
