package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/ferrygw/ferry/internal/admin"
	"github.com/ferrygw/ferry/internal/awsauth"
	"github.com/ferrygw/ferry/internal/config"
	"github.com/ferrygw/ferry/internal/gateway"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integration/awsservice"
	"github.com/ferrygw/ferry/internal/integration/backendtls"
	"github.com/ferrygw/ferry/internal/integration/lambda"
	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/listener"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
	"github.com/ferrygw/ferry/internal/s3presign"
	"github.com/ferrygw/ferry/internal/store"
	"github.com/ferrygw/ferry/internal/store/sqlite"
	"github.com/ferrygw/ferry/internal/usageplan"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "serve the deployed APIs and the admin API",
		run:     runServe,
	})
}

const serveUsage = `Usage: ferry serve [--config FILE] [--data-dir DIR] [--listen ADDR] [--admin-listen ADDR] [--log-format json|text]
                   [--pprof-listen 127.0.0.1:PORT]
                   [--tls-cert FILE --tls-key FILE [--client-ca FILE]]

Precedence: defaults < ferry.yaml (--config) < FERRY_* environment < flags given here.`

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfgPath := fs.String("config", "", "ferry.yaml with the static configuration")
	dataDir := fs.String("data-dir", "", "data directory (default ./ferry-data)")
	listen := fs.String("listen", "", "gateway address (default 127.0.0.1:8080)")
	adminListen := fs.String("admin-listen", "", "admin API address (default 127.0.0.1:9090)")
	logFormat := fs.String("log-format", "", "json or text")
	pprofListen := fs.String("pprof-listen", "", "serve net/http/pprof on this loopback address (off by default)")
	tlsf := addTLSFlags(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("ferry serve: %w\n%s", err, serveUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("ferry serve: unexpected argument %q\n%s", fs.Arg(0), serveUsage)
	}

	cfg := config.Default()
	if *cfgPath != "" {
		loaded, err := config.Load(*cfgPath)
		if err != nil {
			return fmt.Errorf("ferry serve: %w", err)
		}
		cfg = loaded
	}
	if err := cfg.ApplyEnv(env.getenv); err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	// Only flags the user gave override the file and the environment.
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "data-dir":
			cfg.DataDir = *dataDir
		case "listen":
			cfg.Listen = *listen
		case "admin-listen":
			cfg.AdminListen = *adminListen
		case "log-format":
			cfg.Log.Format = *logFormat
		}
	})
	tlsf.apply(fs, cfg)
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	if *pprofListen != "" {
		stop, err := startPprof(ctx, *pprofListen, func(format string, args ...any) {
			fmt.Fprintf(env.stderr, "ferry serve: "+format+"\n", args...)
		})
		if err != nil {
			return fmt.Errorf("ferry serve: %w", err)
		}
		defer stop()
	}
	return serve(ctx, env, cfg)
}

func newLogger(w io.Writer, lc config.LogConfig) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(lc.Level)) // Validate has checked it
	opts := &slog.HandlerOptions{Level: level}
	if lc.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve runs the gateway and the admin API until ctx ends (SIGINT/SIGTERM),
