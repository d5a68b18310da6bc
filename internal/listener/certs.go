package listener

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TLSFiles are the PEM files of one certificate and its truststore.
type TLSFiles struct {
	// Cert is the certificate chain, leaf first.
	Cert string
	// Key is the certificate's private key.
	Key string
	// ClientCA, when set, requires every client to present a certificate
	// issued by one of these CAs (mutual TLS).
	ClientCA string
}

// Domain is the certificate served to clients asking for one server name.
type Domain struct {
	// Name is a host name or a wildcard *.example.com.
	Name string
	TLSFiles
}

// Certificates serves TLS from files and follows them as they change: a
// new handshake gets the files as they are now, connections already open
// keep the certificate they started with.
type Certificates struct {
	def     TLSFiles
	domains []Domain
	log     *slog.Logger

	mu      sync.Mutex // serializes reloads
	digest  [32]byte
	current atomic.Pointer[certSet]
}

type certSet struct {
	def     *tls.Config // nil when only domain certificates are configured
	exact   map[string]*tls.Config
	suffix  map[string]*tls.Config // "*.example.com" stored as ".example.com"
	domains []string               // for error messages
}

// NewCertificates reads the files once; errors name the file and what is wrong.
func NewCertificates(def TLSFiles, domains []Domain, log *slog.Logger) (*Certificates, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if def.Cert == "" && len(domains) == 0 {
		return nil, errors.New("tls: no certificate configured")
	}
	c := &Certificates{def: def, domains: domains, log: log}
	if _, err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// TLSConfig is the listener's configuration; it picks the domain's
// certificate and truststore per handshake.
func (c *Certificates) TLSConfig() *tls.Config {
	base := baseConfig()
	base.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		return c.current.Load().forName(hello.ServerName)
	}
	return base
}

// Reload reads the files again and switches to them if they changed; a bad
// file keeps the previous certificates in place and is reported.
func (c *Certificates) Reload() (changed bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	files, digest, err := c.readAll()
	if err != nil {
		return false, err
	}
	if digest == c.digest && c.current.Load() != nil {
		return false, nil
	}
	set, err := build(c.def, c.domains, files)
	if err != nil {
		return false, err
	}
	c.current.Store(set)
	c.digest = digest
	return true, nil
}

// Watch reloads every interval until ctx ends. Polling rather than file
// events keeps working across the rename-into-place that certificate tools
// (and Kubernetes secret mounts) use.
func (c *Certificates) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		changed, err := c.Reload()
		switch {
		case err != nil:
			c.log.Error("TLS certificates not reloaded; still serving the previous ones", "err", err)
		case changed:
			c.log.Info("TLS certificates reloaded")
		}
	}
}

// readAll reads every file and a digest of them all, so an unchanged set
// is not parsed again.
func (c *Certificates) readAll() (map[string][]byte, [32]byte, error) {
	files := map[string][]byte{}
	h := sha256.New()
	add := func(path string) error {
		if path == "" {
			return nil
		}
		if _, seen := files[path]; seen {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("tls: %w", err)
		}
		files[path] = b
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	}
	all := []TLSFiles{c.def}
	for _, d := range c.domains {
		all = append(all, d.TLSFiles)
	}
	for _, f := range all {
		for _, p := range []string{f.Cert, f.Key, f.ClientCA} {
			if err := add(p); err != nil {
				return nil, [32]byte{}, err
			}
		}
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return files, sum, nil
}

func build(def TLSFiles, domains []Domain, files map[string][]byte) (*certSet, error) {
	set := &certSet{exact: map[string]*tls.Config{}, suffix: map[string]*tls.Config{}}
	if def.Cert != "" {
		cfg, err := configFor(def, files)
		if err != nil {
			return nil, err
		}
		set.def = cfg
	}
	for _, d := range domains {
		cfg, err := configFor(d.TLSFiles, files)
		if err != nil {
			return nil, fmt.Errorf("tls: domain %s: %w", d.Name, err)
		}
		name := strings.ToLower(d.Name)
		if rest, ok := strings.CutPrefix(name, "*"); ok {
			set.suffix[rest] = cfg
		} else {
			set.exact[name] = cfg
		}
		set.domains = append(set.domains, d.Name)
	}
	return set, nil
}

func configFor(f TLSFiles, files map[string][]byte) (*tls.Config, error) {
	pair, err := tls.X509KeyPair(files[f.Cert], files[f.Key])
	if err != nil {
		return nil, fmt.Errorf("tls: certificate %s with key %s: %w", f.Cert, f.Key, err)
	}
	cfg := baseConfig()
	cfg.Certificates = []tls.Certificate{pair}
	if f.ClientCA != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(files[f.ClientCA]) {
			return nil, fmt.Errorf("tls: client CA file %s holds no PEM certificate", f.ClientCA)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// forName picks the configuration for a server name: an exact domain, then
// the closest wildcard (one label deep, as in certificates), then the default.
func (s *certSet) forName(name string) (*tls.Config, error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if cfg, ok := s.exact[name]; ok {
		return cfg, nil
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		if cfg, ok := s.suffix[name[i:]]; ok {
			return cfg, nil
		}
	}
	if s.def != nil {
		return s.def, nil
	}
	return nil, fmt.Errorf("tls: no certificate for server name %q (configured: %s)", name, strings.Join(s.domains, ", "))
}

// baseConfig allows TLS 1.2 and 1.3 only, and in 1.2 only forward-secret
// AEAD suites; 1.3's suites are all AEAD and not configurable.
func baseConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		NextProtos: []string{"h2", "http/1.1"},
	}
}
