package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

func deploymentKey(apiID, id string) string { return "deployment/" + apiID + "/" + id }

func stageKey(apiID, name string) string { return "stage/" + apiID + "/" + name }

func checkDeployment(d *model.Deployment, apiID string) error {
	if d == nil {
		return fmt.Errorf("deployment: nil")
	}
	if err := segment("api", apiID); err != nil {
		return err
	}
	return segment("deployment", d.ID)
}

// createDeployment writes d under apiID inside tx. The API must exist: a
// deployment of nothing could never be served.
func (s *Store) createDeployment(tx Tx, apiID string, d *model.Deployment) error {
	ok, err := exists(tx, apiKey(apiID))
	if err != nil {
		return fmt.Errorf("api %q: %w", apiID, err)
	}
	if !ok {
		return notFound("api", apiID)
	}
	key := deploymentKey(apiID, d.ID)
	if ok, err := exists(tx, key); err != nil {
		return fmt.Errorf("deployment %q: %w", d.ID, err)
	} else if ok {
		return conflict("deployment", d.ID, "already exists")
	}
	return putJSON(tx, key, "deployment", d.ID, d)
}

// CreateDeployment stores a deployment with its snapshot. d.APIID names the
// API; CreatedDate is filled in when empty.
func (s *Store) CreateDeployment(ctx context.Context, d *model.Deployment) error {
	if err := checkDeployment(d, d.APIID); err != nil {
		return err
	}
	if d.CreatedDate == "" {
		d.CreatedDate = s.timestamp()
	}
	return s.update(ctx, func(tx Tx) error { return s.createDeployment(tx, d.APIID, d) })
}

// GetDeployment returns a deployment with its snapshot.
func (s *Store) GetDeployment(ctx context.Context, apiID, id string) (*model.Deployment, error) {
	var d model.Deployment
	err := s.view(ctx, func(tx Tx) error { return getJSON(tx, deploymentKey(apiID, id), "deployment", id, &d) })
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// ListDeployments returns an API's deployments newest first, without
// snapshots. Deployments created within the same second are ordered by
// their full timestamp when it has sub-second digits, else by id.
func (s *Store) ListDeployments(ctx context.Context, apiID string) ([]*model.Deployment, error) {
	var ds []*model.Deployment
	err := s.view(ctx, func(tx Tx) error {
		var err error
		ds, err = listJSON[model.Deployment](tx, "deployment/"+apiID+"/", "deployment")
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		d.Snapshot = nil
	}
	sort.SliceStable(ds, func(i, j int) bool {
		ti, ei := time.Parse(time.RFC3339Nano, ds[i].CreatedDate)
		tj, ej := time.Parse(time.RFC3339Nano, ds[j].CreatedDate)
		if ei == nil && ej == nil && !ti.Equal(tj) {
			return ti.After(tj)
		}
		return ds[i].ID > ds[j].ID
	})
	return ds, nil
}

// DeleteDeployment removes a deployment. While a stage serves it, that is a
// conflict: the stage must move or go first, as in API Gateway.
func (s *Store) DeleteDeployment(ctx context.Context, apiID, id string) error {
	return s.update(ctx, func(tx Tx) error {
		ok, err := exists(tx, deploymentKey(apiID, id))
		if err != nil {
			return fmt.Errorf("deployment %q: %w", id, err)
		}
		if !ok {
			return notFound("deployment", id)
		}
		stages, err := listJSON[model.Stage](tx, "stage/"+apiID+"/", "stage")
		if err != nil {
			return err
		}
		for _, st := range stages {
			if st.DeploymentID == id {
				return conflict("deployment", id, fmt.Sprintf("stage %q still serves it", st.StageName))
			}
		}
		return tx.Delete(deploymentKey(apiID, id))
	})
}

// putStage writes st after checking its deployment exists. create makes an
// existing stage a conflict; otherwise the stage is replaced, keeping its
// CreatedDate.
func (s *Store) putStage(tx Tx, st *model.Stage, create bool) error {
	if st == nil {
		return fmt.Errorf("stage: nil")
	}
	if err := segment("api", st.APIID); err != nil {
		return err
	}
	if err := segment("stage", st.StageName); err != nil {
		return err
	}
	if err := segment("deployment", st.DeploymentID); err != nil {
		return fmt.Errorf("stage %q: %w", st.StageName, err)
	}
	ok, err := exists(tx, deploymentKey(st.APIID, st.DeploymentID))
	if err != nil {
		return fmt.Errorf("deployment %q: %w", st.DeploymentID, err)
	}
	if !ok {
		return notFound("deployment", st.DeploymentID)
	}
	key := stageKey(st.APIID, st.StageName)
	var old model.Stage
	err = getJSON(tx, key, "stage", st.StageName, &old)
	switch {
	case err == nil && create:
		return conflict("stage", st.StageName, "already exists")
	case err == nil:
		if st.CreatedDate == "" {
			st.CreatedDate = old.CreatedDate
		}
	case isNotFound(err):
	default:
		return err
	}
	now := s.timestamp()
	if st.CreatedDate == "" {
		st.CreatedDate = now
	}
	st.LastUpdatedDate = now
	return putJSON(tx, key, "stage", st.StageName, st)
}

// CreateStage stores a new stage; its deployment must exist.
func (s *Store) CreateStage(ctx context.Context, st *model.Stage) error {
	return s.update(ctx, func(tx Tx) error { return s.putStage(tx, st, true) })
}

// PutStage creates or replaces a stage; its deployment must exist.
func (s *Store) PutStage(ctx context.Context, st *model.Stage) error {
	return s.update(ctx, func(tx Tx) error { return s.putStage(tx, st, false) })
}

// stageUpdateAttempts bounds UpdateStage's retries when other writers keep
// changing the stage between its read and its write.
const stageUpdateAttempts = 8

// UpdateStage reads the stage, lets fn change it and writes it back only if
// nobody changed the stage in between; otherwise it reads again and reruns
// fn, so two concurrent patches (a stage variable and taking the stage
// offline, say) cannot lose each other's changes. fn runs outside any
// transaction, so it may read the store (to check a deployment it points the
// stage at) and must have no other side effects. An error from fn leaves the
// stage untouched and is returned as is; a stage that keeps changing under
// fn gives ErrConflict.
func (s *Store) UpdateStage(ctx context.Context, apiID, name string, fn func(*model.Stage) error) (*model.Stage, error) {
	key := stageKey(apiID, name)
	for range stageUpdateAttempts {
		var before []byte
		err := s.view(ctx, func(tx Tx) error {
			b, err := tx.Get(key)
			if isNotFound(err) {
				return notFound("stage", name)
			}
			before = b
			return err
		})
		if err != nil {
			return nil, err
		}
		st := new(model.Stage)
		if err := json.Unmarshal(before, st); err != nil {
			return nil, fmt.Errorf("stage %q: stored value is not a stage: %w", name, err)
		}
		if err := fn(st); err != nil {
			return nil, err
		}
		if st.APIID != apiID || st.StageName != name {
			return nil, fmt.Errorf("stage %q: an update may not change the api or the stage name", name)
		}
		changed := false
		err = s.update(ctx, func(tx Tx) error {
			now, err := tx.Get(key)
			if isNotFound(err) {
				return notFound("stage", name)
			}
			if err != nil {
				return err
			}
			if !bytes.Equal(now, before) {
				changed = true
				return nil
			}
			return s.putStage(tx, st, false)
		})
		if err != nil {
			return nil, err
		}
		if !changed {
			return st, nil
		}
	}
	return nil, conflict("stage", name, "changed by other writers on every attempt; try again")
}

// GetStage returns one stage of an API.
func (s *Store) GetStage(ctx context.Context, apiID, name string) (*model.Stage, error) {
	var st model.Stage
	err := s.view(ctx, func(tx Tx) error { return getJSON(tx, stageKey(apiID, name), "stage", name, &st) })
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// ListStages returns an API's stages sorted by name.
func (s *Store) ListStages(ctx context.Context, apiID string) ([]*model.Stage, error) {
	var out []*model.Stage
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[model.Stage](tx, "stage/"+apiID+"/", "stage")
		return err
	})
	return out, err
}

// ListAllStages returns every stage of every API, sorted by API id then
// name: what the data plane serves.
func (s *Store) ListAllStages(ctx context.Context) ([]*model.Stage, error) {
	var out []*model.Stage
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = listJSON[model.Stage](tx, "stage/", "stage")
		return err
	})
	return out, err
}

