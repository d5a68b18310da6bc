package pipeline

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ferrygw/ferry/internal/binarymedia"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integrationrequest"
	"github.com/ferrygw/ferry/internal/integrationresponse"
	"github.com/ferrygw/ferry/internal/methodrequest"
	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/router"
)

// Stage is the compiled pipeline of one stage of one deployment. It is
// read-only and safe for concurrent use.
type Stage struct {
	apiID     string
	name      string
	vars      map[string]string
	offline   bool
	kvm       func(mapName, key string) (string, bool) // $kvm.get for this stage; nil without Options.KVM
	media     binarymedia.Types
	maxBody   int64 // the stage's payload limit (see PayloadLimitVariable)
	router    *router.Router
	resources []*resource
	responses *gatewayresponse.Set
	opt       Options
}

type resource struct {
	path, id string
	methods  map[string]*operation
}

// operation is one compiled method: only the steps it configures are set.
type operation struct {
	resourcePath, resourceID, httpMethod string
	validator                            *methodrequest.Validator
	request                              *integrationrequest.Step
	backend                              integration.Backend
	selector                             *integrationresponse.Selector // nil: the answer goes back unchanged
	uri                                  string
	// greedy is the resource's {name+} parameter, if any.
	greedy string
	// bufferBody is false when the client's body may stream to the backend.
	bufferBody bool
	// plain is true when nothing reads the method request's parameters.
	plain bool
	// guards run after routing, before the body is read; nil for most methods.
	guards []Guard
	// proxyEvent is true for AWS_PROXY: the backend gets the whole method
	// request (integration.Request.Proxy) to build Lambda's proxy event.
	proxyEvent bool
	// content is the contentHandling of non-proxy integrations.
	content contentHandling
	// streaming says whether a streamed answer may reach the client unbuffered.
	streaming responseStreaming
}

// Compile builds the request pipeline of one stage of one deployment. Every
// template, regex, mapping expression and schema is compiled here; an error
// names the resource path, method and field.
func Compile(api *model.API, stage *model.Stage, opt Options) (*Stage, error) {
	if api == nil {
		return nil, errors.New("pipeline: no API")
	}
	if stage == nil {
		return nil, errors.New("pipeline: no stage")
	}
	if opt.Integrations == nil {
		opt.Integrations = integration.Defaults()
	}
	if opt.Transport == nil {
		opt.Transport = integration.SharedTransport()
	}
	s := &Stage{
		apiID:   api.RestAPI.ID,
		name:    stage.StageName,
		vars:    stage.Variables,
		offline: stage.Offline,
		opt:     opt,
	}
	s.opt.stage = stage.StageName
	if get := opt.KVM; get != nil {
		apiID, name := s.apiID, s.name
		s.kvm = func(mapName, key string) (string, bool) { return get(apiID, name, mapName, key) }
	}
	s.opt.stageModel = stage
	if s.vars == nil {
		s.vars = map[string]string{}
	}
	var err error
	if s.maxBody, err = stageLimit(stage, &s.opt); err != nil {
		return nil, err
	}
	if s.media, err = binarymedia.Compile(api.RestAPI.BinaryMediaTypes); err != nil {
		return nil, err
	}
	if s.responses, err = gatewayresponse.Compile(api.GatewayResponses); err != nil {
		return nil, err
	}
	res := append([]*model.Resource(nil), api.Resources...)
	sort.Slice(res, func(i, j int) bool { return res[i].Path < res[j].Path })
	paths := make([]string, len(res))
	var errs []error
	for i, r := range res {
		paths[i] = r.Path
		cr := &resource{path: r.Path, id: r.ID, methods: map[string]*operation{}}
		for verb, m := range r.ResourceMethods {
			op, err := compileOperation(api, r, strings.ToUpper(verb), m, &s.opt, true)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			cr.methods[strings.ToUpper(verb)] = op
		}
		s.resources = append(s.resources, cr)
	}
	if len(errs) > 0 {
		return nil, joinSorted(errs)
	}
	if s.router, err = router.New(paths); err != nil {
		return nil, err
	}
	return s, nil
}

