package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

func usagePlanKey(id string) string { return "usageplan/" + id }

func usagePlanKeyKey(planID, keyID string) string { return "usageplankey/" + planID + "/" + keyID }

// CreateUsagePlan stores a new usage plan; the same id is a conflict.
func (s *Store) CreateUsagePlan(ctx context.Context, p *model.UsagePlan) error {
	if p == nil {
		return fmt.Errorf("usage plan: nil")
	}
	if err := segment("usage plan", p.ID); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if ok, err := exists(tx, usagePlanKey(p.ID)); err != nil {
			return fmt.Errorf("usage plan %q: %w", p.ID, err)
		} else if ok {
			return conflict("usage plan", p.ID, "already exists")
		}
		return putJSON(tx, usagePlanKey(p.ID), "usage plan", p.ID, p)
	})
}

// GetUsagePlan returns one usage plan.
func (s *Store) GetUsagePlan(ctx context.Context, id string) (*model.UsagePlan, error) {
	var p model.UsagePlan
	err := s.view(ctx, func(tx Tx) error { return getJSON(tx, usagePlanKey(id), "usage plan", id, &p) })
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ListUsagePlans returns every usage plan sorted by id.
func (s *Store) ListUsagePlans(ctx context.Context) ([]*model.UsagePlan, error) {
	var out []*model.UsagePlan
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[model.UsagePlan](tx, "usageplan/", "usage plan")
		return err
	})
	return out, err
}

// UpdateUsagePlan reads the plan, lets fn change it and writes it back in
// one transaction. fn must not change the id.
func (s *Store) UpdateUsagePlan(ctx context.Context, id string, fn func(*model.UsagePlan) error) (*model.UsagePlan, error) {
	var p *model.UsagePlan
	err := s.update(ctx, func(tx Tx) error {
		p = new(model.UsagePlan)
		if err := getJSON(tx, usagePlanKey(id), "usage plan", id, p); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if p.ID != id {
			return fmt.Errorf("usage plan %q: an update may not change the id (to %q)", id, p.ID)
		}
		return putJSON(tx, usagePlanKey(id), "usage plan", id, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteUsagePlan removes a plan and its key bindings; the keys stay.
func (s *Store) DeleteUsagePlan(ctx context.Context, id string) error {
	if err := segment("usage plan", id); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if ok, err := exists(tx, usagePlanKey(id)); err != nil {
			return fmt.Errorf("usage plan %q: %w", id, err)
		} else if !ok {
			return notFound("usage plan", id)
		}
		if err := deletePrefix(tx, "usageplankey/"+id+"/"); err != nil {
			return fmt.Errorf("usage plan %q: %w", id, err)
		}
		return tx.Delete(usagePlanKey(id))
	})
}

// AddUsagePlanKey binds an API key to a plan. Both must exist. Binding a key
// twice is a conflict, and so is binding it to a second plan that covers a
// stage its first plan already covers: API Gateway refuses that too, because
// a request could then not tell which plan's limits apply.
func (s *Store) AddUsagePlanKey(ctx context.Context, planID, keyID string) (*model.UsagePlanKey, error) {
	if err := segment("usage plan", planID); err != nil {
		return nil, err
	}
	if err := segment("api key", keyID); err != nil {
		return nil, err
	}
	var upk *model.UsagePlanKey
	err := s.update(ctx, func(tx Tx) error {
		var plan model.UsagePlan
		if err := getJSON(tx, usagePlanKey(planID), "usage plan", planID, &plan); err != nil {
			return err
		}
		var key model.APIKey
		if err := getJSON(tx, apiKeyKey(keyID), "api key", keyID, &key); err != nil {
			return err
		}
		if ok, err := exists(tx, usagePlanKeyKey(planID, keyID)); err != nil {
			return fmt.Errorf("usage plan %q: %w", planID, err)
		} else if ok {
			return conflict("api key", keyID, fmt.Sprintf("already in usage plan %q", planID))
		}
		others, err := plansForKey(tx, keyID)
		if err != nil {
			return err
		}
		for _, o := range others {
			if st, ok := sharedStage(&plan, o); ok {
				return conflict("api key", keyID, fmt.Sprintf("usage plan %q already covers stage %s", o.ID, st))
			}
		}
		upk = &model.UsagePlanKey{ID: keyID, Type: "API_KEY", Name: key.Name}
		return putJSON(tx, usagePlanKeyKey(planID, keyID), "usage plan key", keyID, upk)
	})
	if err != nil {
		return nil, err
	}
	return upk, nil
}

func sharedStage(a, b *model.UsagePlan) (string, bool) {
	for _, x := range a.APIStages {
		for _, y := range b.APIStages {
			if x.APIID == y.APIID && x.Stage == y.Stage {
				return x.APIID + "/" + x.Stage, true
			}
		}
	}
	return "", false
}

// ListUsagePlanKeys returns the keys bound to a plan, sorted by key id, with
// each key's current name.
func (s *Store) ListUsagePlanKeys(ctx context.Context, planID string) ([]model.UsagePlanKey, error) {
	if err := segment("usage plan", planID); err != nil {
		return nil, err
	}
	var out []model.UsagePlanKey
	err := s.view(ctx, func(tx Tx) error {
		if ok, err := exists(tx, usagePlanKey(planID)); err != nil {
			return fmt.Errorf("usage plan %q: %w", planID, err)
		} else if !ok {
			return notFound("usage plan", planID)
		}
		keys, err := tx.List("usageplankey/" + planID + "/")
		if err != nil {
			return fmt.Errorf("usage plan %q: %w", planID, err)
		}
		for _, k := range keys {
			id := k[strings.LastIndexByte(k, '/')+1:]
			upk := model.UsagePlanKey{ID: id, Type: "API_KEY"}
			var key model.APIKey
			if err := getJSON(tx, apiKeyKey(id), "api key", id, &key); err == nil {
				upk.Name = key.Name
			} else if !isNotFound(err) {
				return err
			}
			out = append(out, upk)
		}
		return nil
	})
	return out, err
}

// RemoveUsagePlanKey unbinds a key from a plan.
func (s *Store) RemoveUsagePlanKey(ctx context.Context, planID, keyID string) error {
	return s.update(ctx, func(tx Tx) error {
		key := usagePlanKeyKey(planID, keyID)
		if ok, err := exists(tx, key); err != nil {
			return fmt.Errorf("usage plan %q: %w", planID, err)
		} else if !ok {
			return fmt.Errorf("usage plan %q: api key %q: %w", planID, keyID, ErrNotFound)
		}
		return tx.Delete(key)
	})
}

// UsagePlansForKey returns the plans a key is bound to, sorted by plan id.
func (s *Store) UsagePlansForKey(ctx context.Context, keyID string) ([]*model.UsagePlan, error) {
	if err := segment("api key", keyID); err != nil {
		return nil, err
	}
	var out []*model.UsagePlan
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = plansForKey(tx, keyID)
		return err
	})
	return out, err
}

func plansForKey(tx Tx, keyID string) ([]*model.UsagePlan, error) {
	bindings, err := tx.List("usageplankey/")
	if err != nil {
		return nil, fmt.Errorf("api key %q: %w", keyID, err)
	}
	var out []*model.UsagePlan
	for _, b := range bindings {
		rest := strings.TrimPrefix(b, "usageplankey/")
		planID, kid, ok := strings.Cut(rest, "/")
		if !ok || kid != keyID {
			continue
		}
		var p model.UsagePlan
		if err := getJSON(tx, usagePlanKey(planID), "usage plan", planID, &p); err != nil {
			return nil, err
		}
		out = append(out, &p)
	}
	return out, nil
}
