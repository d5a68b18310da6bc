package backendtls

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/store"
)

// MapName is the key-value map holding backend TLS material.
const MapName = "ferry-backend-tls"

// Source reads key-value maps; *kvm.Service is one. Missing maps and
// entries are errors wrapping store.ErrNotFound.
type Source interface {
	DescribeMap(ctx context.Context, scope, name string) (kvm.MapInfo, error)
	Get(ctx context.Context, scope, mapName, key string) (kvm.Secret, error)
}

var _ Source = (*kvm.Service)(nil)

// Options configure Wrap.
type Options struct {
	// KVM holds the ferry-backend-tls maps.
	KVM Source
	// Base is the transport settings are copied from when the integration
	// comes with none; nil means integration.SharedTransport(). An
	// integration's own *http.Transport is the base when it has one; a
	// RoundTripper of another kind is left alone.
	Base *http.Transport
}

// Wrap returns a factory that gives next a transport with the backend's CA
// bundle and client certificate when the map names any, and next's usual
// transport otherwise.
func Wrap(next integration.Factory, o Options) integration.Factory {
	if o.Base == nil {
		o.Base = integration.SharedTransport()
	}
	w := &wrapper{opt: o, transports: map[cacheKey]*http.Transport{}}
	return func(cfg integration.Config) (integration.Backend, error) {
		base := o.Base
		if cfg.Transport != nil {
			base, _ = cfg.Transport.(*http.Transport)
		}
		if base != nil && cfg.Integration != nil {
			t, err := w.transportFor(cfg, base)
			if err != nil {
				return nil, fmt.Errorf("backend TLS for %s: %w", cfg.Where, err)
			}
			if t != nil {
				cfg.Transport = t
			}
		}
		return next(cfg)
	}
}

type wrapper struct {
	opt Options

	mu sync.Mutex
	// transports are shared by every integration with the same material,
	// so a redeploy reuses connection pools instead of leaking them.
	transports map[cacheKey]*http.Transport
}

type cacheKey struct {
	base     *http.Transport
	material [32]byte
}

func (w *wrapper) transportFor(cfg integration.Config, base *http.Transport) (*http.Transport, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	scope, err := w.findScope(ctx, cfg.APIID, cfg.Stage)
	if err != nil || scope == "" {
		return nil, err
	}
	host := uriHost(cfg.Integration.URI)
	ca, caKey, err := w.entry(ctx, scope, host, "ca")
	if err != nil {
		return nil, err
	}
	client, clientKey, err := w.entry(ctx, scope, host, "client")
	if err != nil {
		return nil, err
	}
	if ca == nil && client == nil {
		return nil, nil
	}
	h := sha256.New()
	h.Write(ca)
	h.Write([]byte{0})
	h.Write(client)
	sum := cacheKey{base: base}
	copy(sum.material[:], h.Sum(nil))

	w.mu.Lock()
	defer w.mu.Unlock()
	if t, ok := w.transports[sum]; ok {
		return t, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("kvm %s/%s/%s holds no PEM certificate", scope, MapName, caKey)
		}
		tc.RootCAs = pool
	}
	if client != nil {
		pair, err := tls.X509KeyPair(client, client)
		if err != nil {
			// The error of X509KeyPair names what is missing, never key bytes.
			return nil, fmt.Errorf("kvm %s/%s/%s is not a PEM certificate chain followed by its key: %w", scope, MapName, clientKey, err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	t := base.Clone()
	t.TLSClientConfig = tc
	w.transports[sum] = t
	return t, nil
}

// findScope returns the first scope, most specific first, that has the map.
func (w *wrapper) findScope(ctx context.Context, apiID, stage string) (string, error) {
	var scopes []string
	if apiID != "" && stage != "" {
		scopes = append(scopes, kvm.StageScope(apiID, stage))
	}
	if apiID != "" {
		scopes = append(scopes, kvm.APIScope(apiID))
	}
	scopes = append(scopes, kvm.ScopeGlobal)
	for _, s := range scopes {
		_, err := w.opt.KVM.DescribeMap(ctx, s, MapName)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	return "", nil
}

// entry returns the most specific of HOST:PORT/kind, HOST/kind and kind.
func (w *wrapper) entry(ctx context.Context, scope, host, kind string) ([]byte, string, error) {
	var keys []string
	if host != "" {
		keys = append(keys, host+"/"+kind)
		if h, _, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
			keys = append(keys, h+"/"+kind)
		}
	}
	keys = append(keys, kind)
	for _, k := range keys {
		sec, err := w.opt.KVM.Get(ctx, scope, MapName, k)
		if err == nil {
			return sec.Bytes(), k, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, "", err
		}
	}
	return nil, "", nil
}

// uriHost is the URI's host[:port] as written, empty when a variable
// decides it.
func uriHost(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || strings.ContainsAny(u.Host, "${}") {
		return ""
	}
	return strings.ToLower(u.Host)
}
