package oas

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// build turns the decoded document into the API.
func (im *importer) build() {
	d := im.doc
	name := d.title
	if im.opt.Name != "" {
		name = im.opt.Name
	}
	if name == "" {
		im.errorf([]string{"info", "title"}, "the API needs a name: set info.title or pass a name")
	}
	im.api = &model.API{RestAPI: model.RestAPI{
		ID:          model.NewID(10),
		Name:        name,
		Description: d.description,
		Version:     d.vers,
		CreatedDate: now(),
		BasePath:    d.basePath,
	}}
	im.buildModels()
	im.topLevel()
	im.buildAuthorizers()
	im.buildResources()
	// Inline schemas add models as methods are read; sorting keeps the list
	// the same however a document orders its schemas.
	sort.SliceStable(im.api.Models, func(i, j int) bool { return im.api.Models[i].Name < im.api.Models[j].Name })
}

var (
	pathParamPart = regexp.MustCompile(`^\{[A-Za-z0-9._-]+\+?\}$`)
	literalPart   = regexp.MustCompile(`^[A-Za-z0-9._~:@!$&'()*,;=%-]+$`)
)

// buildResources makes the resource tree from the paths, creating parents
// for intermediate segments as API Gateway does.
func (im *importer) buildResources() {
	root := &model.Resource{ID: model.NewID(6), Path: "/"}
	im.api.RestAPI.RootResourceID = root.ID
	byPath := map[string]*model.Resource{"/": root}
	for _, pi := range im.doc.paths {
		if !strings.HasPrefix(pi.path, "/") {
			im.errorf(pi.loc, "path must start with /")
			continue
		}
		res := root
		if pi.path != "/" {
			res = im.ensureResource(pi, byPath)
		}
		if res == nil {
			continue
		}
		for _, op := range pi.ops {
			if res.ResourceMethods == nil {
				res.ResourceMethods = map[string]*model.Method{}
			}
			if _, dup := res.ResourceMethods[op.method]; dup {
				im.errorf(op.loc, "%s %s is defined twice", op.method, res.Path)
				continue
			}
			res.ResourceMethods[op.method] = im.method(op)
		}
		im.lambdaMethods(pi, res)
	}
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		im.api.Resources = append(im.api.Resources, byPath[p])
	}
}

func (im *importer) ensureResource(pi *pathItem, byPath map[string]*model.Resource) *model.Resource {
	parts := strings.Split(strings.TrimPrefix(pi.path, "/"), "/")
	parent := byPath["/"]
	cur := ""
	for i, part := range parts {
		switch {
		case part == "":
			im.errorf(pi.loc, "path has an empty segment")
			return nil
		case pathParamPart.MatchString(part):
			if strings.HasSuffix(part, "+}") && i != len(parts)-1 {
				im.errorf(pi.loc, "greedy path variable %s must be the last segment", part)
				return nil
			}
		case !literalPart.MatchString(part):
			im.errorf(pi.loc, "path segment %q must be a literal or one {variable}", part)
			return nil
		}
		cur += "/" + part
		if r, ok := byPath[cur]; ok {
			parent = r
			continue
		}
		if strings.HasPrefix(part, "{") {
			for _, sib := range byPath {
				if sib.ParentID == parent.ID && strings.HasPrefix(sib.PathPart, "{") && sib.PathPart != part {
					im.errorf(pi.loc, "%s and %s are sibling variables of %s; API Gateway allows one variable per level", part, sib.PathPart, parent.Path)
					return nil
				}
			}
		}
		r := &model.Resource{ID: model.NewID(6), ParentID: parent.ID, PathPart: part, Path: cur}
		byPath[cur] = r
		parent = r
	}
	return parent
}

