package oas

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

// jobj is a JSON object under construction; encoding/json writes its keys
// sorted, which keeps exports byte-for-byte stable.
type jobj = map[string]any

// Export writes api as an OpenAPI 3.0.1 document with API Gateway's
// extensions, such that Import of the result gives back the same API apart
// from ids, dates and import warnings.
func Export(api *model.API) ([]byte, error) {
	if api == nil {
		return nil, errors.New("oas: export: no API")
	}
	x := &exporter{api: api, models: map[string]bool{}, authorizers: map[string]*model.Authorizer{}, validators: map[string]string{}}
	doc, err := x.document()
	if err != nil {
		return nil, fmt.Errorf("oas: export %s: %w", api.RestAPI.ID, err)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("oas: export %s: %w", api.RestAPI.ID, err)
	}
	return []byte(b.String()), nil
}

type exporter struct {
	api         *model.API
	models      map[string]bool
	authorizers map[string]*model.Authorizer // by id
	validators  map[string]string            // id -> name
	needAPIKey  bool
}

func (x *exporter) document() (jobj, error) {
	a := x.api.RestAPI
	info := jobj{"title": a.Name}
	if a.Version != "" {
		info["version"] = a.Version
	} else {
		info["version"] = "1.0"
	}
	if a.Description != "" {
		info["description"] = a.Description
	}
	doc := jobj{"openapi": "3.0.1", "info": info}
	if a.BasePath != "" {
		doc["servers"] = []any{jobj{"url": a.BasePath}}
	}
	for k, v := range x.api.Extensions {
		doc[k] = v
	}
	schemas := jobj{}
	for _, m := range x.api.Models {
		s, err := x.exportSchema(m)
		if err != nil {
			return nil, err
		}
		schemas[m.Name] = s
		x.models[m.Name] = true
	}
	for _, au := range x.api.Authorizers {
		x.authorizers[au.ID] = au
	}
	if len(x.api.RequestValidators) > 0 {
		vs := jobj{}
		for _, v := range x.api.RequestValidators {
			x.validators[v.ID] = v.Name
			vs[v.Name] = jobj{"validateRequestBody": v.ValidateRequestBody, "validateRequestParameters": v.ValidateRequestParameters}
		}
		doc[extValidators] = vs
	}
	paths, err := x.paths()
	if err != nil {
		return nil, err
	}
	doc["paths"] = paths
	components := jobj{}
	if len(schemas) > 0 {
		components["schemas"] = schemas
	}
	if sec := x.securitySchemes(); len(sec) > 0 {
		components["securitySchemes"] = sec
	}
	if len(components) > 0 {
		doc["components"] = components
	}
	if err := x.topLevel(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func (x *exporter) topLevel(doc jobj) error {
	a := x.api.RestAPI
	if len(x.api.GatewayResponses) > 0 {
		grs := jobj{}
		for _, g := range x.api.GatewayResponses {
			r := jobj{}
			putStr(r, "statusCode", g.StatusCode)
			putMap(r, "responseParameters", g.ResponseParameters)
			putMap(r, "responseTemplates", g.ResponseTemplates)
			grs[g.ResponseType] = r
		}
		doc[extGatewayResps] = grs
	}
	if len(a.BinaryMediaTypes) > 0 {
		doc[extBinary] = a.BinaryMediaTypes
	}
	putStr(doc, extKeySource, a.APIKeySource)
	if a.Policy != "" {
		var p any
		if err := json.Unmarshal([]byte(a.Policy), &p); err != nil {
			return fmt.Errorf("policy is not JSON: %w", err)
		}
		doc[extPolicy] = p
	}
	if len(x.api.DocumentationParts) > 0 {
		doc[extDocumentation] = jobj{"documentationParts": x.api.DocumentationParts}
	}
	if a.MinimumCompressionSize != nil {
		doc[extCompression] = *a.MinimumCompressionSize
	}
	if ec := a.EndpointConfiguration; ec != nil || a.DisableExecuteAPIEndpoint {
		e := jobj{}
		if ec != nil {
			putList(e, "types", ec.Types)
			putList(e, "vpcEndpointIds", ec.VpcEndpointIDs)
		}
		if a.DisableExecuteAPIEndpoint {
			e["disableExecuteApiEndpoint"] = true
		}
		doc[extEndpointConfig] = e
	}
	if len(a.Tags) > 0 {
		keys := sortedKeys(a.Tags)
		tags := make([]any, 0, len(keys))
		for _, k := range keys {
			tags = append(tags, jobj{"name": k, extTagValue: a.Tags[k]})
		}
		doc["tags"] = tags
	}
	return nil
}

// exportSchema turns a stored model back into an OpenAPI schema: model URLs
// become #/components/schemas references again.
func (x *exporter) exportSchema(m *model.Model) (any, error) {
	var s any = map[string]any{}
	if m.Schema != "" {
		if err := json.Unmarshal([]byte(m.Schema), &s); err != nil {
			return nil, fmt.Errorf("model %s: schema is not JSON: %w", m.Name, err)
		}
	}
	obj, ok := s.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("model %s: schema is not a JSON object", m.Name)
	}
	delete(obj, "$schema")
	if _, has := obj["description"]; !has && m.Description != "" {
		obj["description"] = m.Description
	}
	return exportRefs(obj), nil
}

func exportRefs(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if r, ok := e.(string); ok && k == "$ref" && strings.HasPrefix(r, modelURLPrefix) {
				if i := strings.LastIndex(r, "/models/"); i >= 0 {
					t[k] = "#/components/schemas/" + r[i+len("/models/"):]
					continue
				}
			}
			t[k] = exportRefs(e)
		}
	case []any:
		for i, e := range t {
			t[i] = exportRefs(e)
		}
	}
	return v
}

