package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/ferrygw/ferry/internal/authorizer"
	"github.com/ferrygw/ferry/internal/model"
)

// AuthorizerTester evaluates one authorizer of an API for a synthetic
// call, outside any deployment and cache; *authorizer.Authorizers
// implements it. Its error wraps authorizer.ErrUnknownAuthorizer for an
// authorizer the API lacks; any other error is about the request.
type AuthorizerTester interface {
	TestInvoke(ctx context.Context, api *model.API, idOrName string, req *authorizer.TestRequest) (*authorizer.TestResult, error)
}

// TestInvokeAuthorizerInput is the body of POST
// /restapis/{id}/authorizers/{authorizerId} (API Gateway's TestInvokeAuthorizer).
type TestInvokeAuthorizerInput struct {
	// Headers are single-valued request headers; put the token or identity here.
	Headers map[string]string `json:"headers,omitempty"`
	// MultiValueHeaders are request headers with every value.
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	// PathWithQueryString is the called path and query, e.g. "/pets/7?tenant=acme";
	// it gives the method ARN and a REQUEST authorizer's path and query parameters.
	PathWithQueryString string `json:"pathWithQueryString,omitempty"`
	// Body is accepted for API Gateway's clients; authorizers never see it.
	Body string `json:"body,omitempty"`
	// StageVariables are the $stageVariables of the simulated stage.
	StageVariables map[string]string `json:"stageVariables,omitempty"`
	// AdditionalContext sets $context values such as identity.sourceIp.
	AdditionalContext map[string]string `json:"additionalContext,omitempty"`
}

// TestInvokeAuthorizerOutput is TestInvokeAuthorizer's answer.
type TestInvokeAuthorizerOutput struct {
	// ClientStatus is what a client would have been refused with (401, 403,
	// 500), or 0 when the authorizer let the call through.
	ClientStatus int `json:"clientStatus"`
	// Log is the execution log; identities and keys in it are masked.
	Log string `json:"log"`
	// Latency is the evaluation's duration in milliseconds.
	Latency int64 `json:"latency"`
	// PrincipalID is the Lambda authorizer's principalId or the token's sub.
	PrincipalID string `json:"principalId,omitempty"`
	// Policy is the policy document a Lambda authorizer returned, as a JSON string.
	Policy string `json:"policy,omitempty"`
	// Authorization holds a Lambda authorizer's context values ($context.authorizer.NAME).
	Authorization map[string][]string `json:"authorization,omitempty"`
	// Claims are a verified token's claims ($context.authorizer.claims.NAME).
	Claims map[string]string `json:"claims,omitempty"`
}

// testInvokeAuthorizer is API Gateway's TestInvokeAuthorizer: it evaluates
// an authorizer of the API's current definition, deployed or not, for the
// call the body describes. The authorizer is named by id or by name.
func (s *server) testInvokeAuthorizer(w http.ResponseWriter, r *http.Request) error {
	tester := s.cfg.Authorizers
	if tester == nil {
		return notFound("this server runs no authorizers, so it cannot test one")
	}
	var in TestInvokeAuthorizerInput
	// An empty body is a valid call: no headers, path "/".
	if r.ContentLength != 0 {
		if err := decodeJSON(r, "test invoke authorizer", &in); err != nil {
			return err
		}
	}
	api, err := s.loadAPI(r)
	if err != nil {
		return err
	}
	res, err := tester.TestInvoke(r.Context(), api, r.PathValue("authorizerId"), &authorizer.TestRequest{
		Headers: in.Headers, MultiValueHeaders: in.MultiValueHeaders, PathWithQueryString: in.PathWithQueryString,
		Body: in.Body, StageVariables: in.StageVariables, AdditionalContext: in.AdditionalContext,
	})
	switch {
	case errors.Is(err, authorizer.ErrUnknownAuthorizer):
		return notFound("API %s: %v", api.RestAPI.ID, err)
	case err != nil:
		return badRequest("test invoke authorizer: %v", err)
	}
	return writeJSON(w, http.StatusOK, &TestInvokeAuthorizerOutput{
		ClientStatus: res.ClientStatus, Log: res.Log, Latency: res.Latency, PrincipalID: res.PrincipalID,
		Policy: res.Policy, Authorization: res.Authorization, Claims: res.Claims,
	})
}
