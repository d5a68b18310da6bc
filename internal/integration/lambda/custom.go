package lambda

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/integrationresponse"
	"github.com/ferrygw/ferry/internal/model"
)

// Custom wraps the AWS integration factory: an integration whose URI
// invokes a Lambda function must use POST, and an Invoke API failure
// becomes a gateway response instead of an integration response. Function
// errors stay integration responses, selected by SelectionKey. Any other
// AWS integration is built by aws unchanged.
func Custom(aws integration.Factory) integration.Factory {
	return func(cfg integration.Config) (integration.Backend, error) {
		in := cfg.Integration
		if _, ok, err := ParseInvokeURI(in.URI); !ok {
			return aws(cfg)
		} else if err != nil {
			return nil, fmt.Errorf("integration.uri: %w", err)
		}
		if !strings.EqualFold(in.HTTPMethod, http.MethodPost) {
			return nil, fmt.Errorf("integration.httpMethod: Lambda functions are invoked with POST, not %q", in.HTTPMethod)
		}
		cfg, broken := resolveFunction(cfg)
		if broken != nil {
			return broken, nil
		}
		next, err := aws(cfg)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, req *integration.Request) (*integration.Response, error) {
			resp, err := next(ctx, req)
			if err != nil {
				return nil, err
			}
			if err := apiError(resp.Status, resp.Header, resp.Body); err != nil {
				return nil, err
			}
			return resp, nil
		}, nil
	}
}

// SelectionKeyFor gives the selection key of integrations that invoke
// Lambda without the proxy, and nil for every other integration (which
// selects by status). It fits pipeline.Options.SelectionKeyFor.
func SelectionKeyFor(in *model.Integration) integrationresponse.KeyFunc {
	if in.Type != model.IntegrationAWS {
		return nil
	}
	if _, ok, err := ParseInvokeURI(in.URI); !ok || err != nil {
		return nil
	}
	return SelectionKey
}

// SelectionKey is the string a Lambda answer's selection patterns match:
// the errorMessage of a function error. A success has no errorMessage and
// takes the default response whatever the patterns (integrationresponse.NoKey).
func SelectionKey(_ int, header http.Header, body []byte) string {
	msg, isErr := FunctionError(header, body)
	if !isErr {
		return integrationresponse.NoKey
	}
	return msg
}
