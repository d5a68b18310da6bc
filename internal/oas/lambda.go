package oas

import (
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/integration/lambda"
	"github.com/ferrygw/ferry/internal/model"
)

// extLambda is ferry's short form for a Lambda integration, for users who
// know API Connect's or Apigee's Lambda policy better than API Gateway's
// integration object. On an operation it names one function:
//
//	x-ferry-lambda:
//	  function: orders           # name, ACCOUNT:function:NAME or a full ARN
//	  region: eu-west-1          # else the ARN's, else the import's --region
//	  qualifier: live            # optional version or alias
//	  credentials: arn:aws:iam::123456789012:role/invoker   # or kvm:MAP/ENTRY
//	  externalId: 5f2c...        # optional, with a role
//	  proxy: false               # true: AWS_PROXY instead of AWS
//	  timeoutInMillis: 5000
//
// On a path item, methods maps HTTP methods to functions (a name, or an
// object with its own settings) and the other fields are shared:
//
//	x-ferry-lambda:
//	  region: eu-west-1
//	  credentials: kvm:aws/invoker
//	  methods: {GET: get-order, PUT: {function: put-order, qualifier: v2}}
//
// Either compiles to the integration API Gateway would hold: POST to
// path/2015-03-31/functions/FUNCTION[:QUALIFIER]/invocations, the request
// body passed through, the function's answer as a 200.
const extLambda = "x-ferry-lambda"

// extExternalID carries Integration.ExternalID inside an exported
// x-amazon-apigateway-integration, so a re-import assumes the role as the
// original did. AWS documents external ids as not secret.
const extExternalID = "x-ferry-externalId"

var lambdaFields = []string{"function", "region", "qualifier", "credentials", "externalId", "proxy", "timeoutInMillis"}

// lambdaSpec is one function call of the short form.
type lambdaSpec struct {
	function, region, qualifier, credentials, externalID string
	proxy                                                bool
	timeout                                              int
}

// read fills s from o, keeping what o does not set.
func (s *lambdaSpec) read(o obj) {
	for _, f := range []struct {
		key string
		dst *string
	}{{"function", &s.function}, {"region", &s.region}, {"qualifier", &s.qualifier}, {"credentials", &s.credentials}, {"externalId", &s.externalID}} {
		if o.has(f.key) {
			*f.dst = o.str(f.key)
		}
	}
	if o.has("proxy") {
		s.proxy = o.boolean("proxy")
	}
	if t, set := o.integer("timeoutInMillis"); set {
		if t < 50 || t > model.DefaultTimeoutMillis {
			o.im.errorf(o.at("timeoutInMillis"), "%d is outside 50..29000 milliseconds", t)
		}
		s.timeout = t
	}
}

// lambdaOperation reads the short form on an operation.
func (im *importer) lambdaOperation(loc []string, m *model.Method) {
	o, ok := im.object(loc)
	if !ok {
		return
	}
	if m.MethodIntegration != nil {
		im.errorf(loc, "an operation has x-amazon-apigateway-integration or %s, not both", extLambda)
		return
	}
	o.warnUnknown(lambdaFields...)
	var s lambdaSpec
	s.read(o)
	m.MethodIntegration = im.lambdaIntegration(o, &s)
	ensure200(m)
}

// lambdaMethods reads the short form on a path item: one method per entry
// of methods, beside the operations the item defines.
func (im *importer) lambdaMethods(pi *pathItem, res *model.Resource) {
	o, ok := im.object(append(clip(pi.loc), extLambda))
	if !ok {
		return
	}
	o.warnUnknown(append([]string{"methods"}, lambdaFields[1:]...)...)
	if o.has("function") {
		im.errorf(o.at("function"), "on a path item, name functions under methods (GET: NAME)")
	}
	var shared lambdaSpec
	shared.read(o)
	methods, ok := im.object(o.at("methods"))
	if !ok {
		if methods.m == nil {
			im.errorf(o.at("methods"), "missing; map HTTP methods to functions, e.g. {GET: get-order}")
		}
		return
	}
	keys := methods.keys()
	sort.Strings(keys)
	for _, k := range keys {
		verb := strings.ToUpper(k)
		if !contains(httpMethods, verb) {
			im.errorf(methods.at(k), "%q is not an HTTP method API Gateway accepts", k)
			continue
		}
		if res.ResourceMethods == nil {
			res.ResourceMethods = map[string]*model.Method{}
		}
		if _, dup := res.ResourceMethods[verb]; dup {
			im.errorf(methods.at(k), "%s %s is also defined as an operation", verb, res.Path)
			continue
		}
		s := shared
		at := []obj{o}
		switch v := methods.m[k].(type) {
		case string:
			s.function = v
		case map[string]any:
			sub, _ := im.object(methods.at(k))
			sub.warnUnknown(lambdaFields...)
			s.read(sub)
			at = []obj{sub, o}
		default:
			im.errorf(methods.at(k), "must be a function name or an object with function, not %s", kindOf(v))
			continue
		}
		m := &model.Method{HTTPMethod: verb, AuthorizationType: "NONE"}
		m.MethodIntegration = im.lambdaIntegrationAt(at, methods.at(k), &s)
		ensure200(m)
		res.ResourceMethods[verb] = m
	}
}

