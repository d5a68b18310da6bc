package oas

import (
	"strconv"

	"github.com/getkin/kin-openapi/openapi2"
)

// decodeV2 reads an OpenAPI 2.0 (Swagger) document.
func (im *importer) decodeV2(root obj, d *document) {
	d.basePath = root.str("basePath")
	d.schemaPrefix = []string{"definitions"}
	d.securityLoc = []string{"securityDefinitions"}
	consumes := orJSON(root.strList("consumes"))
	produces := orJSON(root.strList("produces"))
	im.schemaNames(d)
	if defs, ok := im.object(d.securityLoc); ok {
		for _, name := range defs.keys() {
			loc := im.follow(defs.at(name))
			var s openapi2.SecurityScheme
			if im.reDecode(loc, &s) {
				d.schemes[name] = &scheme{name: name, typ: s.Type, in: s.In, header: s.Name, loc: loc}
			}
		}
	}
	if root.has("security") {
		var sec openapi2.SecurityRequirements
		if im.reDecode([]string{"security"}, &sec) {
			d.security, d.securitySet = sec, true
		}
	}
	im.eachPath(d, func(itemLoc []string, key string) *operation {
		return im.operationV2(itemLoc, key, consumes, produces)
	})
}

// orJSON is API Gateway's default media type when a document names none.
func orJSON(types []string) []string {
	if len(types) == 0 {
		return []string{"application/json"}
	}
	return types
}

func (im *importer) operationV2(itemLoc []string, key string, consumes, produces []string) *operation {
	loc := append(clip(itemLoc), key)
	var op openapi2.Operation
	if !im.reDecode(loc, &op) {
		return nil
	}
	o := &operation{id: op.OperationID}
	if op.Security != nil {
		o.security, o.securitySet = *op.Security, true
	}
	if len(op.Consumes) > 0 {
		consumes = op.Consumes
	}
	if len(op.Produces) > 0 {
		produces = op.Produces
	}
	for _, ploc := range im.paramLocs(itemLoc, loc) {
		im.parameterV2(o, ploc, consumes)
	}
	if resps, ok := im.object(append(clip(loc), "responses")); ok {
		for _, code := range resps.keys() {
			if r, ok := im.responseV2(resps.at(code), code, produces); ok {
				o.responses = append(o.responses, r)
			}
		}
	}
	return o
}

func (im *importer) parameterV2(o *operation, loc []string, consumes []string) {
	loc = im.follow(loc)
	var p openapi2.Parameter
	if !im.reDecode(loc, &p) {
		return
	}
	switch p.In {
	case "body":
		schema := append(clip(loc), "schema")
		if _, ok := im.t.get(schema...); ok {
			for _, c := range consumes {
				o.bodies = append(o.bodies, schemaUse{contentType: c, loc: schema})
			}
		}
	case "formData":
		im.warnf(loc, "formData parameter %q ignored; map the body with a request template instead", p.Name)
	default:
		o.addParam(im, loc, p.In, p.Name, p.Required)
	}
}

func (im *importer) responseV2(at []string, code string, produces []string) (response, bool) {
	loc := im.follow(at)
	var r openapi2.Response
	if !im.reDecode(loc, &r) {
		return response{}, false
	}
	resp := response{code: code, loc: at, headers: map[string]bool{}}
	for h := range r.Headers {
		// OpenAPI 2.0 headers cannot be marked required.
		resp.headers[h] = false
	}
	schema := append(clip(loc), "schema")
	if _, ok := im.t.get(schema...); ok {
		for _, c := range produces {
			resp.models = append(resp.models, schemaUse{contentType: c, loc: schema})
		}
	}
	return resp, true
}

// paramLocs lists the path item's parameters, then the operation's, which
// override them.
func (im *importer) paramLocs(itemLoc, opLoc []string) [][]string {
	var locs [][]string
	for _, base := range [][]string{itemLoc, opLoc} {
		v, _ := im.t.get(append(clip(base), "parameters")...)
		list, _ := v.([]any)
		for i := range list {
			locs = append(locs, append(clip(base), "parameters", strconv.Itoa(i)))
		}
	}
	return locs
}
