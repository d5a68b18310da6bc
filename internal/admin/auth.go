package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Scope is a permission a token carries.
type Scope string

// Scopes. Each is granted on its own: a write-only token cannot read.
const (
	// ScopeRead allows GET requests.
	ScopeRead Scope = "read"
	// ScopeWrite allows every other method.
	ScopeWrite Scope = "write"
	// ScopeSecrets is reserved for reading decrypted key-value map entries.
	ScopeSecrets Scope = "secrets"
)

// Token is one bearer token the admin API accepts.
type Token struct {
	// Value is the secret sent as "Authorization: Bearer VALUE". It is never logged.
	Value string
	// Scopes lists what the token may do.
	Scopes []Scope
}

// FullAccess returns a token with every scope, the kind the generated token
// file and FERRY_ADMIN_TOKEN grant.
func FullAccess(value string) Token {
	return Token{Value: value, Scopes: []Scope{ScopeRead, ScopeWrite, ScopeSecrets}}
}

func (t Token) has(s Scope) bool {
	for _, g := range t.Scopes {
		if g == s {
			return true
		}
	}
	return false
}

// tokenSet holds digests rather than values so every comparison is between
// equal-length strings, which subtle.ConstantTimeCompare needs to be constant
// time at all.
type tokenSet struct {
	digests [][sha256.Size]byte
	tokens  []Token
}

func newTokenSet(tokens []Token) (*tokenSet, error) {
	ts := &tokenSet{}
	for i, t := range tokens {
		if strings.TrimSpace(t.Value) == "" {
			return nil, fmt.Errorf("admin: token %d is empty", i)
		}
		if len(t.Scopes) == 0 {
			return nil, fmt.Errorf("admin: token %d has no scopes", i)
		}
		for _, s := range t.Scopes {
			if s != ScopeRead && s != ScopeWrite && s != ScopeSecrets {
				return nil, fmt.Errorf("admin: token %d has unknown scope %q (want read, write or secrets)", i, s)
			}
		}
		ts.digests = append(ts.digests, sha256.Sum256([]byte(t.Value)))
		ts.tokens = append(ts.tokens, t)
	}
	return ts, nil
}

// lookup checks every token, not stopping at a match, so the time taken does
// not tell which token (or how many) matched.
func (ts *tokenSet) lookup(value string) (Token, bool) {
	d := sha256.Sum256([]byte(value))
	found := -1
	for i := range ts.digests {
		if subtle.ConstantTimeCompare(d[:], ts.digests[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Token{}, false
	}
	return ts.tokens[found], true
}

// authorize checks the request's bearer token for the scope its method needs.
func (ts *tokenSet) authorize(r *http.Request) *APIError {
	h := r.Header.Get("Authorization")
	if h == "" {
		return &APIError{Status: http.StatusUnauthorized, Type: ErrUnauthorized,
			Message: "missing Authorization header; send \"Authorization: Bearer TOKEN\""}
	}
	scheme, value, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(value) == "" {
		return &APIError{Status: http.StatusUnauthorized, Type: ErrUnauthorized,
			Message: "Authorization header is not of the form \"Bearer TOKEN\""}
	}
	tok, ok := ts.lookup(strings.TrimSpace(value))
	if !ok {
		return &APIError{Status: http.StatusUnauthorized, Type: ErrUnauthorized,
			Message: "the bearer token is not valid"}
	}
	need := ScopeWrite
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		need = ScopeRead
	}
	if !tok.has(need) {
		return &APIError{Status: http.StatusForbidden, Type: ErrAccessDenied,
			Message: fmt.Sprintf("the token lacks the %q scope that %s requests need", need, r.Method)}
	}
	return nil
}

// TokenFileName is the name of the generated token file in the data directory.
const TokenFileName = "admin-token"

// EnsureToken returns the admin token stored in dataDir, generating one (a
// 0600 file) when there is none yet. The CLI reads the same file, so a fresh
// install works without anyone copying a secret around.
func EnsureToken(dataDir string) (token, path string, created bool, err error) {
	path = filepath.Join(dataDir, TokenFileName)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		token = strings.TrimSpace(string(b))
		if token == "" {
			return "", path, false, fmt.Errorf("admin: token file %s is empty; delete it to have a new token generated", path)
		}
		return token, path, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", path, false, fmt.Errorf("admin: reading token file: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", path, false, fmt.Errorf("admin: creating data directory: %w", err)
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read aborts the program itself on failure
	token = base64.RawURLEncoding.EncodeToString(raw)
	// O_EXCL: if two processes race, one wins and the other reads its token.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return EnsureToken(dataDir)
	}
	if err != nil {
		return "", path, false, fmt.Errorf("admin: creating token file: %w", err)
	}
	if _, err := f.WriteString(token + "\n"); err != nil {
		f.Close()
		return "", path, false, fmt.Errorf("admin: writing token file: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", path, false, fmt.Errorf("admin: writing token file: %w", err)
	}
	return token, path, true, nil
}