func (im *importer) lambdaIntegration(o obj, s *lambdaSpec) *model.Integration {
	return im.lambdaIntegrationAt([]obj{o}, o.loc, s)
}

// lambdaIntegrationAt builds the integration of s; problems are reported
// at the field they come from (in the first of objs that sets it), or at loc.
func (im *importer) lambdaIntegrationAt(objs []obj, loc []string, s *lambdaSpec) *model.Integration {
	field := func(k string) []string {
		for _, o := range objs {
			if o.has(k) {
				return o.at(k)
			}
		}
		return loc
	}
	fn := s.function
	if fn == "" {
		im.errorf(field("function"), "missing; name the function (NAME, ACCOUNT:function:NAME or its ARN)")
		return nil
	}
	if err := lambda.CheckFunction(fn); err != nil {
		im.errorf(field("function"), "%v", err)
		return nil
	}
	region := s.region
	if strings.HasPrefix(fn, "arn:") {
		arnRegion := strings.Split(fn, ":")[3]
		if region != "" && region != arnRegion {
			im.errorf(field("region"), "%q differs from the function ARN's region %q", region, arnRegion)
		}
		region = arnRegion
	}
	if region == "" {
		region = im.opt.Region
	}
	if region == "" {
		im.errorf(field("region"), "missing; name the function's region, give its ARN, or import with --region")
		return nil
	}
	if !isRegion(region) {
		im.errorf(field("region"), "%q is not an AWS region name such as us-east-1", region)
	}
	if s.qualifier != "" {
		if n := strings.Count(fn, ":"); n == 1 || n == 3 || n == 7 {
			im.errorf(field("qualifier"), "the function %q already names a qualifier", fn)
		} else if err := lambda.CheckFunction(fn + ":" + s.qualifier); err != nil {
			im.errorf(field("qualifier"), "%q is not a version or alias name", s.qualifier)
		}
		fn += ":" + s.qualifier
	}
	in := &model.Integration{
		Type:            model.IntegrationAWS,
		HTTPMethod:      "POST",
		URI:             lambda.InvokeURI(region, fn),
		Credentials:     s.credentials,
		ExternalID:      s.externalID,
		TimeoutInMillis: s.timeout,
	}
	switch {
	case s.credentials == "":
		if s.externalID != "" {
			im.errorf(field("externalId"), "an external id needs credentials naming the role to assume")
		}
	case strings.HasPrefix(s.credentials, "kvm:"):
		if s.externalID != "" {
			im.errorf(field("externalId"), "an external id goes with a role ARN, not with %s", s.credentials)
		}
	case strings.HasPrefix(s.credentials, "arn:"):
		in.Credentials = im.fillARN(field("credentials"), s.credentials)
	default:
		im.errorf(field("credentials"), "must be an IAM role ARN or kvm:MAP/ENTRY")
	}
	if s.proxy {
		in.Type = model.IntegrationAWSProxy
	} else {
		in.IntegrationResponses = map[string]*model.IntegrationResponse{"200": {StatusCode: "200"}}
	}
	return in
}

// ensure200 declares the 200 method response the short form answers with.
func ensure200(m *model.Method) {
	if m.MethodResponses == nil {
		m.MethodResponses = map[string]*model.MethodResponse{}
	}
	if _, ok := m.MethodResponses["200"]; !ok {
		m.MethodResponses["200"] = &model.MethodResponse{StatusCode: "200"}
	}
}
