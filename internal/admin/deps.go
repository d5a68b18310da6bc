package admin

import (
	"context"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/oas"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// The seams to packages oas and pipeline, one call each, so the handlers
// read in the admin API's terms.

func importAPI(data []byte, opts ImportOptions) (*model.API, error) {
	return oas.Import(data, oas.ImportOptions{Filename: opts.Filename, Name: opts.Name, Vars: opts.Vars,
		Region: opts.Region, AccountID: opts.AccountID})
}

func exportAPI(api *model.API) ([]byte, error) {
	return oas.Export(api)
}

func (s *server) check(api *model.API) error {
	return pipeline.Check(api, s.cfg.Pipeline)
}

// checkServable compiles the API as a stage would serve it: unlike check, a
// method without an integration is an error here.
func (s *server) checkServable(api *model.API, stage string, vars map[string]string) error {
	_, err := pipeline.Compile(api, &model.Stage{APIID: api.RestAPI.ID, StageName: stage, Variables: vars}, s.cfg.Pipeline)
	return err
}

// testInvoke runs the pipeline. Its errors are about the request (a path
// that does not match the resource) or an API that does not compile: both
// are the caller's to fix, so they are 400s.
func (s *server) testInvoke(ctx context.Context, api *model.API, res *model.Resource, verb string, in *TestInvokeInput) (*TestInvokeOutput, error) {
	out, err := pipeline.TestInvoke(ctx, api, &pipeline.TestInvokeRequest{
		HTTPMethod: verb, ResourceID: res.ID, PathWithQueryString: in.PathWithQueryString, Body: in.Body,
		Headers: in.Headers, MultiValueHeaders: in.MultiValueHeaders, StageVariables: in.StageVariables,
	}, s.cfg.Pipeline)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	return &TestInvokeOutput{Status: out.Status, Body: out.Body, Headers: out.Headers,
		MultiValueHeaders: out.MultiValueHeaders, Log: out.Log, Latency: out.Latency}, nil
}
