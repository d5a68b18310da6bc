package admin

import (
	"fmt"
	"net/http"
)

// testInvokeMethod is API Gateway's TestInvokeMethod: it runs the real
// pipeline against the API's current definition, deployed or not, and
// answers with the result and the execution log.
func (s *server) testInvokeMethod(w http.ResponseWriter, r *http.Request) error {
	var in TestInvokeInput
	// An empty body is a valid call: a GET of the resource's own path.
	if r.ContentLength != 0 {
		if err := decodeJSON(r, "test invoke", &in); err != nil {
			return err
		}
	}
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	res, m, err := findMethod(api, r)
	if err != nil {
		return err
	}
	if in.PathWithQueryString == "" {
		in.PathWithQueryString = res.Path
	}
	out, err := s.testInvoke(r.Context(), api, res, m.HTTPMethod, &in)
	if err != nil {
		return fmt.Errorf("test invoke %s %s: %w", m.HTTPMethod, res.Path, err)
	}
	return writeJSON(w, http.StatusOK, out)
}
