package admin

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ferrygw/ferry/internal/kvm"
	"github.com/ferrygw/ferry/internal/model"
)

// Key-value maps live under /ferry/kvms because API Gateway has no such
// resource. Scopes ("global", "api:ID", "stage:ID/NAME") are one path
// segment, path-escaped, so "stage:abc/prod" travels as "stage:abc%2Fprod";
// entry keys are escaped the same way. Build paths with KVMPath, which also
// escapes the segments "." and ".." that a router would otherwise resolve.
// The key is the rest of the path ({key...}): a one-segment wildcard would
// refuse the key "/", which the router takes for a trailing slash.
//
//	GET    /ferry/kvms?scope=S                        list the maps of a scope
//	POST   /ferry/kvms                                create a map: CreateKVMInput
//	GET    /ferry/kvms/{scope}/{map}                  describe a map
//	DELETE /ferry/kvms/{scope}/{map}                  delete a map and its entries
//	GET    /ferry/kvms/{scope}/{map}/entries          list entries, without values
//	PUT    /ferry/kvms/{scope}/{map}/entries/{key}    store the raw request body
//	GET    /ferry/kvms/{scope}/{map}/entries/{key}    read an entry: KVMEntry
//	DELETE /ferry/kvms/{scope}/{map}/entries/{key}    delete an entry
//	POST   /ferry/kvms/rotate-key                     re-seal every secret under a new master key
//
// Reading the value of an entry of an encrypted map takes the "secrets"
// scope besides "read"; without it the answer carries the metadata only.
// Writes change no served API, so they do not call OnChange: the gateway
// reads entries when a request needs them.

// MaxKVMValueBytes bounds one entry's value. Entries hold credentials,
// settings and small certificates; a bigger body is more likely a mistake
// (the wrong file) than a value.
const MaxKVMValueBytes = 64 << 10

// KVMService is what the admin API needs of package kvm; *kvm.Service
// implements it.
type KVMService interface {
	CreateMap(ctx context.Context, scope, name string, encrypted bool) (kvm.MapInfo, error)
	DescribeMap(ctx context.Context, scope, name string) (kvm.MapInfo, error)
	ListMaps(ctx context.Context, scope string) ([]kvm.MapInfo, error)
	DeleteMap(ctx context.Context, scope, name string) error
	Put(ctx context.Context, scope, mapName, key string, value []byte) error
	Get(ctx context.Context, scope, mapName, key string) (kvm.Secret, error)
	Describe(ctx context.Context, scope, mapName, key string) (kvm.EntryInfo, error)
	List(ctx context.Context, scope, mapName string) ([]kvm.EntryInfo, error)
	Delete(ctx context.Context, scope, mapName, key string) error
	RotateKey(ctx context.Context) (kvm.KeyID, error)
}

var _ KVMService = (*kvm.Service)(nil)

// CreateKVMInput is the body of POST /ferry/kvms.
type CreateKVMInput struct {
	// Name is the map's name: letters, digits, '.', '_' and '-'.
	Name string `json:"name"`
	// Scope is "global", "api:{apiId}" or "stage:{apiId}/{stageName}".
	Scope string `json:"scope"`
	// Encrypted seals every value with the master key; only tokens with
	// the "secrets" scope can read them back.
	Encrypted bool `json:"encrypted"`
}

// KVMEntry is the answer of GET .../entries/{key} and PUT. The value is
// present only when the caller may read it: always for plain maps, with
// the "secrets" scope for encrypted ones, never in a PUT's answer.
type KVMEntry struct {
	kvm.EntryInfo
	// Exists is always true: a missing entry is a 404.
	Exists bool `json:"exists"`
	// Value is the value when it is valid UTF-8.
	Value *string `json:"value,omitempty"`
	// ValueBase64 is the value, base64-encoded, when it is not valid UTF-8.
	ValueBase64 *string `json:"valueBase64,omitempty"`
	// Withheld says why the value is not in the answer ("" when it is).
	Withheld string `json:"withheld,omitempty"`
}

