package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

func apiKey(id string) string { return "api/" + id }

// CreateAPI stores a new API. An API with the same id is a conflict.
func (s *Store) CreateAPI(ctx context.Context, api *model.API) error {
	if api == nil {
		return fmt.Errorf("create api: nil API")
	}
	id := api.RestAPI.ID
	if err := segment("api", id); err != nil {
		return err
	}
	if api.RestAPI.CreatedDate == "" {
		api.RestAPI.CreatedDate = s.timestamp()
	}
	return s.update(ctx, func(tx Tx) error {
		ok, err := exists(tx, apiKey(id))
		if err != nil {
			return fmt.Errorf("api %q: %w", id, err)
		}
		if ok {
			return conflict("api", id, "already exists")
		}
		return putJSON(tx, apiKey(id), "api", id, api)
	})
}

// GetAPI returns the API with the given id.
func (s *Store) GetAPI(ctx context.Context, id string) (*model.API, error) {
	var api model.API
	err := s.view(ctx, func(tx Tx) error { return getJSON(tx, apiKey(id), "api", id, &api) })
	if err != nil {
		return nil, err
	}
	return &api, nil
}

// ListAPIs returns every API's RestApi record, sorted by name then id. It
// decodes only the restApi member of each document, not the resource tree.
func (s *Store) ListAPIs(ctx context.Context) ([]model.RestAPI, error) {
	var out []model.RestAPI
	err := s.view(ctx, func(tx Tx) error {
		keys, err := tx.List("api/")
		if err != nil {
			return fmt.Errorf("list apis: %w", err)
		}
		for _, k := range keys {
			var head struct {
				RestAPI model.RestAPI `json:"restApi"`
			}
			b, err := tx.Get(k)
			if err != nil {
				return fmt.Errorf("list apis: %w", err)
			}
			if err := json.Unmarshal(b, &head); err != nil {
				return fmt.Errorf("api %q: stored record is corrupt: %w", strings.TrimPrefix(k, "api/"), err)
			}
			out = append(out, head.RestAPI)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// PutAPI replaces an existing API wholesale (an import in overwrite mode).
func (s *Store) PutAPI(ctx context.Context, api *model.API) error {
	if api == nil {
		return fmt.Errorf("put api: nil API")
	}
	id := api.RestAPI.ID
	if err := segment("api", id); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		ok, err := exists(tx, apiKey(id))
		if err != nil {
			return fmt.Errorf("api %q: %w", id, err)
		}
		if !ok {
			return notFound("api", id)
		}
		return putJSON(tx, apiKey(id), "api", id, api)
	})
}

// UpdateAPI reads the API, lets fn change it and writes it back in one
// transaction, so two concurrent edits of one API cannot lose each other's
// changes. An error from fn leaves the stored API untouched and is returned
// as is. fn must not change the API's id.
func (s *Store) UpdateAPI(ctx context.Context, id string, fn func(*model.API) error) (*model.API, error) {
	var api *model.API
	err := s.update(ctx, func(tx Tx) error {
		api = new(model.API)
		if err := getJSON(tx, apiKey(id), "api", id, api); err != nil {
			return err
		}
		if err := fn(api); err != nil {
			return err
		}
		if api.RestAPI.ID != id {
			return fmt.Errorf("api %q: an update may not change the id (to %q)", id, api.RestAPI.ID)
		}
		return putJSON(tx, apiKey(id), "api", id, api)
	})
	if err != nil {
		return nil, err
	}
	return api, nil
}

// DeleteAPI removes an API with everything that only means something with it:
// its deployments and stages, base-path mappings to it, usage-plan bindings
// to its stages, and its API- and stage-scoped key-value maps. All of it
// goes in one transaction.
func (s *Store) DeleteAPI(ctx context.Context, id string) error {
	if err := segment("api", id); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		ok, err := exists(tx, apiKey(id))
		if err != nil {
			return fmt.Errorf("api %q: %w", id, err)
		}
		if !ok {
			return notFound("api", id)
		}
		for _, p := range []string{
			apiKey(id),
			"deployment/" + id + "/",
			"stage/" + id + "/",
			"kvm/api:" + id + "/",
			"kvmentry/api:" + id + "/",
			"kvm/stage:" + id + "/",
			"kvmentry/stage:" + id + "/",
		} {
			if err := deletePrefixOrKey(tx, p); err != nil {
				return fmt.Errorf("delete api %q: %w", id, err)
			}
		}
		if err := deleteMappingsTo(tx, id); err != nil {
			return fmt.Errorf("delete api %q: %w", id, err)
		}
		return unbindPlansFrom(tx, id)
	})
}

// deletePrefixOrKey deletes p itself when it names a record, otherwise every key under it.
func deletePrefixOrKey(tx Tx, p string) error {
	if !strings.HasSuffix(p, "/") {
		return tx.Delete(p)
	}
	return deletePrefix(tx, p)
}

func deleteMappingsTo(tx Tx, apiID string) error {
	ms, err := listJSON[model.BasePathMapping](tx, "basepath/", "base path mapping")
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.RestAPIID == apiID {
			if err := tx.Delete(basePathKey(m.DomainName, m.BasePath)); err != nil {
				return err
			}
		}
	}
	return nil
}

func unbindPlansFrom(tx Tx, apiID string) error {
	plans, err := listJSON[model.UsagePlan](tx, "usageplan/", "usage plan")
	if err != nil {
		return err
	}
	for _, p := range plans {
		kept := p.APIStages[:0:0]
		for _, st := range p.APIStages {
			if st.APIID != apiID {
				kept = append(kept, st)
			}
		}
		if len(kept) == len(p.APIStages) {
			continue
		}
		p.APIStages = kept
		if err := putJSON(tx, usagePlanKey(p.ID), "usage plan", p.ID, p); err != nil {
			return err
		}
	}
	return nil
}