// then drains requests in flight for at most cfg.DrainTimeout.
func serve(ctx context.Context, env *cliEnv, cfg *config.Config) error {
	log := newLogger(env.stderr, cfg.Log)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("ferry serve: data directory: %w", err)
	}
	backend, err := sqlite.Open(cfg.SQLitePath())
	if err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	defer backend.Close()
	st := store.New(backend)

	tokens, err := adminTokens(cfg, env)
	if err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}

	keys, err := openMasterKeys(ctx, cfg)
	if err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	kv := kvm.NewService(st, keys)
	resolver, err := awsauth.NewResolver(cfg.AWS, kv)
	if err != nil {
		return fmt.Errorf("ferry serve: aws: %w", err)
	}
	integrations := integration.Defaults()
	integrations[model.IntegrationAWS] = lambda.Custom(awsservice.Factory(resolver))
	integrations[model.IntegrationAWSProxy] = lambda.Proxy(awsservice.Factory(resolver))
	// HTTP backends take their CA bundle and client certificate from a
	// ferry-backend-tls key-value map when the stage, API or gateway has one.
	for _, typ := range []string{model.IntegrationHTTP, model.IntegrationHTTPProxy} {
		integrations[typ] = backendtls.Wrap(integrations[typ], backendtls.Options{KVM: kv})
	}
	popts := pipeline.Options{
		Logger:       log,
		MaxBody:      cfg.Limits.MaxBodyBytes,
		Integrations: integrations,
		// An AWS integration that invokes Lambda selects by errorMessage.
		SelectionKeyFor: lambda.SelectionKeyFor,
		KVM:             plainKVM(kv),
		AccountID:       cfg.AWS.AccountID,
	}
	auths, err := newAuthorizers(cfg, env, resolver, log)
	if err != nil {
		return fmt.Errorf("ferry serve: authorizers: %w", err)
	}
	popts.Guards = append(popts.Guards, auths.Guard)
	// API keys and throttles come after authorizers, which may supply the key.
	// Quota and usage counts are kept in memory and written to the store
	// every flush interval and on shutdown, so a restart keeps them.
	counts, err := usageplan.OpenDurableCounter(ctx, usageplan.DurableConfig{Store: st,
		FlushInterval: cfg.UsagePlans.FlushInterval, Logger: log})
	if err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	usage, err := usageplan.New(usageplan.Config{Store: st, Counter: counts})
	if err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	popts.Guards = append(popts.Guards, usage.Guard)
	// The presigned S3 redirect comes last: only a call that passed every
	// check gets a URL to the object.
	popts.Guards = append(popts.Guards, s3presign.GuardFactory(resolver))
	edge, err := newEdge(cfg, popts.AccountID, log)
	if err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	// The resource policy and IP lists come first, as in API Gateway: a
	// refused caller costs no authorizer call and no usage-plan count.
	popts.Guards = append([]pipeline.GuardFactory{edge.guard}, popts.Guards...)
	gw := gateway.New(gateway.Config{Store: st, Pipeline: popts, Logger: log, SourceIP: edge.sourceIP.Of})
	if err := gw.Reload(ctx); err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}
	// The admin API tests authorizers with the gateway's own authorizer step.
	adminHandler, err := admin.NewHandler(admin.Config{Store: st, Usage: usage, Authorizers: auths, Tokens: tokens, Pipeline: popts, Logger: log, OnChange: gw.Changed,
		KVM: kv, CheckDeploy: deployCredentialsCheck(resolver)})
	if err != nil {
		return fmt.Errorf("ferry serve: %w", err)
	}

	dataLn, err := listener.Listen(cfg.Listen, edge.certs)
	if err != nil {
		return fmt.Errorf("ferry serve: gateway listener: %w", err)
	}
	adminLn, err := net.Listen("tcp", cfg.AdminListen)
	if err != nil {
		dataLn.Close()
		return fmt.Errorf("ferry serve: admin listener: %w", err)
	}
	lim := cfg.Limits
	dataSrv := listener.NewServer(gw, edge.limits, slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	adminSrv := &http.Server{
		Handler:           adminHandler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       lim.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	runCtx, stopRun := context.WithCancel(context.Background())
	defer stopRun()
	go gw.Run(runCtx)
	go counts.Run(runCtx)
	if edge.certs != nil {
		go edge.certs.Watch(runCtx, time.Second)
	}

	errs := make(chan error, 2)
	go func() { errs <- dataSrv.Serve(dataLn) }()
	go func() { errs <- adminSrv.Serve(adminLn) }()
	fmt.Fprintf(env.stderr, "ferry: data plane listening on %s\n", dataLn.Addr())
	fmt.Fprintf(env.stderr, "ferry: admin API listening on %s\n", adminLn.Addr())

	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down: draining requests in flight", "drainTimeout", cfg.DrainTimeout.String())
	case serveErr = <-errs:
		log.Error("listener failed; shutting down", "err", serveErr)
	}
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout)
	defer cancel()
	shutdownErr := errors.Join(dataSrv.Shutdown(drainCtx), adminSrv.Shutdown(drainCtx))
	stopRun()
	// The drained requests are counted: write their counts before the
	// store closes.
	flushCtx, cancelFlush := context.WithTimeout(context.Background(), 10*time.Second)
	countsErr := counts.Close(flushCtx)
	cancelFlush()
	if countsErr != nil {
		log.Error("usage plans: the quota counts since the last flush could not be written", "err", countsErr)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("ferry serve: %w", serveErr)
	}
	if shutdownErr != nil {
		return fmt.Errorf("ferry serve: drain did not finish within %s: %w", cfg.DrainTimeout, shutdownErr)
	}
	if countsErr != nil {
		return fmt.Errorf("ferry serve: %w", countsErr)
	}
	log.Info("stopped")
	return nil
}

// openMasterKeys loads the keys that seal key-value map secrets. A key
// that does not match the one that sealed this data directory stops the
// start here, before anything could be written with it.
func openMasterKeys(ctx context.Context, cfg *config.Config) (*kvm.MasterKeys, error) {
	kc := kvm.KeyConfig{DataDir: cfg.DataDir, EnvKeys: cfg.MasterKey.EnvKeys.Reveal(), KMSKeyID: cfg.MasterKey.KMSKeyID}
	if kc.KMSKeyID != "" {
		var opts []func(*awsconfig.LoadOptions) error
		if cfg.AWS.Region != "" {
			opts = append(opts, awsconfig.WithRegion(cfg.AWS.Region))
		}
		awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("master key: AWS configuration for KMS: %w", err)
		}
		kc.KMS = kms.NewFromConfig(awsCfg)
	}
	return kvm.OpenMasterKeys(ctx, kc)
}

// plainKVM gives a stage's templates $kvm.get(map, key) over non-encrypted
// maps, looking the entry up in the stage's scope, then the API's, then the
// global one, as kvm: credentials are; secrets never reach a template. An
// entry of an encrypted map ends the search unanswered, so a plain entry of
// the same name in a wider scope cannot stand in for a secret.
func plainKVM(kv *kvm.Service) func(apiID, stage, mapName, key string) (string, bool) {
	return func(apiID, stage, mapName, key string) (string, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, scope := range kvm.LookupScopes(apiID, stage) {
			v, err := kv.GetPlain(ctx, scope, mapName, key)
			if err == nil {
				return v, true
			}
			if !errors.Is(err, store.ErrNotFound) {
				return "", false
			}
		}
		return "", false
	}
}

// adminTokens turns the configured tokens into the admin API's; with none
// configured it uses (creating on first start) the token file in the data
// directory and says where it is.
func adminTokens(cfg *config.Config, env *cliEnv) ([]admin.Token, error) {
	var out []admin.Token
	for _, t := range cfg.AdminTokens {
		value, err := t.Resolve()
		if err != nil {
			return nil, err
		}
		tok := admin.Token{Value: value.Reveal()}
		for _, s := range t.Scopes {
			tok.Scopes = append(tok.Scopes, admin.Scope(s))
		}
		out = append(out, tok)
	}
	if len(out) > 0 {
		return out, nil
	}
	value, path, created, err := admin.EnsureToken(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(env.stderr, "ferry: generated an admin token in %s (mode 0600)\n", path)
	} else {
		fmt.Fprintf(env.stderr, "ferry: admin token in %s\n", path)
	}
	return []admin.Token{admin.FullAccess(value)}, nil
}