// Bytes returns the value the answer carries, and false when it carries
// none.
func (e *KVMEntry) Bytes() ([]byte, bool, error) {
	switch {
	case e.Value != nil:
		return []byte(*e.Value), true, nil
	case e.ValueBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*e.ValueBase64)
		if err != nil {
			return nil, false, fmt.Errorf("kvm entry %s: valueBase64: %w", e.Key, err)
		}
		return b, true, nil
	}
	return nil, false, nil
}

// RotateKeyOutput is the answer of POST /ferry/kvms/rotate-key.
type RotateKeyOutput struct {
	// KeyID is the master key that now seals every encrypted value.
	KeyID string `json:"keyId"`
}

// withheldNoSecrets is the reason a read-only token sees no value.
const withheldNoSecrets = `the map is encrypted and the token lacks the "secrets" scope`

func (s *server) kvmRoutes() {
	s.handle("GET /ferry/kvms", s.withKVM(s.listKVMs))
	s.handle("POST /ferry/kvms", s.withKVM(s.createKVM))
	s.handle("POST /ferry/kvms/rotate-key", s.withKVM(s.rotateKVMKey))
	s.handle("GET /ferry/kvms/{scope}/{map}", s.withKVM(s.getKVM))
	s.handle("DELETE /ferry/kvms/{scope}/{map}", s.withKVM(s.deleteKVM))
	s.handle("GET /ferry/kvms/{scope}/{map}/entries", s.withKVM(s.listKVMEntries))
	s.handle("PUT /ferry/kvms/{scope}/{map}/entries/{key...}", s.withKVM(s.putKVMEntry))
	s.handle("GET /ferry/kvms/{scope}/{map}/entries/{key...}", s.withKVM(s.getKVMEntry))
	s.handle("DELETE /ferry/kvms/{scope}/{map}/entries/{key...}", s.withKVM(s.deleteKVMEntry))
}

// withKVM answers every key-value map route with a clear 404 when the
// server was built without maps, instead of a nil dereference.
func (s *server) withKVM(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.cfg.KVM == nil {
			return notFound("key-value maps are not enabled on this admin API")
		}
		return h(w, r)
	}
}

// kvmTarget is the scope, map and (for entry routes) key of a request,
// checked so that a bad name is a 400 that says which part is wrong.
type kvmTarget struct {
	scope, name, key string
}

func kvmTargetOf(r *http.Request, withKey bool) (kvmTarget, error) {
	t := kvmTarget{scope: r.PathValue("scope"), name: r.PathValue("map"), key: r.PathValue("key")}
	if err := kvm.ValidateScope(t.scope); err != nil {
		return t, badRequest("%v", err)
	}
	if err := kvm.ValidateMapName(t.name); err != nil {
		return t, badRequest("%v", err)
	}
	if withKey {
		if err := kvm.ValidateEntryKey(t.key); err != nil {
			return t, badRequest("%v", err)
		}
		// Answers are JSON, which cannot carry such a key back unchanged.
		if !utf8.ValidString(t.key) {
			return t, badRequest("kvm: entry key %q is not valid UTF-8", t.key)
		}
	}
	return t, nil
}

func (s *server) listKVMs(w http.ResponseWriter, r *http.Request) error {
	scope := r.URL.Query().Get("scope")
	if scope == "" {
		return badRequest(`list key-value maps: the scope query parameter is required ("global", "api:{apiId}" or "stage:{apiId}/{stage}")`)
	}
	if err := kvm.ValidateScope(scope); err != nil {
		return badRequest("list key-value maps: %v", err)
	}
	maps, err := s.cfg.KVM.ListMaps(r.Context(), scope)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[kvm.MapInfo]{Item: orEmpty(maps)})
}

