package testenv

import (
	"sync"
	"time"
)

// Cred is one credential set an AWSFront trusts.
type Cred struct {
	// SecretKey is the secret access key that signs requests.
	SecretKey string
	// SessionToken, when set, marks temporary credentials: every request signed
	// with them must carry exactly this X-Amz-Security-Token.
	SessionToken string
	// Expires, when set, is when temporary credentials stop being accepted.
	Expires time.Time
}

// Credentials is a registry of trusted credential sets, safe for concurrent use.
// Several fronts share one registry so temporary credentials that an STS front
// hands out verify at every service front.
type Credentials struct {
	mu    sync.RWMutex
	creds map[string]Cred
}

// NewCredentials returns a registry holding initial (access key id → Cred).
func NewCredentials(initial map[string]Cred) *Credentials {
	r := &Credentials{creds: make(map[string]Cred, len(initial))}
	for k, c := range initial {
		r.creds[k] = c
	}
	return r
}

// Add trusts one more credential set, replacing any with the same access key.
func (r *Credentials) Add(accessKey string, c Cred) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.creds[accessKey] = c
}

// Lookup returns the credential set of an access key.
func (r *Credentials) Lookup(accessKey string) (Cred, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.creds[accessKey]
	return c, ok
}
