package oas

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

var gatewayResponseTypes = []string{
	"ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
	"BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN",
	"INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE",
	"MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND",
	"THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED",
}

// Extensions at the top of the document that ferry interprets; any other
// x-* is kept verbatim in API.Extensions.
const (
	extValidators     = "x-amazon-apigateway-request-validators"
	extValidator      = "x-amazon-apigateway-request-validator"
	extGatewayResps   = "x-amazon-apigateway-gateway-responses"
	extBinary         = "x-amazon-apigateway-binary-media-types"
	extKeySource      = "x-amazon-apigateway-api-key-source"
	extPolicy         = "x-amazon-apigateway-policy"
	extDocumentation  = "x-amazon-apigateway-documentation"
	extCompression    = "x-amazon-apigateway-minimum-compression-size"
	extEndpointConfig = "x-amazon-apigateway-endpoint-configuration"
	extTagValue       = "x-amazon-apigateway-tag-value"
)

func (im *importer) topLevel() {
	root, _ := im.object(nil)
	a := &im.api.RestAPI
	// Validators first: the default validator refers to one of them.
	if root.has(extValidators) {
		im.requestValidators(root.at(extValidators))
	}
	for _, k := range root.keys() {
		loc := root.at(k)
		switch k {
		case extValidators:
		case extValidator:
			name := root.str(k)
			im.defaultValidator = im.validators[name]
			if im.defaultValidator == nil {
				im.errorf(loc, "request validator %q is not defined in %s", name, extValidators)
			}
		case extGatewayResps:
			im.gatewayResponses(loc)
		case extBinary:
			a.BinaryMediaTypes = root.strList(k)
		case extKeySource:
			a.APIKeySource = strings.ToUpper(root.str(k))
			if a.APIKeySource != model.APIKeySourceHeader && a.APIKeySource != model.APIKeySourceAuthorizer {
				im.errorf(loc, "%q is not HEADER or AUTHORIZER", root.str(k))
			}
		case extPolicy:
			a.Policy = im.policy(loc, root.m[k])
		case extDocumentation:
			im.documentation(loc)
		case extCompression:
			if n, set := root.integer(k); set {
				if n < 0 || n > 10485760 {
					im.errorf(loc, "%d is outside 0..10485760 bytes", n)
				}
				a.MinimumCompressionSize = &n
			}
		case extEndpointConfig:
			im.endpointConfiguration(loc)
		case "tags":
			im.tags(loc)
		default:
			if strings.HasPrefix(k, "x-") {
				if im.api.Extensions == nil {
					im.api.Extensions = map[string]json.RawMessage{}
				}
				im.api.Extensions[k] = rawJSON(root.m[k])
			}
		}
	}
}

func (im *importer) requestValidators(loc []string) {
	o, ok := im.object(loc)
	if !ok {
		return
	}
	for _, name := range o.keys() {
		v, ok := im.object(o.at(name))
		if !ok {
			continue
		}
		v.warnUnknown("validateRequestBody", "validateRequestParameters")
		rv := &model.RequestValidator{
			ID:                        model.NewID(6),
			Name:                      name,
			ValidateRequestBody:       v.boolean("validateRequestBody"),
			ValidateRequestParameters: v.boolean("validateRequestParameters"),
		}
		im.validators[name] = rv
		im.api.RequestValidators = append(im.api.RequestValidators, rv)
	}
}

var gatewayTarget = regexp.MustCompile(`^gatewayresponse\.(header|querystring|path)\.[^\s]+$`)

func (im *importer) gatewayResponses(loc []string) {
	o, ok := im.object(loc)
	if !ok {
		return
	}
	for _, typ := range o.keys() {
		r, ok := im.object(o.at(typ))
		if !contains(gatewayResponseTypes, typ) {
			im.errorf(o.at(typ), "gateway response type %q is not one API Gateway defines", typ)
			continue
		}
		if !ok {
			continue
		}
		r.warnUnknown("statusCode", "responseParameters", "responseTemplates")
		gr := &model.GatewayResponse{
			ResponseType:       typ,
			StatusCode:         r.str("statusCode"),
			ResponseParameters: r.strMap("responseParameters"),
			ResponseTemplates:  r.strMap("responseTemplates"),
		}
		if gr.StatusCode != "" && !statusCode.MatchString(gr.StatusCode) {
			im.errorf(r.at("statusCode"), "%q is not an HTTP status code", gr.StatusCode)
		}
		for k := range gr.ResponseParameters {
			if !gatewayTarget.MatchString(k) {
				im.errorf(append(r.at("responseParameters"), k), "target must be gatewayresponse.header.NAME")
			}
		}
		im.api.GatewayResponses = append(im.api.GatewayResponses, gr)
	}
}

// policy stores the resource policy as compact JSON, whether the document
// holds it as an object or as a string of JSON.
func (im *importer) policy(loc []string, v any) string {
	if s, ok := v.(string); ok {
		var parsed any
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			im.errorf(loc, "policy string is not JSON: %v", err)
			return ""
		}
		v = parsed
	}
	if _, ok := v.(map[string]any); !ok {
		im.errorf(loc, "must be a policy document object, not %s", kindOf(v))
		return ""
	}
	return compactJSON(v)
}

func (im *importer) documentation(loc []string) {
	o, ok := im.object(loc)
	if !ok {
		return
	}
	o.warnUnknown("version", "documentationParts")
	if o.str("version") != "" {
		im.warnf(o.at("version"), "documentation version not kept; ferry keeps the parts")
	}
	parts, _ := o.m["documentationParts"].([]any)
	if o.has("documentationParts") && parts == nil {
		im.errorf(o.at("documentationParts"), "must be a list of documentation parts")
	}
	for i, p := range parts {
		if _, ok := p.(map[string]any); !ok {
			im.errorf(append(o.at("documentationParts"), itoa(i)), "must be an object, not %s", kindOf(p))
			continue
		}
		im.api.DocumentationParts = append(im.api.DocumentationParts, rawJSON(p))
	}
}

func (im *importer) endpointConfiguration(loc []string) {
	o, ok := im.object(loc)
	if !ok {
		return
	}
	o.warnUnknown("types", "vpcEndpointIds", "disableExecuteApiEndpoint")
	ec := &model.EndpointConfiguration{Types: o.strList("types"), VpcEndpointIDs: o.strList("vpcEndpointIds")}
	for i, t := range ec.Types {
		ec.Types[i] = strings.ToUpper(t)
		if !contains([]string{"EDGE", "REGIONAL", "PRIVATE"}, ec.Types[i]) {
			im.errorf(append(o.at("types"), itoa(i)), "%q is not EDGE, REGIONAL or PRIVATE", t)
		}
	}
	if len(ec.Types) > 0 || len(ec.VpcEndpointIDs) > 0 {
		im.api.RestAPI.EndpointConfiguration = ec
	}
	im.api.RestAPI.DisableExecuteAPIEndpoint = o.boolean("disableExecuteApiEndpoint")
}

// tags reads API tags from OpenAPI tags carrying x-amazon-apigateway-tag-value.
func (im *importer) tags(loc []string) {
	list, _ := im.t.get(loc...)
	items, ok := list.([]any)
	if !ok {
		im.errorf(loc, "must be a list of tags")
		return
	}
	for i := range items {
		t, ok := im.object(append(clip(loc), itoa(i)))
		if !ok || !t.has(extTagValue) {
			continue
		}
		if im.api.RestAPI.Tags == nil {
			im.api.RestAPI.Tags = map[string]string{}
		}
		im.api.RestAPI.Tags[t.str("name")] = t.str(extTagValue)
	}
}
