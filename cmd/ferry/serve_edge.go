package main

import (
	"flag"
	"fmt"
	"log/slog"

	"github.com/ferrygw/ferry/internal/config"
	"github.com/ferrygw/ferry/internal/listener"
	"github.com/ferrygw/ferry/internal/methodrequest/policy"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// tlsFlags are serve's --tls-cert, --tls-key and --client-ca, which set the
// default certificate of ferry.yaml's tls section.
type tlsFlags struct {
	cert, key, clientCA *string
}

func addTLSFlags(fs *flag.FlagSet) *tlsFlags {
	return &tlsFlags{
		cert:     fs.String("tls-cert", "", "PEM certificate chain: serve HTTPS"),
		key:      fs.String("tls-key", "", "PEM private key of --tls-cert"),
		clientCA: fs.String("client-ca", "", "PEM CA certificates: require client certificates they issued (mutual TLS)"),
	}
}

// apply overrides the file and environment with the flags the user gave.
func (f *tlsFlags) apply(fs *flag.FlagSet, cfg *config.Config) {
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "tls-cert":
			cfg.TLS.Cert = *f.cert
		case "tls-key":
			cfg.TLS.Key = *f.key
		case "client-ca":
			cfg.TLS.ClientCA = *f.clientCA
		}
	})
}

// edge is what stands before the pipeline: the listener's certificates and
// limits, the source address, and the resource-policy guard.
type edge struct {
	certs    *listener.Certificates // nil without TLS
	limits   listener.Limits
	sourceIP listener.SourceIP
	guard    pipeline.GuardFactory
}

func newEdge(cfg *config.Config, accountID string, log *slog.Logger) (*edge, error) {
	trusted, err := cfg.TrustedProxyPrefixes()
	if err != nil {
		return nil, err
	}
	e := &edge{
		sourceIP: listener.SourceIP{Trusted: trusted},
		guard:    policy.Factory(policy.Options{Region: cfg.AWS.Region, AccountID: accountID}),
		limits: listener.Limits{
			MaxHeaderBytes:    cfg.Limits.MaxHeaderBytes,
			ReadHeaderTimeout: cfg.Limits.ReadHeaderTimeout,
			ReadTimeout:       cfg.Limits.ReadTimeout,
			WriteTimeout:      cfg.Limits.WriteTimeout,
			MinBodyRate:       cfg.Limits.MinBodyRate,
			IdleTimeout:       cfg.Limits.IdleTimeout,
			MaxURLBytes:       cfg.Limits.MaxURLBytes,
			ConnRate:          cfg.Limits.ConnRate,
			ConnBurst:         cfg.Limits.ConnBurst,
		},
	}
	if cfg.TLS.Cert != "" || len(cfg.TLS.Domains) > 0 {
		domains := make([]listener.Domain, 0, len(cfg.TLS.Domains))
		for _, d := range cfg.TLS.Domains {
			domains = append(domains, listener.Domain{Name: d.DomainName, TLSFiles: listener.TLSFiles{Cert: d.Cert, Key: d.Key, ClientCA: d.ClientCA}})
		}
		e.certs, err = listener.NewCertificates(listener.TLSFiles{Cert: cfg.TLS.Cert, Key: cfg.TLS.Key, ClientCA: cfg.TLS.ClientCA}, domains, log)
		if err != nil {
			return nil, fmt.Errorf("gateway listener: %w", err)
		}
	}
	return e, nil
}
