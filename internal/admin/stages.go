package admin

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/store"
)

// API Gateway's rule for stage names.
var stageNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func validStageName(name string) error {
	if !stageNameRE.MatchString(name) {
		return badRequest("stage name %q is invalid: use 1 to 128 letters, digits, hyphens and underscores", name)
	}
	return nil
}

func (s *server) listStages(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.loadAPI(r); err != nil {
		return err
	}
	sts, err := s.store.ListStages(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[*model.Stage]{Item: orEmpty(sts)})
}

func (s *server) loadStage(r *http.Request) (*model.Stage, error) {
	st, err := s.store.GetStage(r.Context(), r.PathValue("id"), r.PathValue("name"))
	if err != nil {
		return nil, fmt.Errorf("rest api %s: %w", r.PathValue("id"), err)
	}
	return st, nil
}

// stageError names the API on a store error about one of its stages, as
// loadStage does; an error the handler made (a 400) passes as is.
func stageError(r *http.Request, err error) error {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("rest api %s: %w", r.PathValue("id"), err)
	}
	return err
}

func (s *server) getStage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loadStage(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (s *server) createStage(w http.ResponseWriter, r *http.Request) error {
	var in CreateStageInput
	if err := decodeJSON(r, "create stage", &in); err != nil {
		return err
	}
	if err := validStageName(in.StageName); err != nil {
		return err
	}
	if in.DeploymentID == "" {
		return badRequest("create stage: deploymentId is required")
	}
	apiID := r.PathValue("id")
	d, err := s.store.GetDeployment(r.Context(), apiID, in.DeploymentID)
	if err != nil {
		return fmt.Errorf("create stage: rest api %s: %w", apiID, err)
	}
	if err := s.checkDeploy(r.Context(), d.Snapshot, apiID, in.StageName); err != nil {
		return badRequest("create stage %s: %v", in.StageName, err)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	st := &model.Stage{APIID: apiID, StageName: in.StageName, DeploymentID: in.DeploymentID,
		Description: in.Description, Variables: in.Variables, CreatedDate: now, LastUpdatedDate: now}
	if err := s.store.CreateStage(r.Context(), st); err != nil {
		return fmt.Errorf("create stage %s: %w", in.StageName, err)
	}
	s.changed()
	return writeJSON(w, http.StatusCreated, st)
}

func (s *server) deleteStage(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DeleteStage(r.Context(), r.PathValue("id"), r.PathValue("name")); err != nil {
		return fmt.Errorf("delete stage: rest api %s: %w", r.PathValue("id"), err)
	}
	s.changed()
	return writeAccepted(w)
}

// updateStage is API Gateway's UpdateStage for the paths ferry supports.
// Every operation is checked before any is applied.
func (s *server) updateStage(w http.ResponseWriter, r *http.Request) error {
	var in UpdateStageInput
	if err := decodeJSON(r, "update stage", &in); err != nil {
		return err
	}
	if len(in.PatchOperations) == 0 {
		return badRequest("update stage: patchOperations is empty")
	}
	st, err := s.store.UpdateStage(r.Context(), r.PathValue("id"), r.PathValue("name"), func(st *model.Stage) error {
		for i, op := range in.PatchOperations {
			// Method settings (/*/*/throttling/rateLimit, /~1pets/GET/...) first.
			if handled, err := PatchStageThrottling(st, op); err != nil {
				return badRequest("update stage: patchOperations[%d] (%s %s): %s", i, op.Op, op.Path, err.Error())
			} else if handled {
				continue
			}
			if err := s.applyStagePatch(r, st, op); err != nil {
				return badRequest("update stage: patchOperations[%d] (%s %s): %s", i, op.Op, op.Path, err.Error())
			}
		}
		return nil
	})
	if err != nil {
		return stageError(r, err)
	}
	s.changed()
	return writeJSON(w, http.StatusOK, st)
}

// stagePatchError is a reason without the status: updateStage adds which
// operation failed and makes it a 400.
type stagePatchError string

func (e stagePatchError) Error() string { return string(e) }

func (s *server) applyStagePatch(r *http.Request, st *model.Stage, op PatchOperation) error {
	switch op.Op {
	case "replace", "add", "remove":
	default:
		return stagePatchError(fmt.Sprintf("op %q is not replace, add or remove", op.Op))
	}
	switch {
	case op.Path == "/deploymentId":
		if op.Op == "remove" {
			return stagePatchError("a stage must keep a deployment; replace it instead")
		}
		if op.Value == "" {
			return stagePatchError("value must be a deployment id")
		}
		d, err := s.store.GetDeployment(r.Context(), r.PathValue("id"), op.Value)
		if err != nil {
			return stagePatchError(fmt.Sprintf("deployment %s: %v", op.Value, err))
		}
		if err := s.checkDeploy(r.Context(), d.Snapshot, r.PathValue("id"), st.StageName); err != nil {
			return stagePatchError(fmt.Sprintf("deployment %s: %v", op.Value, err))
		}
		st.DeploymentID = op.Value
	case op.Path == "/description":
		if op.Op == "remove" {
			st.Description = ""
		} else {
			st.Description = op.Value
		}
	case strings.HasPrefix(op.Path, "/variables/"):
		name := strings.TrimPrefix(op.Path, "/variables/")
		if name == "" {
			return stagePatchError("the variable name is missing")
		}
		if op.Op == "remove" {
			if _, ok := st.Variables[name]; !ok {
				return stagePatchError(fmt.Sprintf("stage variable %s is not set", name))
			}
			delete(st.Variables, name)
			return nil
		}
		if st.Variables == nil {
			st.Variables = map[string]string{}
		}
		st.Variables[name] = op.Value
	default:
		return stagePatchError("path is not one ferry can patch (/deploymentId, /description, /variables/NAME)")
	}
	return nil
}

func (s *server) setOffline(offline bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := s.store.UpdateStage(r.Context(), r.PathValue("id"), r.PathValue("name"), func(st *model.Stage) error {
			st.Offline = offline
			return nil
		})
		if err != nil {
			return stageError(r, err)
		}
		s.changed()
		return writeJSON(w, http.StatusOK, st)
	}
}

func checkExportType(r *http.Request) error {
	if t := r.PathValue("type"); t != "oas30" {
		return badRequest("export type %q is not supported; ferry exports oas30", t)
	}
	if a := r.Header.Get("Accept"); strings.Contains(a, "yaml") {
		return badRequest("export: ferry exports JSON only (Accept: application/json), not %s", a)
	}
	return nil
}

// exportStage exports what a stage serves: its deployment's snapshot, not
// the API's current definition.
func (s *server) exportStage(w http.ResponseWriter, r *http.Request) error {
	if err := checkExportType(r); err != nil {
		return err
	}
	st, err := s.loadStage(r)
	if err != nil {
		return err
	}
	d, err := s.store.GetDeployment(r.Context(), r.PathValue("id"), st.DeploymentID)
	if err != nil {
		return fmt.Errorf("stage %s: %w", st.StageName, err)
	}
	if d.Snapshot == nil {
		return fmt.Errorf("deployment %s has no snapshot", d.ID)
	}
	return writeExport(w, d.Snapshot)
}

// exportCurrent exports the API's current, possibly undeployed definition.
func (s *server) exportCurrent(w http.ResponseWriter, r *http.Request) error {
	if err := checkExportType(r); err != nil {
		return err
	}
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	return writeExport(w, api)
}

func writeExport(w http.ResponseWriter, api *model.API) error {
	b, err := exportAPI(api)
	if err != nil {
		return fmt.Errorf("export %s: %w", api.RestAPI.ID, err)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
	return nil
}
