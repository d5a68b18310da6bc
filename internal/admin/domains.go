package admin

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
)

// A host name as DNS allows it: dot-separated labels of letters, digits and
// inner hyphens; a leading "*." for a wildcard domain.
var domainRE = regexp.MustCompile(`^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// A base path is one path segment of URL-safe characters. API Gateway also
// allows several segments for some endpoint types; ferry's router and store
// key layout take one.
var basePathRE = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// noBasePath is how API Gateway names the mapping of a whole domain.
const noBasePath = store.NoBasePath

func validDomain(name string) error {
	if len(name) > 253 || !domainRE.MatchString(name) {
		return badRequest("domain name %q is not a valid host name", name)
	}
	return nil
}

func normalizeBasePath(p string) (string, error) {
	p = strings.Trim(p, "/")
	if p == "" || p == noBasePath {
		return noBasePath, nil
	}
	if !basePathRE.MatchString(p) {
		return "", badRequest("base path %q is invalid: use one path segment of letters, digits and . _ ~ -", p)
	}
	return p, nil
}

func (s *server) listDomainNames(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.store.ListDomainNames(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[*model.DomainName]{Item: orEmpty(ds)})
}

func (s *server) findDomain(r *http.Request) (*model.DomainName, error) {
	name := strings.ToLower(r.PathValue("name"))
	ds, err := s.store.ListDomainNames(r.Context())
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.DomainName == name {
			return d, nil
		}
	}
	return nil, notFound("domain name %s does not exist", name)
}

func (s *server) getDomainName(w http.ResponseWriter, r *http.Request) error {
	d, err := s.findDomain(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *server) createDomainName(w http.ResponseWriter, r *http.Request) error {
	var in CreateDomainNameInput
	if err := decodeJSON(r, "create domain name", &in); err != nil {
		return err
	}
	// Host names are case-insensitive; storing one spelling keeps lookups simple.
	name := strings.ToLower(in.DomainName)
	if err := validDomain(name); err != nil {
		return err
	}
	ds, err := s.store.ListDomainNames(r.Context())
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.DomainName == name {
			return conflict("domain name %s already exists", name)
		}
	}
	d := &model.DomainName{DomainName: name, CreatedDate: time.Now().UTC().Format(time.RFC3339)}
	if err := s.store.PutDomainName(r.Context(), d); err != nil {
		return fmt.Errorf("create domain name %s: %w", name, err)
	}
	s.changed()
	return writeJSON(w, http.StatusCreated, d)
}

func (s *server) deleteDomainName(w http.ResponseWriter, r *http.Request) error {
	d, err := s.findDomain(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteDomainName(r.Context(), d.DomainName); err != nil {
		return fmt.Errorf("delete domain name %s: %w", d.DomainName, err)
	}
	s.changed()
	return writeAccepted(w)
}

func (s *server) listBasePathMappings(w http.ResponseWriter, r *http.Request) error {
	d, err := s.findDomain(r)
	if err != nil {
		return err
	}
	ms, err := s.store.ListBasePathMappings(r.Context(), d.DomainName)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[*model.BasePathMapping]{Item: orEmpty(ms)})
}

func (s *server) createBasePathMapping(w http.ResponseWriter, r *http.Request) error {
	var in CreateBasePathMappingInput
	if err := decodeJSON(r, "create base path mapping", &in); err != nil {
		return err
	}
	d, err := s.findDomain(r)
	if err != nil {
		return err
	}
	bp, err := normalizeBasePath(in.BasePath)
	if err != nil {
		return err
	}
	if in.RestAPIID == "" || in.Stage == "" {
		return badRequest("create base path mapping: restApiId and stage are both required")
	}
	if _, err := s.store.GetStage(r.Context(), in.RestAPIID, in.Stage); err != nil {
		return fmt.Errorf("create base path mapping: rest api %s: %w", in.RestAPIID, err)
	}
	ms, err := s.store.ListBasePathMappings(r.Context(), d.DomainName)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.BasePath == bp {
			return conflict("base path %s of %s is already mapped to %s/%s", bp, d.DomainName, m.RestAPIID, m.Stage)
		}
	}
	m := &model.BasePathMapping{DomainName: d.DomainName, BasePath: bp, RestAPIID: in.RestAPIID, Stage: in.Stage}
	if err := s.store.PutBasePathMapping(r.Context(), m); err != nil {
		return fmt.Errorf("create base path mapping: %w", err)
	}
	s.changed()
	return writeJSON(w, http.StatusCreated, m)
}

func (s *server) deleteBasePathMapping(w http.ResponseWriter, r *http.Request) error {
	d, err := s.findDomain(r)
	if err != nil {
		return err
	}
	bp, err := normalizeBasePath(r.PathValue("basePath"))
	if err != nil {
		return err
	}
	if err := s.store.DeleteBasePathMapping(r.Context(), d.DomainName, bp); err != nil {
		return fmt.Errorf("delete base path mapping of %s: %w", d.DomainName, err)
	}
	s.changed()
	return writeAccepted(w)
}
