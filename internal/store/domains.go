package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// NoBasePath is API Gateway's name for the mapping that serves a whole domain.
const NoBasePath = "(none)"

func domainKey(name string) string { return "domain/" + name }

func basePathKey(domain, basePath string) string { return "basepath/" + domain + "/" + basePath }

// PutDomainName creates or replaces a custom domain name. Names are stored
// lower-case, since host names compare case-insensitively.
func (s *Store) PutDomainName(ctx context.Context, d *model.DomainName) error {
	if d == nil {
		return fmt.Errorf("domain name: nil")
	}
	d.DomainName = strings.ToLower(d.DomainName)
	if err := segment("domain name", d.DomainName); err != nil {
		return err
	}
	if d.CreatedDate == "" {
		d.CreatedDate = s.timestamp()
	}
	return s.update(ctx, func(tx Tx) error { return putJSON(tx, domainKey(d.DomainName), "domain name", d.DomainName, d) })
}

// ListDomainNames returns every custom domain name, sorted.
func (s *Store) ListDomainNames(ctx context.Context) ([]*model.DomainName, error) {
	var out []*model.DomainName
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[model.DomainName](tx, "domain/", "domain name")
		return err
	})
	return out, err
}

// DeleteDomainName removes a domain name and its base-path mappings.
func (s *Store) DeleteDomainName(ctx context.Context, name string) error {
	name = strings.ToLower(name)
	if err := segment("domain name", name); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		ok, err := exists(tx, domainKey(name))
		if err != nil {
			return fmt.Errorf("domain name %q: %w", name, err)
		}
		if !ok {
			return notFound("domain name", name)
		}
		if err := deletePrefix(tx, "basepath/"+name+"/"); err != nil {
			return fmt.Errorf("domain name %q: %w", name, err)
		}
		return tx.Delete(domainKey(name))
	})
}

// PutBasePathMapping creates or replaces a base-path mapping. The domain and
// the API must exist; an empty base path means NoBasePath. The stage is not
// required to exist yet, as in API Gateway, where a mapping may be made
// before the first deployment.
func (s *Store) PutBasePathMapping(ctx context.Context, m *model.BasePathMapping) error {
	if m == nil {
		return fmt.Errorf("base path mapping: nil")
	}
	m.DomainName = strings.ToLower(m.DomainName)
	if err := segment("domain name", m.DomainName); err != nil {
		return err
	}
	if m.BasePath == "" {
		m.BasePath = NoBasePath
	}
	if err := segment("api", m.RestAPIID); err != nil {
		return fmt.Errorf("base path mapping %q: %w", m.BasePath, err)
	}
	return s.update(ctx, func(tx Tx) error {
		for _, c := range []struct{ key, kind, name string }{
			{domainKey(m.DomainName), "domain name", m.DomainName},
			{apiKey(m.RestAPIID), "api", m.RestAPIID},
		} {
			ok, err := exists(tx, c.key)
			if err != nil {
				return fmt.Errorf("%s %q: %w", c.kind, c.name, err)
			}
			if !ok {
				return notFound(c.kind, c.name)
			}
		}
		return putJSON(tx, basePathKey(m.DomainName, m.BasePath), "base path mapping", m.BasePath, m)
	})
}

// ListBasePathMappings returns a domain's mappings sorted by base path.
func (s *Store) ListBasePathMappings(ctx context.Context, domain string) ([]*model.BasePathMapping, error) {
	domain = strings.ToLower(domain)
	if err := segment("domain name", domain); err != nil {
		return nil, err
	}
	var out []*model.BasePathMapping
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[model.BasePathMapping](tx, "basepath/"+domain+"/", "base path mapping")
		return err
	})
	return out, err
}

// ListAllBasePathMappings returns every mapping of every domain, sorted by
// domain then base path: what the data plane routes by host.
func (s *Store) ListAllBasePathMappings(ctx context.Context) ([]*model.BasePathMapping, error) {
	var out []*model.BasePathMapping
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[model.BasePathMapping](tx, "basepath/", "base path mapping")
		return err
	})
	return out, err
}

// DeleteBasePathMapping removes one mapping; an empty base path means NoBasePath.
func (s *Store) DeleteBasePathMapping(ctx context.Context, domain, basePath string) error {
	domain = strings.ToLower(domain)
	if basePath == "" {
		basePath = NoBasePath
	}
	return s.update(ctx, func(tx Tx) error {
		key := basePathKey(domain, basePath)
		ok, err := exists(tx, key)
		if err != nil {
			return fmt.Errorf("base path mapping %q: %w", basePath, err)
		}
		if !ok {
			return fmt.Errorf("domain name %q: base path mapping %q: %w", domain, basePath, ErrNotFound)
		}
		return tx.Delete(key)
	})
}
