package methodrequest

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// modelURL is where API Gateway models live, the form a model's $ref uses.
const modelURL = "https://apigateway.amazonaws.com/restapis/%s/models/%s"

type compiler struct {
	api *model.API
	c   *jsonschema.Compiler
}

// noLoader refuses every URL not added as a resource: a schema never makes
// ferry fetch anything.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema reference %q is not a model of this API", url)
}

func newCompiler(api *model.API) (*compiler, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(noLoader{})
	for _, m := range api.Models {
		if m.Schema == "" {
			continue
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(m.Schema))
		if err != nil {
			return nil, fmt.Errorf("models[%q].schema: %v", m.Name, err)
		}
		if err := c.AddResource(fmt.Sprintf(modelURL, api.RestAPI.ID, m.Name), doc); err != nil {
			return nil, fmt.Errorf("models[%q].schema: %v", m.Name, err)
		}
	}
	return &compiler{api: api, c: c}, nil
}

// compile returns the schema of the named model; nil for API Gateway's
// built-in Empty model, which accepts anything.
func (c *compiler) compile(name string) (*jsonschema.Schema, error) {
	var m *model.Model
	for _, x := range c.api.Models {
		if x.Name == name {
			m = x
		}
	}
	if m == nil {
		if name == "Empty" || name == "Error" {
			return nil, nil
		}
		return nil, fmt.Errorf("model %q is not defined", name)
	}
	if m.Schema == "" {
		return nil, nil
	}
	s, err := c.c.Compile(fmt.Sprintf(modelURL, c.api.RestAPI.ID, name))
	if err != nil {
		return nil, fmt.Errorf("model %q: %v", name, err)
	}
	return s, nil
}

func (v *Validator) validateBody(r *Request) error {
	ct := "application/json"
	if r.ContentType != "" {
		mt, _, err := mime.ParseMediaType(r.ContentType)
		if err != nil {
			mt = strings.ToLower(r.ContentType)
		}
		ct = mt
	}
	s := v.schemas[ct]
	if s == nil {
		s = v.schemas["$default"]
	}
	if s == nil {
		return nil
	}
	body := r.Body
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return &gatewayresponse.Error{
			Type:                  gatewayresponse.BadRequestBody,
			Message:               "Invalid request body",
			ValidationErrorString: fmt.Sprintf("[Invalid JSON: %v]", err),
		}
	}
	err = s.sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return gatewayresponse.Internal(fmt.Errorf("model %q: %w", s.model, err))
	}
	return &gatewayresponse.Error{
		Type:                  gatewayresponse.BadRequestBody,
		Message:               "Invalid request body",
		ValidationErrorString: "[" + strings.Join(messages(ve), ", ") + "]",
	}
}

var printer = message.NewPrinter(language.English)

// messages lists the leaf failures in the words of the validator API
// Gateway runs, where ferry knows them.
func messages(ve *jsonschema.ValidationError) []string {
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		out = append(out, message1(e))
	}
	walk(ve)
	sort.Strings(out)
	return out
}

func message1(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		return fmt.Sprintf("object has missing required properties (%s)", jsonList(k.Missing))
	case *kind.Type:
		return fmt.Sprintf("instance type (%s) does not match any allowed primitive type (allowed: %s)", k.Got, jsonList(k.Want))
	case *kind.AdditionalProperties:
		return fmt.Sprintf("object instance has properties which are not allowed by the schema: %s", jsonList(k.Properties))
	}
	loc := "/" + strings.Join(e.InstanceLocation, "/")
	return fmt.Sprintf("%s at %s", e.ErrorKind.LocalizedString(printer), loc)
}

func jsonList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	sort.Strings(q)
	return "[" + strings.Join(q, ",") + "]"
}
