package admin

import (
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

func (s *server) listAPIs(w http.ResponseWriter, r *http.Request) error {
	apis, err := s.store.ListAPIs(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[model.RestAPI]{Item: orEmpty(apis)})
}

func (s *server) getAPI(w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.RestAPI)
}

func (s *server) deleteAPI(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DeleteAPI(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	s.changed()
	return writeAccepted(w)
}

// importAPI is API Gateway's ImportRestApi: POST /restapis?mode=import with
// the OpenAPI document as the body.
func (s *server) importAPI(w http.ResponseWriter, r *http.Request) error {
	if m := r.URL.Query().Get("mode"); m != "import" {
		return badRequest("POST /restapis needs mode=import (got mode=%q); ferry creates APIs by importing an OpenAPI document", m)
	}
	api, err := s.readImport(r)
	if err != nil {
		return err
	}
	if api.RestAPI.ID == "" {
		api.RestAPI.ID = model.NewID(10)
	}
	if api.RestAPI.CreatedDate == "" {
		api.RestAPI.CreatedDate = time.Now().UTC().Format(time.RFC3339)
	}
	if err := s.store.CreateAPI(r.Context(), api); err != nil {
		return err
	}
	s.changed()
	return writeJSON(w, http.StatusCreated, api.RestAPI)
}

// overwriteAPI is API Gateway's PutRestApi in overwrite mode: the API keeps
// its id (and so its stages and deployments) and gets the new definition.
func (s *server) overwriteAPI(w http.ResponseWriter, r *http.Request) error {
	if m := r.URL.Query().Get("mode"); m != "overwrite" {
		return badRequest("PUT /restapis/{id} supports mode=overwrite only (got mode=%q)", m)
	}
	api, err := s.readImport(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	got, err := s.store.UpdateAPI(r.Context(), id, func(cur *model.API) error {
		next := *api
		next.RestAPI.ID = id
		next.RestAPI.CreatedDate = cur.RestAPI.CreatedDate
		*cur = next
		return nil
	})
	if err != nil {
		return err
	}
	s.changed()
	return writeJSON(w, http.StatusOK, got.RestAPI)
}

// importQuery lists the query parameters an import accepts; anything else is
// reported rather than ignored, so a misspelt "var" does not vanish.
var importQuery = map[string]bool{"mode": true, "name": true, "region": true, "accountId": true,
	"var": true, "filename": true, "failonwarnings": true}

func (s *server) readImport(r *http.Request) (*model.API, error) {
	opts, err := parseImportQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	doc, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(doc))) == 0 {
		return nil, badRequest("import: the request body is empty; send the OpenAPI document as the body")
	}
	api, err := importAPI(doc, opts)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	if opts.FailOnWarnings && len(api.RestAPI.Warnings) > 0 {
		return nil, badRequest("import: failonwarnings is set and the document has warnings:\n%s",
			strings.Join(api.RestAPI.Warnings, "\n"))
	}
	if err := s.check(api); err != nil {
		return nil, badRequest("%v", err)
	}
	return api, nil
}

func parseImportQuery(q url.Values) (ImportOptions, error) {
	var bad []string
	for k := range q {
		if !importQuery[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return ImportOptions{}, badRequest("import: unknown query parameter(s) %s; known: name, region, accountId, var, filename, failonwarnings",
			strings.Join(bad, ", "))
	}
	opts := ImportOptions{Filename: q.Get("filename"), Name: q.Get("name"), Region: q.Get("region"), AccountID: q.Get("accountId")}
	switch v := q.Get("failonwarnings"); v {
	case "", "false":
	case "true":
		opts.FailOnWarnings = true
	default:
		return ImportOptions{}, badRequest("import: failonwarnings must be true or false, not %q", v)
	}
	for _, kv := range q["var"] {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return ImportOptions{}, badRequest("import: var %q is not of the form NAME=VALUE", kv)
		}
		if opts.Vars == nil {
			opts.Vars = map[string]string{}
		}
		if _, dup := opts.Vars[name]; dup {
			return ImportOptions{}, badRequest("import: var %s is given twice", name)
		}
		opts.Vars[name] = value
	}
	return opts, nil
}

// loadAPI reads the API named by the {id} path segment.
func (s *server) loadAPI(r *http.Request) (*model.API, error) {
	return s.store.GetAPI(r.Context(), r.PathValue("id"))
}
