package methodrequest

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// Validator checks one method's requests.
type Validator struct {
	required []required
	// schemas maps a lowercased content type (or "$default") to its model's schema.
	schemas map[string]*schema
}

type required struct {
	kind string // path, querystring, header, multivaluequerystring, multivalueheader
	name string
}

type schema struct {
	model string
	sch   *jsonschema.Schema
}

// Request is the part of a method request a validator reads.
type Request struct {
	Path   map[string]string
	Query  url.Values
	Header http.Header
	// ContentType is the request's Content-Type, "" when absent.
	ContentType string
	Body        []byte
}

// Compile builds the validator of method m of api. It returns nil when the
// method has no validator or nothing to check.
func Compile(api *model.API, m *model.Method) (*Validator, error) {
	if m.RequestValidatorID == "" {
		return nil, nil
	}
	var rv *model.RequestValidator
	for _, x := range api.RequestValidators {
		if x.ID == m.RequestValidatorID || (x.ID == "" && x.Name == m.RequestValidatorID) {
			rv = x
			break
		}
	}
	if rv == nil {
		return nil, fmt.Errorf("requestValidatorId %q names no request validator of the API", m.RequestValidatorID)
	}
	v := &Validator{}
	if rv.ValidateRequestParameters {
		keys := make([]string, 0, len(m.RequestParameters))
		for k, req := range m.RequestParameters {
			if req {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			rest, ok := strings.CutPrefix(k, "method.request.")
			kind, name, ok2 := strings.Cut(rest, ".")
			switch {
			case !ok || !ok2 || name == "":
				return nil, fmt.Errorf("requestParameters[%q]: want method.request.{path|querystring|header}.NAME", k)
			case kind == "path" || kind == "querystring" || kind == "header" || kind == "multivaluequerystring" || kind == "multivalueheader":
			default:
				return nil, fmt.Errorf("requestParameters[%q]: unknown location %q", k, kind)
			}
			v.required = append(v.required, required{kind: kind, name: name})
		}
	}
	if rv.ValidateRequestBody && len(m.RequestModels) > 0 {
		c, err := newCompiler(api)
		if err != nil {
			return nil, err
		}
		v.schemas = map[string]*schema{}
		for ct, name := range m.RequestModels {
			sch, err := c.compile(name)
			if err != nil {
				return nil, fmt.Errorf("requestModels[%q]: %w", ct, err)
			}
			if sch != nil {
				v.schemas[strings.ToLower(ct)] = &schema{model: name, sch: sch}
			}
		}
	}
	if len(v.required) == 0 && len(v.schemas) == 0 {
		return nil, nil
	}
	return v, nil
}

// Validate checks r: parameters first, then the body, as API Gateway does.
func (v *Validator) Validate(r *Request) error {
	if v == nil {
		return nil
	}
	var missing []string
	for _, p := range v.required {
		if !present(r, p) {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return gatewayresponse.Newf(gatewayresponse.BadRequestParameters,
			"Missing required request parameters: [%s]", strings.Join(missing, ", "))
	}
	if len(v.schemas) == 0 {
		return nil
	}
	return v.validateBody(r)
}

// present reports whether a required parameter is there and not blank, the
// two things API Gateway's validator checks.
func present(r *Request, p required) bool {
	switch p.kind {
	case "path":
		return strings.TrimSpace(r.Path[p.name]) != ""
	case "querystring", "multivaluequerystring":
		return anyNonBlank(r.Query[p.name])
	default:
		return anyNonBlank(r.Header.Values(p.name))
	}
}

func anyNonBlank(vs []string) bool {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}
