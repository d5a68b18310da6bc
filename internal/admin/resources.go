package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

func embedsMethods(r *http.Request) bool {
	for _, e := range r.URL.Query()["embed"] {
		for _, part := range strings.Split(e, ",") {
			if strings.TrimSpace(part) == "methods" {
				return true
			}
		}
	}
	return false
}

func (s *server) listResources(w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	if embedsMethods(r) {
		return writeJSON(w, http.StatusOK, list[*model.Resource]{Item: orEmpty(api.Resources)})
	}
	out := list[resourceSummary]{Item: make([]resourceSummary, 0, len(api.Resources))}
	for _, res := range api.Resources {
		out.Item = append(out.Item, summarize(res))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) getResource(w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	res, err := findResource(api, r.PathValue("rid"))
	if err != nil {
		return err
	}
	if embedsMethods(r) {
		return writeJSON(w, http.StatusOK, res)
	}
	return writeJSON(w, http.StatusOK, summarize(res))
}

func findResource(api *model.API, rid string) (*model.Resource, error) {
	res := api.FindResourceByID(rid)
	if res == nil {
		return nil, notFound("rest api %s has no resource %s", api.RestAPI.ID, rid)
	}
	return res, nil
}

var verbs = map[string]bool{"GET": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true,
	"HEAD": true, "OPTIONS": true, "ANY": true}

func methodVerb(r *http.Request) (string, error) {
	v := strings.ToUpper(r.PathValue("verb"))
	if !verbs[v] {
		return "", badRequest("%q is not an HTTP method API Gateway knows (GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, ANY)", r.PathValue("verb"))
	}
	return v, nil
}

func statusCode(r *http.Request) (string, error) {
	st := r.PathValue("status")
	if n, err := strconv.Atoi(st); err != nil || n < 100 || n > 599 || len(st) != 3 {
		return "", badRequest("status code %q is not a three-digit HTTP status", st)
	}
	return st, nil
}

// findMethod looks up the method the path names. A nil error means res and m
// are set.
func findMethod(api *model.API, r *http.Request) (*model.Resource, *model.Method, error) {
	verb, err := methodVerb(r)
	if err != nil {
		return nil, nil, err
	}
	res, err := findResource(api, r.PathValue("rid"))
	if err != nil {
		return nil, nil, err
	}
	m := res.ResourceMethods[verb]
	if m == nil {
		return nil, nil, notFound("resource %s (%s) has no %s method", res.ID, res.Path, verb)
	}
	return res, m, nil
}

func findIntegration(api *model.API, r *http.Request) (*model.Method, *model.Integration, error) {
	res, m, err := findMethod(api, r)
	if err != nil {
		return nil, nil, err
	}
	if m.MethodIntegration == nil {
		return nil, nil, notFound("%s %s has no integration", m.HTTPMethod, res.Path)
	}
	return m, m.MethodIntegration, nil
}

// edit applies fn to the stored API in one transaction and checks the result
// with the pipeline before it is committed, so a write that would leave the
// API unservable is refused with the reason instead of being stored.
func (s *server) edit(r *http.Request, fn func(api *model.API) error) error {
	_, err := s.store.UpdateAPI(r.Context(), r.PathValue("id"), func(api *model.API) error {
		if err := fn(api); err != nil {
			return err
		}
		if err := s.check(api); err != nil {
			return badRequest("%v", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.changed()
	return nil
}

func (s *server) getMethod(w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	_, m, err := findMethod(api, r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

// putMethod replaces a method's request settings. Unlike API Gateway, which
// refuses to overwrite an existing method, it keeps the method's integration
// and responses, so a setting can change without rebuilding the method.
func (s *server) putMethod(w http.ResponseWriter, r *http.Request) error {
	verb, err := methodVerb(r)
	if err != nil {
		return err
	}
	var in PutMethodInput
	if err := decodeJSON(r, "put method", &in); err != nil {
		return err
	}
	if in.AuthorizationType == "" {
		return badRequest("put method: authorizationType is required (NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS)")
	}
	var out *model.Method
	err = s.edit(r, func(api *model.API) error {
		res, err := findResource(api, r.PathValue("rid"))
		if err != nil {
			return err
		}
		m := &model.Method{HTTPMethod: verb, AuthorizationType: in.AuthorizationType, AuthorizerID: in.AuthorizerID,
			APIKeyRequired: in.APIKeyRequired, OperationName: in.OperationName, RequestParameters: in.RequestParameters,
			RequestModels: in.RequestModels, RequestValidatorID: in.RequestValidatorID, AuthorizationScopes: in.AuthorizationScopes}
		if old := res.ResourceMethods[verb]; old != nil {
			m.MethodIntegration, m.MethodResponses, m.Extensions = old.MethodIntegration, old.MethodResponses, old.Extensions
		}
		if res.ResourceMethods == nil {
			res.ResourceMethods = map[string]*model.Method{}
		}
		res.ResourceMethods[verb] = m
		out = m
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *server) deleteMethod(w http.ResponseWriter, r *http.Request) error {
	err := s.edit(r, func(api *model.API) error {
		res, m, err := findMethod(api, r)
		if err != nil {
			return err
		}
		delete(res.ResourceMethods, m.HTTPMethod)
		return nil
	})
	if err != nil {
		return err
	}
	return writeNoContent(w)
}

func (s *server) getMethodResponse(w http.ResponseWriter, r *http.Request) error {
	return methodResponses.get(s, w, r)
}

func (s *server) putMethodResponse(w http.ResponseWriter, r *http.Request) error {
	st, err := statusCode(r)
	if err != nil {
		return err
	}
	var in PutMethodResponseInput
	if err := decodeJSON(r, "put method response", &in); err != nil {
		return err
	}
	mr := &model.MethodResponse{StatusCode: st, ResponseParameters: in.ResponseParameters, ResponseModels: in.ResponseModels}
	return methodResponses.put(s, w, r, st, mr)
}

func (s *server) deleteMethodResponse(w http.ResponseWriter, r *http.Request) error {
	return methodResponses.delete(s, w, r)
}

func (s *server) getIntegration(w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	_, in, err := findIntegration(api, r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}

// putIntegration sets a method's integration. Integration responses already
// defined are kept when the body carries none, so re-pointing a backend does
// not silently drop the response mappings.
func (s *server) putIntegration(w http.ResponseWriter, r *http.Request) error {
	var in model.Integration
	if err := decodeJSON(r, "put integration", &in); err != nil {
		return err
	}
	switch in.Type {
	case model.IntegrationMock, model.IntegrationHTTP, model.IntegrationHTTPProxy, model.IntegrationAWS, model.IntegrationAWSProxy:
	case "":
		return badRequest("put integration: type is required (MOCK, HTTP, HTTP_PROXY, AWS or AWS_PROXY)")
	default:
		return badRequest("put integration: type %q is not MOCK, HTTP, HTTP_PROXY, AWS or AWS_PROXY", in.Type)
	}
	err := s.edit(r, func(api *model.API) error {
		_, m, err := findMethod(api, r)
		if err != nil {
			return err
		}
		if in.IntegrationResponses == nil && m.MethodIntegration != nil {
			in.IntegrationResponses = m.MethodIntegration.IntegrationResponses
		}
		m.MethodIntegration = &in
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, &in)
}

func (s *server) deleteIntegration(w http.ResponseWriter, r *http.Request) error {
	err := s.edit(r, func(api *model.API) error {
		m, _, err := findIntegration(api, r)
		if err != nil {
			return err
		}
		m.MethodIntegration = nil
		return nil
	})
	if err != nil {
		return err
	}
	return writeNoContent(w)
}

func (s *server) getIntegrationResponse(w http.ResponseWriter, r *http.Request) error {
	return integrationResponses.get(s, w, r)
}

func (s *server) putIntegrationResponse(w http.ResponseWriter, r *http.Request) error {
	st, err := statusCode(r)
	if err != nil {
		return err
	}
	var ir model.IntegrationResponse
	if err := decodeJSON(r, "put integration response", &ir); err != nil {
		return err
	}
	if ir.StatusCode != "" && ir.StatusCode != st {
		return badRequest("put integration response: body statusCode %q differs from the path's %q", ir.StatusCode, st)
	}
	ir.StatusCode = st
	return integrationResponses.put(s, w, r, st, &ir)
}

func (s *server) deleteIntegrationResponse(w http.ResponseWriter, r *http.Request) error {
	return integrationResponses.delete(s, w, r)
}

// responseMap is a method's responses keyed by status code, as the admin
// API addresses them: the method responses, or its integration's responses.
type responseMap[T any] struct {
	// noun names one entry in messages ("method response").
	noun string
	// find locates the map the request's path names, and says whose it is
	// for messages ("GET /pets", "the integration of GET").
	find func(api *model.API, r *http.Request) (owner string, entries *map[string]*T, err error)
}

var methodResponses = responseMap[model.MethodResponse]{
	noun: "method response",
	find: func(api *model.API, r *http.Request) (string, *map[string]*model.MethodResponse, error) {
		res, m, err := findMethod(api, r)
		if err != nil {
			return "", nil, err
		}
		return m.HTTPMethod + " " + res.Path, &m.MethodResponses, nil
	},
}

var integrationResponses = responseMap[model.IntegrationResponse]{
	noun: "integration response",
	find: func(api *model.API, r *http.Request) (string, *map[string]*model.IntegrationResponse, error) {
		m, in, err := findIntegration(api, r)
		if err != nil {
			return "", nil, err
		}
		return "the integration of " + m.HTTPMethod, &in.IntegrationResponses, nil
	},
}

func (k responseMap[T]) missing(owner, st string) error {
	return notFound("%s has no %s %s", owner, k.noun, st)
}

func (k responseMap[T]) get(s *server, w http.ResponseWriter, r *http.Request) error {
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	st, err := statusCode(r)
	if err != nil {
		return err
	}
	owner, entries, err := k.find(api, r)
	if err != nil {
		return err
	}
	v := (*entries)[st]
	if v == nil {
		return k.missing(owner, st)
	}
	return writeJSON(w, http.StatusOK, v)
}

// put stores v under st and answers it with 201.
func (k responseMap[T]) put(s *server, w http.ResponseWriter, r *http.Request, st string, v *T) error {
	err := s.edit(r, func(api *model.API) error {
		_, entries, err := k.find(api, r)
		if err != nil {
			return err
		}
		if *entries == nil {
			*entries = map[string]*T{}
		}
		(*entries)[st] = v
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, v)
}

func (k responseMap[T]) delete(s *server, w http.ResponseWriter, r *http.Request) error {
	st, err := statusCode(r)
	if err != nil {
		return err
	}
	err = s.edit(r, func(api *model.API) error {
		owner, entries, err := k.find(api, r)
		if err != nil {
			return err
		}
		if (*entries)[st] == nil {
			return k.missing(owner, st)
		}
		delete(*entries, st)
		return nil
	})
	if err != nil {
		return err
	}
	return writeNoContent(w)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