// DeleteStage removes a stage. Its deployment stays, as in API Gateway.
func (s *Store) DeleteStage(ctx context.Context, apiID, name string) error {
	return s.update(ctx, func(tx Tx) error {
		ok, err := exists(tx, stageKey(apiID, name))
		if err != nil {
			return fmt.Errorf("stage %q: %w", name, err)
		}
		if !ok {
			return notFound("stage", name)
		}
		return tx.Delete(stageKey(apiID, name))
	})
}

// DeployToStage creates deployment d of the API and points the stage at it,
// creating the stage when missing, all in one transaction: a failure leaves
// neither a dangling deployment nor a stage moved halfway. vars are merged
// into the stage's existing variables, new values winning; a non-empty
// description replaces the stage's.
func (s *Store) DeployToStage(ctx context.Context, apiID string, d *model.Deployment, stageName string, vars map[string]string, description string) (*model.Stage, error) {
	if err := checkDeployment(d, apiID); err != nil {
		return nil, err
	}
	if err := segment("stage", stageName); err != nil {
		return nil, err
	}
	if d.APIID == "" {
		d.APIID = apiID
	} else if d.APIID != apiID {
		return nil, fmt.Errorf("deployment %q: belongs to api %q, not %q", d.ID, d.APIID, apiID)
	}
	if d.CreatedDate == "" {
		d.CreatedDate = s.timestamp()
	}
	var st *model.Stage
	err := s.update(ctx, func(tx Tx) error {
		if err := s.createDeployment(tx, apiID, d); err != nil {
			return err
		}
		st = &model.Stage{APIID: apiID, StageName: stageName}
		err := getJSON(tx, stageKey(apiID, stageName), "stage", stageName, st)
		if err != nil && !isNotFound(err) {
			return err
		}
		st.DeploymentID = d.ID
		if description != "" {
			st.Description = description
		}
		if len(vars) > 0 {
			if st.Variables == nil {
				st.Variables = make(map[string]string, len(vars))
			}
			maps.Copy(st.Variables, vars)
		}
		return s.putStage(tx, st, false)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}
