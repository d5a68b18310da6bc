package admin

import (
	"net/http"

	"github.com/ferrygw/ferry/internal/model"
)

// listAuthorizers is API Gateway's GetAuthorizers: the API's authorizers in
// definition order. Nothing in an authorizer is secret: credentials are a
// role ARN or a kvm: reference, never keys.
func (s *server) listAuthorizers(w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list[*model.Authorizer]{Item: orEmpty(api.Authorizers)})
}

// getAuthorizer is API Gateway's GetAuthorizer. It also accepts the
// authorizer's name, as test-invoke-authorizer does: ids are generated at
// import, names are what the definition says.
func (s *server) getAuthorizer(w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	want := r.PathValue("authorizerId")
	for _, a := range api.Authorizers {
		if a.ID == want {
			return writeJSON(w, http.StatusOK, a)
		}
	}
	for _, a := range api.Authorizers {
		if a.Name == want {
			return writeJSON(w, http.StatusOK, a)
		}
	}
	return notFound("rest api %s has no authorizer %q", api.RestAPI.ID, want)
}
