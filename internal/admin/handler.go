package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// MaxBodyBytes bounds every request body; an OpenAPI document is the largest
// thing the admin API receives.
const MaxBodyBytes = 16 << 20

// NewHandler returns the admin API. It fails only on a bad configuration
// (no store, an empty token, an unknown scope), so a gateway never starts
// with an admin API that lets everyone in or no one.
func NewHandler(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("admin: Config.Store is nil")
	}
	if len(cfg.Tokens) == 0 {
		return nil, fmt.Errorf("admin: no tokens configured; the admin API would accept no one")
	}
	ts, err := newTokenSet(cfg.Tokens)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &server{cfg: cfg, store: cfg.Store, log: log, tokens: ts, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

// server is the admin API's http.Handler.
type server struct {
	cfg    Config
	store  Store
	log    *slog.Logger
	tokens *tokenSet
	mux    *http.ServeMux
}

// handlerFunc is a route that returns its error instead of writing it, so
// that error answers are produced in one place (serveError) in one shape.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *server) handle(pattern string, h handlerFunc) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}))
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	// Authentication comes before routing so that an unauthenticated caller
	// cannot even learn which paths exist.
	if ae := s.tokens.authorize(r); ae != nil {
		writeError(rec, ae)
	} else if _, pattern := s.mux.Handler(r); pattern == "" {
		// The mux's own 404 and 405 answers are plain text; API Gateway's
		// clients expect the JSON error shape.
		writeError(rec, notFound("no admin API route for %s %s", r.Method, r.URL.Path))
	} else {
		r.Body = http.MaxBytesReader(rec, r.Body, MaxBodyBytes)
		// ServeHTTP, not the handler Handler returned: only ServeHTTP fills
		// in the path values.
		s.mux.ServeHTTP(rec, r)
	}
	// The query string is left out on purpose: it is the one place a careless
	// client could put a secret.
	s.log.Info("admin request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
		"duration", time.Since(start))
}

func (s *server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	ae, internal := toAPIError(err)
	if internal {
		s.log.Error("admin request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	writeError(w, ae)
}

// changed tells the gateway that a write was committed.
func (s *server) changed() {
	if s.cfg.OnChange != nil {
		s.cfg.OnChange()
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// list is how API Gateway pages collections: the items under "item".
type list[T any] struct {
	Item []T `json:"item"`
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding answer: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return nil
}

// API Gateway answers deletes of top-level records (APIs, stages,
// deployments, domains, mappings) with 202 and deletes of a method's parts
// with 204, both without a body; SDKs check the exact code.

func writeAccepted(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func writeNoContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// decodeJSON decodes a request body strictly: an unknown field is an error,
// not silently dropped, so a typo in a field name is reported where it is.
func decodeJSON(r *http.Request, what string, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return badRequest("%s: the request body is empty; want a JSON object", what)
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("%s: invalid JSON body: %s", what, describeJSONError(body, err))
	}
	if dec.More() {
		return badRequest("%s: the request body holds more than one JSON value", what)
	}
	return nil
}

// describeJSONError adds line:col to the decoder's message, which gives only
// a byte offset (or nothing at all).
func describeJSONError(body []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset - 1 // Offset counts the offending byte itself
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return err.Error()
	}
	line, col := 1, 1
	for i := int64(0); i < off && i < int64(len(body)); i++ {
		if body[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%d:%d: %v", line, col, err)
}
