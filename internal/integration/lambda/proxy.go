package lambda

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferrygw/ferry/internal/binarymedia"
	"github.com/ferrygw/ferry/internal/gatewayresponse"
	"github.com/ferrygw/ferry/internal/integration"
	"github.com/ferrygw/ferry/internal/model"
)

// Proxy returns the factory of the AWS_PROXY integration type: the method
// request becomes the proxy event, the function's answer (in the proxy
// response format) becomes the method response with no integration
// response in between. aws is the AWS integration factory that signs and
// sends the Invoke call.
func Proxy(aws integration.Factory) integration.Factory {
	return func(cfg integration.Config) (integration.Backend, error) {
		in := cfg.Integration
		_, ok, err := ParseInvokeURI(in.URI)
		if err != nil {
			return nil, fmt.Errorf("integration.uri: %w", err)
		}
		if !ok {
			return nil, fmt.Errorf("integration.uri: %q: AWS_PROXY needs a Lambda invoke URI, arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations", in.URI)
		}
		if !strings.EqualFold(in.HTTPMethod, http.MethodPost) {
			return nil, fmt.Errorf("integration.httpMethod: Lambda functions are invoked with POST, not %q", in.HTTPMethod)
		}
		cfg, broken := resolveFunction(cfg)
		if broken != nil {
			return broken, nil
		}
		// The Invoke call is an AWS integration of the same URI,
		// credentials and timeout, without templates or responses.
		call := *cfg.Integration
		call.Type = model.IntegrationAWS
		call.HTTPMethod = http.MethodPost
		call.RequestParameters, call.RequestTemplates, call.IntegrationResponses = nil, nil, nil
		sub := cfg
		sub.Integration = &call
		next, err := aws(sub)
		if err != nil {
			return nil, err
		}
		return (&proxyBackend{invoke: next}).call, nil
	}
}

type proxyBackend struct {
	invoke integration.Backend
}

func (p *proxyBackend) call(ctx context.Context, req *integration.Request) (*integration.Response, error) {
	pr := req.Proxy
	if pr == nil {
		return nil, gatewayresponse.Internal(errors.New("lambda proxy: the pipeline gave no method request"))
	}
	event, err := BuildEvent(pr)
	if err != nil {
		return nil, gatewayresponse.Internal(fmt.Errorf("lambda proxy event: %w", err))
	}
	resp, err := p.invoke(ctx, &integration.Request{
		Method: http.MethodPost,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   event,
	})
	if err != nil {
		return nil, err
	}
	if err := apiError(resp.Status, resp.Header, resp.Body); err != nil {
		return nil, err
	}
	return Answer(resp.Header, resp.Body, pr.Binary, pr.Header.Get("Accept"))
}

// Answer turns an Invoke answer into the method response. A function error
// and a malformed answer are API Gateway's 502 {"message": "Internal server
// error"}; the reason goes to the log.
func Answer(invokeHeader http.Header, payload []byte, binary binarymedia.Types, accept string) (*integration.Response, error) {
	if kind := invokeHeader.Get(FunctionErrorHeader); kind != "" {
		msg, _ := FunctionError(invokeHeader, payload)
		return nil, badGateway(fmt.Errorf("lambda proxy: function error (%s): %s", kind, msg))
	}
	pr, err := ParseProxyResponse(payload)
	if err != nil {
		return nil, badGateway(err)
	}
	body, err := pr.decodeBody(binary, accept)
	if err != nil {
		return nil, badGateway(err)
	}
	if pr.Header.Get("Content-Type") == "" {
		// API Gateway's default for a proxy answer that names none.
		pr.Header.Set("Content-Type", "application/json")
	}
	pr.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return &integration.Response{Status: pr.Status, Header: pr.Header, Body: body}, nil
}

func badGateway(cause error) error {
	return &gatewayresponse.Error{Type: gatewayresponse.IntegrationFailure, Status: http.StatusBadGateway,
		Message: "Internal server error", Cause: cause}
}
