package oas

import (
	"regexp"
	"strings"

	"github.com/ferrygw/ferry/internal/model"
)

var integrationFields = []string{
	"type", "httpMethod", "uri", "credentials", "requestParameters", "requestTemplates",
	"passthroughBehavior", "contentHandling", "timeoutInMillis", "cacheNamespace",
	"cacheKeyParameters", "connectionType", "connectionId", "tlsConfig", "responses",
	extExternalID,
}

var (
	requestTarget    = regexp.MustCompile(`^integration\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.[^.\s]+$`)
	responseTarget   = regexp.MustCompile(`^method\.response\.header\.[^\s]+$`)
	integrationTypes = []string{model.IntegrationMock, model.IntegrationHTTP, model.IntegrationHTTPProxy, model.IntegrationAWS, model.IntegrationAWSProxy}
	httpMethods      = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"}
)

// integration reads x-amazon-apigateway-integration.
func (im *importer) integration(loc []string) *model.Integration {
	o, ok := im.object(loc)
	if !ok {
		return nil
	}
	o.warnUnknown(integrationFields...)
	in := &model.Integration{
		Type:                strings.ToUpper(o.str("type")),
		HTTPMethod:          strings.ToUpper(o.str("httpMethod")),
		URI:                 o.str("uri"),
		Credentials:         o.str("credentials"),
		ExternalID:          o.str(extExternalID),
		RequestParameters:   o.strMap("requestParameters"),
		RequestTemplates:    o.strMap("requestTemplates"),
		PassthroughBehavior: strings.ToUpper(o.str("passthroughBehavior")),
		ContentHandling:     strings.ToUpper(o.str("contentHandling")),
		CacheNamespace:      o.str("cacheNamespace"),
		CacheKeyParameters:  o.strList("cacheKeyParameters"),
		ConnectionType:      strings.ToUpper(o.str("connectionType")),
		ConnectionID:        o.str("connectionId"),
	}
	switch {
	case contains(integrationTypes, in.Type):
	case in.Type == "":
		im.errorf(o.at("type"), "missing; one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY")
	default:
		im.errorf(o.at("type"), "integration type %q is not one of MOCK, HTTP, HTTP_PROXY, AWS, AWS_PROXY", o.str("type"))
	}
	if known := contains(integrationTypes, in.Type); known && in.Type != model.IntegrationMock {
		if in.HTTPMethod == "" {
			im.errorf(o.at("httpMethod"), "missing; %s integrations need the method to call the backend with", in.Type)
		}
		im.integrationURI(o, in)
	}
	if in.HTTPMethod != "" && !contains(httpMethods, in.HTTPMethod) {
		im.errorf(o.at("httpMethod"), "%q is not an HTTP method API Gateway accepts", in.HTTPMethod)
	}
	if in.Credentials != "" && !strings.HasPrefix(in.Credentials, "kvm:") {
		if !strings.HasPrefix(in.Credentials, "arn:") {
			im.errorf(o.at("credentials"), "must be an IAM role ARN or kvm:MAP/ENTRY")
		}
		in.Credentials = im.fillARN(o.at("credentials"), in.Credentials)
	}
	for k, v := range in.RequestParameters {
		if !requestTarget.MatchString(k) {
			im.errorf(append(o.at("requestParameters"), k), "target must be integration.request.{header|querystring|path}.NAME")
		}
		im.checkSource(append(o.at("requestParameters"), k), v, "method.request.")
	}
	switch in.PassthroughBehavior {
	case "", model.PassthroughWhenNoMatch, model.PassthroughWhenNoTemplates, model.PassthroughNever:
	default:
		im.errorf(o.at("passthroughBehavior"), "%q is not one of WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER", o.str("passthroughBehavior"))
	}
	im.checkContentHandling(o, in.ContentHandling)
	if t, set := o.integer("timeoutInMillis"); set {
		if t < 50 || t > model.DefaultTimeoutMillis {
			im.errorf(o.at("timeoutInMillis"), "%d is outside 50..29000 milliseconds", t)
		}
		in.TimeoutInMillis = t
	}
	switch in.ConnectionType {
	case "", "INTERNET":
	case "VPC_LINK":
		if in.ConnectionID == "" {
			im.errorf(o.at("connectionId"), "missing; a VPC_LINK connection needs the link's id")
		}
	default:
		im.errorf(o.at("connectionType"), "%q is not INTERNET or VPC_LINK", o.str("connectionType"))
	}
	if tls, ok := im.object(o.at("tlsConfig")); ok {
		tls.warnUnknown("insecureSkipVerification")
		in.TLSConfig = &model.TLSConfig{InsecureSkipVerification: tls.boolean("insecureSkipVerification")}
	}
	im.integrationResponses(o, in)
	return in
}

