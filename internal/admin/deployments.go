package admin

import (
	"fmt"
	"net/http"
	"time"

	"github.com/ferrygw/ferry/internal/model"
)

// withoutSnapshot is a deployment as API Gateway shows it: the snapshot is
// ferry's storage, large, and no client needs it to manage deployments.
func withoutSnapshot(d *model.Deployment) *model.Deployment {
	c := *d
	c.Snapshot = nil
	return &c
}

func (s *server) createDeployment(w http.ResponseWriter, r *http.Request) error {
	var in CreateDeploymentInput
	if err := decodeJSON(r, "create deployment", &in); err != nil {
		return err
	}
	if in.StageName == "" && (in.StageDescription != "" || len(in.Variables) > 0) {
		return badRequest("create deployment: stageDescription and variables need a stageName")
	}
	if in.StageName != "" {
		if err := validStageName(in.StageName); err != nil {
			return err
		}
	}
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	// Writes were checked as drafts, where a method without an integration
	// is allowed; a deployment is what gets served, so it must compile in
	// full, as API Gateway refuses to deploy such a method.
	if err := s.checkServable(api, in.StageName, in.Variables); err != nil {
		return badRequest("create deployment: %v", err)
	}
	if err := s.checkDeploy(r.Context(), api, api.RestAPI.ID, in.StageName); err != nil {
		return badRequest("create deployment: %v", err)
	}
	d := &model.Deployment{ID: model.NewID(6), APIID: api.RestAPI.ID, Description: in.Description,
		CreatedDate: time.Now().UTC().Format(time.RFC3339Nano), Snapshot: api}
	if in.StageName != "" {
		_, err = s.store.DeployToStage(r.Context(), api.RestAPI.ID, d, in.StageName, in.Variables, in.StageDescription)
	} else {
		err = s.store.CreateDeployment(r.Context(), d)
	}
	if err != nil {
		return fmt.Errorf("create deployment: %w", err)
	}
	s.changed()
	return writeJSON(w, http.StatusCreated, withoutSnapshot(d))
}

func (s *server) listDeployments(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.loadAPI(r); err != nil {
		return err
	}
	ds, err := s.store.ListDeployments(r.Context(), id)
	if err != nil {
		return err
	}
	out := list[*model.Deployment]{Item: make([]*model.Deployment, 0, len(ds))}
	for _, d := range ds {
		out.Item = append(out.Item, withoutSnapshot(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) getDeployment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.store.GetDeployment(r.Context(), r.PathValue("id"), r.PathValue("did"))
	if err != nil {
		return fmt.Errorf("rest api %s: %w", r.PathValue("id"), err)
	}
	return writeJSON(w, http.StatusOK, withoutSnapshot(d))
}

func (s *server) deleteDeployment(w http.ResponseWriter, r *http.Request) error {
	err := s.store.DeleteDeployment(r.Context(), r.PathValue("id"), r.PathValue("did"))
	if err != nil {
		return fmt.Errorf("delete deployment: rest api %s: %w", r.PathValue("id"), err)
	}
	s.changed()
	return writeAccepted(w)
}
