package pipeline

import (
	"context"
	"net/http"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/reqctx"
)

// Guard is one method-request step that can refuse a call before its body is
// read or anything is sent: a resource policy or allow-list, an authorizer,
// an API key and usage-plan check, throttling. It returns nil to let the call
// through, or an error — a *gatewayresponse.Error for a refusal (403, 401,
// 429 ...); any other error is answered 500 and logged.
type Guard func(ctx context.Context, g *GuardRequest) error

// GuardRequest is what a guard sees of one call. Guards may write to
// Context (identity.apiKey/apiKeyId, authorizer values) and Header (a
// Retry-After, say), for the steps and guards after them.
type GuardRequest struct {
	// HTTP is the client's request; its body must not be read.
	HTTP  *http.Request
	Entry *Entry
	// APIID and Stage name what is being called; Stage is empty in test-invoke.
	APIID, Stage string
	// ResourcePath ("/pets/{id}") and HTTPMethod (as defined: GET, ANY ...) name the method.
	ResourcePath, HTTPMethod string
	// PathParams are the decoded path parameters.
	PathParams map[string]string
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// Context is $context, shared with mapping templates and the proxy event.
	Context *reqctx.Context
	// Header holds headers to add to whatever answer the call gets.
	Header http.Header
}

// GuardFactory builds the guard of one method of one stage when the stage is
// compiled. It returns a nil Guard when the method needs none, so a method
// without security adds nothing per request. stage is a stage without a
// deployment id during import checks and test-invoke.
type GuardFactory func(api *model.API, stage *model.Stage, res *model.Resource, m *model.Method) (Guard, error)