func (s *server) createKVM(w http.ResponseWriter, r *http.Request) error {
	var in CreateKVMInput
	if err := decodeJSON(r, "create key-value map", &in); err != nil {
		return err
	}
	if in.Scope == "" {
		return badRequest(`create key-value map: scope is required ("global", "api:{apiId}" or "stage:{apiId}/{stage}")`)
	}
	if err := kvm.ValidateScope(in.Scope); err != nil {
		return badRequest("create key-value map: %v", err)
	}
	if err := kvm.ValidateMapName(in.Name); err != nil {
		return badRequest("create key-value map: name: %v", err)
	}
	m, err := s.cfg.KVM.CreateMap(r.Context(), in.Scope, in.Name, in.Encrypted)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

func (s *server) getKVM(w http.ResponseWriter, r *http.Request) error {
	t, err := kvmTargetOf(r, false)
	if err != nil {
		return err
	}
	m, err := s.cfg.KVM.DescribeMap(r.Context(), t.scope, t.name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *server) deleteKVM(w http.ResponseWriter, r *http.Request) error {
	t, err := kvmTargetOf(r, false)
	if err != nil {
		return err
	}
	if err := s.cfg.KVM.DeleteMap(r.Context(), t.scope, t.name); err != nil {
		return err
	}
	return writeAccepted(w)
}

func (s *server) listKVMEntries(w http.ResponseWriter, r *http.Request) error {
	t, err := kvmTargetOf(r, false)
	if err != nil {
		return err
	}
	entries, err := s.cfg.KVM.List(r.Context(), t.scope, t.name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[kvm.EntryInfo]{Item: orEmpty(entries)})
}

func (s *server) putKVMEntry(w http.ResponseWriter, r *http.Request) error {
	t, err := kvmTargetOf(r, true)
	if err != nil {
		return err
	}
	value, err := io.ReadAll(io.LimitReader(r.Body, MaxKVMValueBytes+1))
	if err != nil {
		return err
	}
	if len(value) > MaxKVMValueBytes {
		return &APIError{Status: http.StatusRequestEntityTooLarge, Type: ErrTooLarge,
			Message: fmt.Sprintf("kvm entry %s: the value is larger than %d bytes", t.key, MaxKVMValueBytes)}
	}
	if len(value) == 0 {
		return badRequest("kvm entry %s: the request body is empty; the body is the value to store", t.key)
	}
	if err := s.cfg.KVM.Put(r.Context(), t.scope, t.name, t.key, value); err != nil {
		return err
	}
	info, err := s.cfg.KVM.Describe(r.Context(), t.scope, t.name, t.key)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, KVMEntry{EntryInfo: info, Exists: true})
}

func (s *server) getKVMEntry(w http.ResponseWriter, r *http.Request) error {
	t, err := kvmTargetOf(r, true)
	if err != nil {
		return err
	}
	info, err := s.cfg.KVM.Describe(r.Context(), t.scope, t.name, t.key)
	if err != nil {
		return err
	}
	out := KVMEntry{EntryInfo: info, Exists: true}
	if info.Encrypted && !s.tokenHas(r, ScopeSecrets) {
		out.Withheld = withheldNoSecrets
		return writeJSON(w, http.StatusOK, out)
	}
	sec, err := s.cfg.KVM.Get(r.Context(), t.scope, t.name, t.key)
	if err != nil {
		return err
	}
	if b := sec.Bytes(); utf8.Valid(b) {
		v := string(b)
		out.Value = &v
	} else {
		v := base64.StdEncoding.EncodeToString(b)
		out.ValueBase64 = &v
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) deleteKVMEntry(w http.ResponseWriter, r *http.Request) error {
	t, err := kvmTargetOf(r, true)
	if err != nil {
		return err
	}
	if err := s.cfg.KVM.Delete(r.Context(), t.scope, t.name, t.key); err != nil {
		return err
	}
	return writeAccepted(w)
}

func (s *server) rotateKVMKey(w http.ResponseWriter, r *http.Request) error {
	id, err := s.cfg.KVM.RotateKey(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, RotateKeyOutput{KeyID: id.String()})
}

// tokenHas reports whether the request's token carries scope. ServeHTTP has
// already authenticated the request; this looks the token up again because
// the secrets scope matters on one route only.
func (s *server) tokenHas(r *http.Request, scope Scope) bool {
	_, value, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok, ok := s.tokens.lookup(strings.TrimSpace(value))
	return ok && tok.has(scope)
}

// checkDeploy runs Config.CheckDeploy, the hook through which the server
// verifies what the API's own checks cannot see, chiefly that every
// kvm:MAP/ENTRY credentials reference resolves in the stage's scopes.
// Callers turn its error into a 400 that names their operation.
func (s *server) checkDeploy(ctx context.Context, api *model.API, apiID, stage string) error {
	if s.cfg.CheckDeploy == nil || api == nil {
		return nil
	}
	return s.cfg.CheckDeploy(ctx, api, apiID, stage)
}

// KVMPath builds a /ferry/kvms path. Each segment is path-escaped, and the
// segments "." and "..", which routers resolve away, are escaped too.
func KVMPath(segments ...string) string {
	var b strings.Builder
	b.WriteString("/ferry/kvms")
	for _, seg := range segments {
		b.WriteByte('/')
		if strings.Trim(seg, ".") == "" && seg != "" {
			b.WriteString(strings.Repeat("%2E", len(seg)))
			continue
		}
		b.WriteString(url.PathEscape(seg))
	}
	return b.String()
}

// ListKVMs lists the maps of a scope.
func (c *Client) ListKVMs(ctx context.Context, scope string) ([]kvm.MapInfo, error) {
	var out list[kvm.MapInfo]
	return out.Item, c.call(ctx, http.MethodGet, KVMPath(), url.Values{"scope": {scope}}, nil, &out)
}

// CreateKVM creates a map.
func (c *Client) CreateKVM(ctx context.Context, in *CreateKVMInput) (*kvm.MapInfo, error) {
	var out kvm.MapInfo
	return &out, c.call(ctx, http.MethodPost, KVMPath(), nil, in, &out)
}

// GetKVM describes a map.
func (c *Client) GetKVM(ctx context.Context, scope, name string) (*kvm.MapInfo, error) {
	var out kvm.MapInfo
	return &out, c.call(ctx, http.MethodGet, KVMPath(scope, name), nil, nil, &out)
}

// DeleteKVM deletes a map and its entries.
func (c *Client) DeleteKVM(ctx context.Context, scope, name string) error {
	return c.call(ctx, http.MethodDelete, KVMPath(scope, name), nil, nil, nil)
}

// ListKVMEntries describes a map's entries without their values.
func (c *Client) ListKVMEntries(ctx context.Context, scope, name string) ([]kvm.EntryInfo, error) {
	var out list[kvm.EntryInfo]
	return out.Item, c.call(ctx, http.MethodGet, KVMPath(scope, name, "entries"), nil, nil, &out)
}

// PutKVMEntry stores value under key and returns the entry's metadata.
func (c *Client) PutKVMEntry(ctx context.Context, scope, name, key string, value []byte) (*KVMEntry, error) {
	var out KVMEntry
	_, err := c.do(ctx, http.MethodPut, KVMPath(scope, name, "entries", key), nil, value, &out)
	return &out, err
}

// GetKVMEntry reads an entry; see KVMEntry for when the value is included.
func (c *Client) GetKVMEntry(ctx context.Context, scope, name, key string) (*KVMEntry, error) {
	var out KVMEntry
	return &out, c.call(ctx, http.MethodGet, KVMPath(scope, name, "entries", key), nil, nil, &out)
}

// DeleteKVMEntry deletes an entry.
func (c *Client) DeleteKVMEntry(ctx context.Context, scope, name, key string) error {
	return c.call(ctx, http.MethodDelete, KVMPath(scope, name, "entries", key), nil, nil, nil)
}

// RotateKVMKey re-seals every encrypted value under a new master key and
// returns its id.
func (c *Client) RotateKVMKey(ctx context.Context) (string, error) {
	var out RotateKeyOutput
	return out.KeyID, c.call(ctx, http.MethodPost, KVMPath("rotate-key"), nil, nil, &out)
}
