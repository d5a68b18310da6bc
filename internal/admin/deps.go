package admin

import (
	"context"
	"errors"

	"github.com/ferrygw/ferry/internal/model"
)

// The seams to packages oas and pipeline, each one call.

func importAPI(data []byte, opts ImportOptions) (*model.API, error) {
	return nil, errors.New("oas: not implemented")
}

func exportAPI(api *model.API) ([]byte, error) {
	return nil, errors.New("oas: not implemented")
}

func (s *server) check(api *model.API) error {
	return nil
}

func (s *server) testInvoke(ctx context.Context, api *model.API, res *model.Resource, verb string, in *TestInvokeInput) (*TestInvokeOutput, error) {
	return nil, errors.New("pipeline: not implemented")
}