// method builds one method from its operation.
func (im *importer) method(op *operation) *model.Method {
	m := &model.Method{HTTPMethod: op.method, AuthorizationType: "NONE", OperationName: op.id}
	for _, p := range op.params {
		if m.RequestParameters == nil {
			m.RequestParameters = map[string]bool{}
		}
		in := p.in
		if in == "query" {
			in = "querystring"
		}
		m.RequestParameters["method.request."+in+"."+p.name] = p.required
	}
	m.RequestModels = im.modelsFor(op.bodies)
	for _, r := range op.responses {
		if mr := im.methodResponse(r); mr != nil {
			if m.MethodResponses == nil {
				m.MethodResponses = map[string]*model.MethodResponse{}
			}
			m.MethodResponses[r.code] = mr
		}
	}
	im.security(op, m)
	im.operationExtensions(op, m)
	if m.RequestValidatorID == "" && im.defaultValidator != nil {
		m.RequestValidatorID = im.defaultValidator.ID
	}
	if m.MethodIntegration == nil {
		im.warnf(op.loc, "no x-amazon-apigateway-integration; the method has no backend until one is set")
	} else {
		im.crossCheck(append(clip(op.loc), "x-amazon-apigateway-integration"), m)
	}
	return m
}

// modelsFor maps each content type to the model of its schema.
func (im *importer) modelsFor(uses []schemaUse) map[string]string {
	var out map[string]string
	for _, u := range uses {
		if name := im.modelFor(u); name != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[u.contentType] = name
		}
	}
	return out
}

func (im *importer) methodResponse(r response) *model.MethodResponse {
	if !statusCode.MatchString(r.code) {
		// A bare "default" response says nothing API Gateway keeps, and
		// ferry's own exports write one where OpenAPI demands a response.
		if r.code != "default" || len(r.headers) > 0 || len(r.models) > 0 {
			im.warnf(r.loc, "response %q ignored; API Gateway declares method responses by status code", r.code)
		}
		return nil
	}
	mr := &model.MethodResponse{StatusCode: r.code, ResponseModels: im.modelsFor(r.models)}
	for h, req := range r.headers {
		if mr.ResponseParameters == nil {
			mr.ResponseParameters = map[string]bool{}
		}
		mr.ResponseParameters["method.response.header."+h] = req
	}
	return mr
}

// operationExtensions reads the operation's x-* fields: the ones API
// Gateway defines, and any other kept verbatim for export.
func (im *importer) operationExtensions(op *operation, m *model.Method) {
	o, _ := im.object(op.loc)
	for _, k := range o.keys() {
		loc := o.at(k)
		switch k {
		case "x-amazon-apigateway-integration":
			m.MethodIntegration = im.integration(loc)
		case extValidator:
			name := o.str(k)
			if v, ok := im.validators[name]; ok {
				m.RequestValidatorID = v.ID
			} else if name != "" {
				im.errorf(loc, "request validator %q is not defined in %s", name, extValidators)
			}
		case "x-amazon-apigateway-auth":
			im.authExtension(loc, m)
		case extLambda:
			im.lambdaOperation(loc, m)
		default:
			if strings.HasPrefix(k, "x-") {
				if m.Extensions == nil {
					m.Extensions = map[string]json.RawMessage{}
				}
				m.Extensions[k] = rawJSON(o.m[k])
			}
		}
	}
}

var statusCode = regexp.MustCompile(`^[1-5][0-9][0-9]$`)

// authExtension reads x-amazon-apigateway-auth, which sets AWS_IAM or NONE.
func (im *importer) authExtension(loc []string, m *model.Method) {
	o, ok := im.object(loc)
	if !ok {
		return
	}
	switch t := strings.ToUpper(o.str("type")); t {
	case "AWS_IAM", "NONE":
		if m.AuthorizationType == "NONE" || m.AuthorizationType == t {
			m.AuthorizationType = t
		} else if t == "AWS_IAM" {
			im.errorf(o.at("type"), "AWS_IAM conflicts with the %s authorization the security requirement sets", m.AuthorizationType)
		}
	default:
		im.errorf(o.at("type"), "auth type %q is not AWS_IAM or NONE", t)
	}
}

// rawJSON marshals a value of the tree; the tree only holds JSON values, so
// this cannot fail.
func rawJSON(v any) json.RawMessage {
	return json.RawMessage(compactJSON(v))
}

// compactJSON marshals without HTML escaping, so templates and schemas stay
// readable, and with sorted keys, so output is stable.
func compactJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "null"
	}
	return strings.TrimSuffix(b.String(), "\n")
}