// Check compiles the API with no stage, for import-time validation. Methods
// without an integration pass, as API Gateway imports them; deploying them fails.
func Check(api *model.API, opt Options) error {
	if api == nil {
		return errors.New("pipeline: no API")
	}
	if opt.Integrations == nil {
		opt.Integrations = integration.Defaults()
	}
	if _, err := gatewayresponse.Compile(api.GatewayResponses); err != nil {
		return err
	}
	var errs []error
	if _, err := binarymedia.Compile(api.RestAPI.BinaryMediaTypes); err != nil {
		errs = append(errs, err)
	}
	paths := make([]string, 0, len(api.Resources))
	for _, r := range api.Resources {
		paths = append(paths, r.Path)
		for verb, m := range r.ResourceMethods {
			if _, err := compileOperation(api, r, strings.ToUpper(verb), m, &opt, false); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if _, err := router.New(paths); err != nil {
		errs = append(errs, err)
	}
	return joinSorted(errs)
}

func joinSorted(errs []error) error {
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

func compileOperation(api *model.API, r *model.Resource, verb string, m *model.Method, opt *Options, needIntegration bool) (*operation, error) {
	where := verb + " " + r.Path
	fail := func(err error) (*operation, error) { return nil, fmt.Errorf("%s: %w", where, err) }
	if m == nil {
		return fail(errors.New("method is null"))
	}
	op := &operation{resourcePath: r.Path, resourceID: r.ID, httpMethod: verb}
	if i := strings.LastIndex(r.Path, "/{"); i >= 0 && strings.HasSuffix(r.Path, "+}") {
		op.greedy = r.Path[i+2 : len(r.Path)-2]
	}
	var err error
	if op.validator, err = methodrequest.Compile(api, m); err != nil {
		return fail(err)
	}
	stage := opt.stageModel
	if stage == nil {
		stage = &model.Stage{APIID: api.RestAPI.ID}
	}
	for _, gf := range opt.Guards {
		g, err := gf(api, stage, r, m)
		if err != nil {
			return fail(err)
		}
		if g != nil {
			op.guards = append(op.guards, g)
		}
	}
	in := m.MethodIntegration
	if in == nil {
		if needIntegration {
			return fail(errors.New("no integration defined for method"))
		}
		return op, nil
	}
	if op.request, err = integrationrequest.Compile(in); err != nil {
		return fail(err)
	}
	op.backend, err = opt.Integrations.Build(integration.Config{
		Integration:    in,
		Where:          where,
		Transport:      opt.Transport,
		Logger:         opt.Logger,
		Stream:         true,
		APIID:          api.RestAPI.ID,
		Stage:          opt.stage,
		StageVariables: stageVariables(opt.stageModel),
	})
	if err != nil {
		return fail(err)
	}
	op.uri = in.URI
	switch in.Type {
	case model.IntegrationHTTPProxy, model.IntegrationAWSProxy:
	default:
		if op.content, err = compileContentHandling(in); err != nil {
			return fail(err)
		}
		key := opt.SelectionKeys[in.Type]
		if opt.SelectionKeyFor != nil {
			if k := opt.SelectionKeyFor(in); k != nil {
				key = k
			}
		}
		if op.selector, err = integrationresponse.Compile(in, key); err != nil {
			return fail(err)
		}
		op.streaming = compileResponseStreaming(in, key)
	}
	op.proxyEvent = in.Type == model.IntegrationAWSProxy
	op.bufferBody = op.request.NeedsBody() || op.validator != nil || op.proxyEvent
	op.plain = op.validator == nil && op.request.Plain()
	return op, nil
}

// find returns the operation for a method of a matched resource: the
// method itself, else ANY.
func (r *resource) find(method string) *operation {
	if op := r.methods[method]; op != nil {
		return op
	}
	return r.methods["ANY"]
}