func (im *importer) integrationURI(o obj, in *model.Integration) {
	loc := o.at("uri")
	switch {
	case in.URI == "":
		im.errorf(loc, "missing; %s integrations need a uri", in.Type)
	case in.Type == model.IntegrationHTTP || in.Type == model.IntegrationHTTPProxy:
		if !strings.HasPrefix(in.URI, "http://") && !strings.HasPrefix(in.URI, "https://") {
			im.errorf(loc, "%q is not an http:// or https:// URL", in.URI)
		}
	default:
		if !strings.HasPrefix(in.URI, "arn:") {
			im.errorf(loc, "%q is not an arn:aws:apigateway:REGION:SERVICE:... URI", in.URI)
			return
		}
		in.URI = im.fillARN(loc, in.URI)
	}
}

// fillARN fills placeholders in the ARNs of s or reports them at loc.
func (im *importer) fillARN(loc []string, s string) string {
	out, problems := fillARNs(s, im.opt.Region, im.opt.AccountID)
	for _, p := range problems {
		im.errorf(loc, "%s", p)
	}
	return out
}

func (im *importer) checkContentHandling(o obj, ch string) {
	switch ch {
	case "", model.ContentHandlingConvertToBinary, model.ContentHandlingConvertToText:
	default:
		im.errorf(o.at("contentHandling"), "%q is not CONVERT_TO_BINARY or CONVERT_TO_TEXT", o.str("contentHandling"))
	}
}

// checkSource checks the source side of a parameter mapping: a quoted
// literal, a context or stage variable, or the given request/response part.
func (im *importer) checkSource(loc []string, v, part string) {
	switch {
	case len(v) >= 2 && strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'"):
	case strings.HasPrefix(v, part), strings.HasPrefix(v, "context."), strings.HasPrefix(v, "stageVariables."):
	default:
		im.errorf(loc, "source %q must be a 'quoted literal', %s*, context.* or stageVariables.*", v, part)
	}
}

// integrationResponses reads the responses map, whose keys are selection
// patterns; "default" marks the response used when no pattern matches.
func (im *importer) integrationResponses(o obj, in *model.Integration) {
	resps, ok := im.object(o.at("responses"))
	if !ok {
		return
	}
	for _, key := range resps.keys() {
		r, ok := im.object(resps.at(key))
		if !ok {
			if r.m == nil {
				im.errorf(resps.at(key), "must be an object with a statusCode")
			}
			continue
		}
		r.warnUnknown("statusCode", "responseParameters", "responseTemplates", "contentHandling")
		ir := &model.IntegrationResponse{
			StatusCode:         r.str("statusCode"),
			ResponseParameters: r.strMap("responseParameters"),
			ResponseTemplates:  r.strMap("responseTemplates"),
			ContentHandling:    strings.ToUpper(r.str("contentHandling")),
		}
		if key != "default" {
			ir.SelectionPattern = key
			if _, err := regexp.Compile(key); err != nil {
				im.errorf(resps.at(key), "selection pattern %q does not compile: %v", key, err)
			}
		}
		if !statusCode.MatchString(ir.StatusCode) {
			if ir.StatusCode == "" {
				im.errorf(r.at("statusCode"), "missing; the status code this response becomes")
			} else {
				im.errorf(r.at("statusCode"), "%q is not an HTTP status code", ir.StatusCode)
			}
			continue
		}
		for k, v := range ir.ResponseParameters {
			if !responseTarget.MatchString(k) {
				im.errorf(append(r.at("responseParameters"), k), "target must be method.response.header.NAME")
			}
			im.checkSource(append(r.at("responseParameters"), k), v, "integration.response.")
		}
		im.checkContentHandling(r, ir.ContentHandling)
		if in.IntegrationResponses == nil {
			in.IntegrationResponses = map[string]*model.IntegrationResponse{}
		}
		if prev, dup := in.IntegrationResponses[ir.StatusCode]; dup {
			im.errorf(resps.at(key), "status %s is already produced by pattern %q; API Gateway keys integration responses by status", ir.StatusCode, prev.SelectionPattern)
			continue
		}
		in.IntegrationResponses[ir.StatusCode] = ir
	}
}
