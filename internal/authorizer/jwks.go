package authorizer

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// maxJWKS bounds a fetched key set document.
const maxJWKS = 1 << 20

// fetchTimeout bounds one JWKS fetch; a caller waits for it.
const fetchTimeout = 5 * time.Second

// keySets fetches and caches the JWKS documents of every issuer, by URL,
// for all stages at once.
type keySets struct {
	opt    *Options
	client *http.Client

	mu   sync.Mutex
	sets map[string]*keySet
}

// keySet is one JWKS URL's keys. Its mutex is held across a fetch, so
// concurrent calls with an unknown kid cause one fetch, not many.
type keySet struct {
	mu          sync.Mutex
	keys        *jose.JSONWebKeySet
	fetched     time.Time
	lastAttempt time.Time
}

func newKeySets(opt *Options) *keySets {
	c := opt.HTTPClient
	if c == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: opt.RootCAs, MinVersion: tls.VersionTLS12}
		c = &http.Client{Transport: tr, Timeout: fetchTimeout}
	}
	return &keySets{opt: opt, client: c, sets: map[string]*keySet{}}
}

func (k *keySets) set(url string) *keySet {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.sets[url]
	if !ok {
		s = &keySet{}
		k.sets[url] = s
	}
	return s
}

// errUnknownKey is a token signed with a key the issuer does not publish.
var errUnknownKey = errors.New("the token's key id is not in the issuer's key set")

// key returns the public key kid names. Keys older than KeysTTL are
// refreshed; an unknown kid refetches at most once per RefetchInterval, so
// tokens with made-up key ids cannot turn ferry into a load generator
// against the issuer.
func (k *keySets) key(ctx context.Context, url, kid string) (*jose.JSONWebKey, error) {
	s := k.set(url)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := k.opt.now()
	keysTTL, refetch := k.opt.KeysTTL, k.opt.RefetchInterval
	if keysTTL <= 0 {
		keysTTL = time.Hour
	}
	if refetch <= 0 {
		refetch = 30 * time.Second
	}
	stale := s.keys == nil || now.Sub(s.fetched) >= keysTTL
	if !stale {
		if jk := find(s.keys, kid); jk != nil {
			return jk, nil
		}
	}
	if s.keys != nil && now.Sub(s.lastAttempt) < refetch {
		if jk := find(s.keys, kid); jk != nil {
			return jk, nil
		}
		return nil, errUnknownKey
	}
	if s.keys == nil && !s.lastAttempt.IsZero() && now.Sub(s.lastAttempt) < refetch {
		return nil, fmt.Errorf("keys of %s are unavailable (the last fetch failed less than %s ago)", url, refetch)
	}
	s.lastAttempt = now
	set, err := k.fetch(ctx, url)
	if err != nil {
		if s.keys != nil {
			// Keep serving with the keys ferry has; the issuer may be down briefly.
			k.opt.Logger.Warn("JWKS refresh failed; keeping the previous keys", "jwksUri", url, "err", err)
			if jk := find(s.keys, kid); jk != nil {
				return jk, nil
			}
			return nil, errUnknownKey
		}
		return nil, err
	}
	s.keys, s.fetched = set, now
	if jk := find(s.keys, kid); jk != nil {
		return jk, nil
	}
	return nil, errUnknownKey
}

func find(set *jose.JSONWebKeySet, kid string) *jose.JSONWebKey {
	for i := range set.Keys {
		jk := &set.Keys[i]
		if jk.KeyID == kid && jk.Use != "enc" && jk.IsPublic() {
			return jk
		}
	}
	return nil
}

func (k *keySets) fetch(ctx context.Context, url string) (*jose.JSONWebKeySet, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("JWKS %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("JWKS %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("JWKS %s: status %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKS+1))
	if err != nil {
		return nil, fmt.Errorf("JWKS %s: %w", url, err)
	}
	if len(b) > maxJWKS {
		return nil, fmt.Errorf("JWKS %s: document larger than %d bytes", url, maxJWKS)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("JWKS %s: not a JSON Web Key Set: %w", url, err)
	}
	if len(set.Keys) == 0 {
		return nil, fmt.Errorf("JWKS %s: no keys", url)
	}
	return &set, nil
}
