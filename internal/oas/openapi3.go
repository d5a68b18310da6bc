package oas

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// decodeV3 reads an OpenAPI 3.0 document.
func (im *importer) decodeV3(root obj, d *document) {
	d.schemaPrefix = []string{"components", "schemas"}
	d.securityLoc = []string{"components", "securitySchemes"}
	if root.has("servers") {
		var servers openapi3.Servers
		if im.reDecode([]string{"servers"}, &servers) && len(servers) > 0 && servers[0] != nil {
			d.basePath = serverBasePath(servers[0])
		}
	}
	im.schemaNames(d)
	if defs, ok := im.object(d.securityLoc); ok {
		for _, name := range defs.keys() {
			loc := im.follow(defs.at(name))
			var s openapi3.SecurityScheme
			if im.reDecode(loc, &s) {
				d.schemes[name] = &scheme{name: name, typ: s.Type, in: s.In, header: s.Name, loc: loc}
			}
		}
	}
	if root.has("security") {
		var sec openapi3.SecurityRequirements
		if im.reDecode([]string{"security"}, &sec) {
			for _, r := range sec {
				d.security = append(d.security, r)
			}
			d.securitySet = true
		}
	}
	im.eachPath(d, im.operationV3)
}

func (im *importer) operationV3(itemLoc []string, key string) *operation {
	loc := append(clip(itemLoc), key)
	var op openapi3.Operation
	if !im.reDecode(loc, &op) {
		return nil
	}
	o := &operation{id: op.OperationID}
	if op.Security != nil {
		for _, r := range *op.Security {
			o.security = append(o.security, r)
		}
		o.securitySet = true
	}
	for _, ploc := range im.paramLocs(itemLoc, loc) {
		ploc = im.follow(ploc)
		var p openapi3.Parameter
		if !im.reDecode(ploc, &p) {
			continue
		}
		if p.In == "cookie" {
			im.warnf(ploc, "cookie parameter %q ignored; API Gateway does not declare cookies", p.Name)
			continue
		}
		o.addParam(im, ploc, p.In, p.Name, p.Required)
	}
	if op.RequestBody != nil {
		body := im.follow(append(clip(loc), "requestBody"))
		o.bodies = im.contentSchemas(append(clip(body), "content"))
	}
	if resps, ok := im.object(append(clip(loc), "responses")); ok {
		for _, code := range resps.keys() {
			if r, ok := im.responseV3(resps.at(code), code); ok {
				o.responses = append(o.responses, r)
			}
		}
	}
	return o
}

func (im *importer) responseV3(at []string, code string) (response, bool) {
	loc := im.follow(at)
	var r openapi3.Response
	if !im.reDecode(loc, &r) {
		return response{}, false
	}
	resp := response{code: code, loc: at, headers: map[string]bool{}}
	for h := range r.Headers {
		var hv openapi3.Header
		if im.reDecode(im.follow(append(clip(loc), "headers", h)), &hv) {
			resp.headers[h] = hv.Required
		}
	}
	resp.models = im.contentSchemas(append(clip(loc), "content"))
	return resp, true
}

// contentSchemas lists the schemas of a content map by media type.
func (im *importer) contentSchemas(loc []string) []schemaUse {
	content, ok := im.object(loc)
	if !ok {
		return nil
	}
	var uses []schemaUse
	for _, ct := range content.keys() {
		schema := append(content.at(ct), "schema")
		if _, ok := im.t.get(schema...); ok {
			uses = append(uses, schemaUse{contentType: ct, loc: schema})
		}
	}
	return uses
}