// paths writes every resource with methods, and every leaf resource without
// them, so that the import recreates the same tree.
func (x *exporter) paths() (jobj, error) {
	hasChild := map[string]bool{}
	for _, r := range x.api.Resources {
		if r.ParentID != "" {
			hasChild[r.ParentID] = true
		}
	}
	paths := jobj{}
	for _, r := range x.api.Resources {
		if len(r.ResourceMethods) == 0 && (r.Path == "/" || hasChild[r.ID]) {
			continue
		}
		item := jobj{}
		for _, verb := range sortedKeys(r.ResourceMethods) {
			op, err := x.operation(r.ResourceMethods[verb])
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", verb, r.Path, err)
			}
			item[operationKey(verb)] = op
		}
		paths[r.Path] = item
	}
	return paths, nil
}

func (x *exporter) operation(m *model.Method) (jobj, error) {
	op := jobj{}
	putStr(op, "operationId", m.OperationName)
	params, err := exportParams(m.RequestParameters)
	if err != nil {
		return nil, err
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if len(m.RequestModels) > 0 {
		content, err := x.content(m.RequestModels)
		if err != nil {
			return nil, fmt.Errorf("request %w", err)
		}
		op["requestBody"] = jobj{"content": content}
	}
	responses, err := x.responses(m.MethodResponses)
	if err != nil {
		return nil, err
	}
	op["responses"] = responses
	sec, err := x.methodSecurity(m)
	if err != nil {
		return nil, err
	}
	if sec != nil {
		op["security"] = sec
	}
	if m.AuthorizationType == "AWS_IAM" {
		op["x-amazon-apigateway-auth"] = jobj{"type": "AWS_IAM"}
	}
	if m.RequestValidatorID != "" {
		name, ok := x.validators[m.RequestValidatorID]
		if !ok {
			return nil, fmt.Errorf("request validator %s does not exist", m.RequestValidatorID)
		}
		op[extValidator] = name
	}
	if m.MethodIntegration != nil {
		op["x-amazon-apigateway-integration"] = exportIntegration(m.MethodIntegration)
	}
	for k, v := range m.Extensions {
		op[k] = v
	}
	return op, nil
}

// exportParams writes method.request.{path|querystring|header}.NAME as
// OpenAPI parameters; API Gateway keeps no type, so all are strings.
func exportParams(declared map[string]bool) ([]any, error) {
	var params []any
	for _, k := range sortedKeys(declared) {
		rest, ok := strings.CutPrefix(k, "method.request.")
		in, name, ok2 := strings.Cut(rest, ".")
		if in == "querystring" {
			in = "query"
		}
		if !ok || !ok2 || (in != "path" && in != "query" && in != "header") {
			return nil, fmt.Errorf("request parameter %q is not method.request.{path|querystring|header}.NAME", k)
		}
		params = append(params, jobj{"name": name, "in": in, "required": declared[k], "schema": jobj{"type": "string"}})
	}
	return params, nil
}

// content writes a content-type to model map as references to the schemas.
func (x *exporter) content(models map[string]string) (jobj, error) {
	content := jobj{}
	for ct, name := range models {
		if !x.models[name] {
			return nil, fmt.Errorf("model %q does not exist", name)
		}
		content[ct] = jobj{"schema": jobj{"$ref": "#/components/schemas/" + name}}
	}
	return content, nil
}

func (x *exporter) responses(mrs map[string]*model.MethodResponse) (jobj, error) {
	responses := jobj{}
	for code, mr := range mrs {
		resp := jobj{"description": code + " response"}
		if len(mr.ResponseParameters) > 0 {
			hs := jobj{}
			for k, req := range mr.ResponseParameters {
				h := jobj{"schema": jobj{"type": "string"}}
				if req {
					h["required"] = true
				}
				hs[strings.TrimPrefix(k, "method.response.header.")] = h
			}
			resp["headers"] = hs
		}
		if len(mr.ResponseModels) > 0 {
			content, err := x.content(mr.ResponseModels)
			if err != nil {
				return nil, fmt.Errorf("response %s: %w", code, err)
			}
			resp["content"] = content
		}
		responses[code] = resp
	}
	if len(responses) == 0 {
		// OpenAPI requires at least one response.
		responses["default"] = jobj{"description": "no method responses declared"}
	}
	return responses, nil
}

func exportIntegration(in *model.Integration) jobj {
	o := jobj{"type": strings.ToLower(in.Type)}
	putStr(o, "httpMethod", in.HTTPMethod)
	putStr(o, "uri", in.URI)
	putStr(o, "credentials", in.Credentials)
	putStr(o, extExternalID, in.ExternalID)
	putMap(o, "requestParameters", in.RequestParameters)
	putMap(o, "requestTemplates", in.RequestTemplates)
	putStr(o, "passthroughBehavior", strings.ToLower(in.PassthroughBehavior))
	putStr(o, "contentHandling", in.ContentHandling)
	if in.TimeoutInMillis > 0 {
		o["timeoutInMillis"] = in.TimeoutInMillis
	}
	putStr(o, "cacheNamespace", in.CacheNamespace)
	if in.CacheKeyParameters != nil {
		o["cacheKeyParameters"] = in.CacheKeyParameters
	}
	putStr(o, "connectionType", in.ConnectionType)
	putStr(o, "connectionId", in.ConnectionID)
	if in.TLSConfig != nil {
		o["tlsConfig"] = jobj{"insecureSkipVerification": in.TLSConfig.InsecureSkipVerification}
	}
	if len(in.IntegrationResponses) > 0 {
		rs := jobj{}
		for _, ir := range in.IntegrationResponses {
			r := jobj{"statusCode": ir.StatusCode}
			putMap(r, "responseParameters", ir.ResponseParameters)
			putMap(r, "responseTemplates", ir.ResponseTemplates)
			putStr(r, "contentHandling", ir.ContentHandling)
			key := ir.SelectionPattern
			if key == "" {
				key = "default"
			}
			rs[key] = r
		}
		o["responses"] = rs
	}
	return o
}

// Names of the security schemes ferry writes for API keys and SigV4, as
// API Gateway's own exports name them.
const (
	apiKeySchemeName = "api_key"
	sigv4SchemeName  = "sigv4"
)

func (x *exporter) methodSecurity(m *model.Method) ([]any, error) {
	req := jobj{}
	if m.APIKeyRequired {
		req[apiKeySchemeName] = []string{}
		x.needAPIKey = true
	}
	switch m.AuthorizationType {
	case "CUSTOM", "COGNITO_USER_POOLS":
		a := x.authorizers[m.AuthorizerID]
		if a == nil {
			return nil, fmt.Errorf("authorizer %q does not exist", m.AuthorizerID)
		}
		scopes := m.AuthorizationScopes
		if scopes == nil {
			scopes = []string{}
		}
		req[a.Name] = scopes
	case "", "NONE", "AWS_IAM":
	default:
		return nil, fmt.Errorf("authorization type %q is not NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS", m.AuthorizationType)
	}
	if len(req) == 0 {
		return nil, nil
	}
	return []any{req}, nil
}

func (x *exporter) securitySchemes() jobj {
	out := jobj{}
	if x.needAPIKey {
		out[apiKeySchemeName] = jobj{"type": "apiKey", "name": "x-api-key", "in": "header"}
	}
	for _, a := range x.api.Authorizers {
		au := jobj{"type": strings.ToLower(a.Type)}
		putStr(au, "authorizerUri", a.AuthorizerURI)
		putStr(au, "authorizerCredentials", a.AuthorizerCredentials)
		putStr(au, "identitySource", a.IdentitySource)
		putStr(au, "identityValidationExpression", a.IdentityValidationExpression)
		if a.AuthorizerResultTTLInSeconds != nil {
			au["authorizerResultTtlInSeconds"] = *a.AuthorizerResultTTLInSeconds
		}
		putList(au, "providerARNs", a.ProviderARNs)
		if a.JWT != nil {
			j := jobj{"issuer": a.JWT.Issuer, "jwksUri": a.JWT.JWKSURI}
			putList(j, "audience", a.JWT.Audiences)
			au["jwtConfiguration"] = j
		}
		header := "Authorization"
		if h, ok := strings.CutPrefix(a.IdentitySource, "method.request.header."); ok && !strings.Contains(h, ",") {
			header = h
		}
		s := jobj{"type": "apiKey", "name": header, "in": "header", authorizerExt: au}
		putStr(s, authTypeExt, a.AuthType)
		out[a.Name] = s
	}
	return out
}

func putStr(o jobj, k, v string) {
	if v != "" {
		o[k] = v
	}
}

func putMap(o jobj, k string, v map[string]string) {
	if v != nil {
		o[k] = v
	}
}

func putList(o jobj, k string, v []string) {
	if len(v) > 0 {
		o[k] = v
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
