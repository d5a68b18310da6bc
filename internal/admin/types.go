package admin

import "github.com/ferrygw/ferry/internal/model"

// The request and answer bodies below are API Gateway's, field for field,
// where API Gateway has the call; the Client sends them and the handler
// decodes them, so the two cannot drift apart.

// ImportOptions are ferry's additions to API Gateway's import call, sent as
// query parameters (API Gateway's import body is the document itself).
type ImportOptions struct {
	// Filename names the document in import errors ("petstore.yaml:12:3: ...").
	Filename string
	// Name replaces the document's info.title as the API's name.
	Name string
	// Region fills ${AWS::Region}-style references in integration URIs.
	Region string
	// AccountID fills ${AWS::AccountId}-style references in integration URIs.
	AccountID string
	// Vars fills ${NAME} references in the document, e.g. a backend host per environment.
	Vars map[string]string
	// FailOnWarnings rejects a document that would import with warnings (API Gateway's failonwarnings).
	FailOnWarnings bool
}

// CreateDeploymentInput is the body of POST /restapis/{id}/deployments.
type CreateDeploymentInput struct {
	// StageName, when set, points this stage at the new deployment (creating the stage if needed).
	StageName string `json:"stageName,omitempty"`
	// StageDescription describes the stage when the call creates it.
	StageDescription string `json:"stageDescription,omitempty"`
	// Description describes the deployment.
	Description string `json:"description,omitempty"`
	// Variables are stage variables to set on StageName.
	Variables map[string]string `json:"variables,omitempty"`
}

// CreateStageInput is the body of POST /restapis/{id}/stages.
type CreateStageInput struct {
	// StageName is the new stage's name.
	StageName string `json:"stageName"`
	// DeploymentID is the deployment the stage serves.
	DeploymentID string `json:"deploymentId"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// Variables are the stage variables.
	Variables map[string]string `json:"variables,omitempty"`
}

// PatchOperation is one change of API Gateway's UpdateStage call.
type PatchOperation struct {
	// Op is replace, add or remove (add is replace for a stage variable).
	Op string `json:"op"`
	// Path is /deploymentId, /description or /variables/NAME.
	Path string `json:"path"`
	// Value is the new value; unused by remove.
	Value string `json:"value,omitempty"`
	// From is part of API Gateway's shape; ferry's stage paths never use it.
	From string `json:"from,omitempty"`
}

// UpdateStageInput is the body of PATCH /restapis/{id}/stages/{name}.
type UpdateStageInput struct {
	// PatchOperations are applied in order; one bad operation rejects them all.
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// PutMethodInput is the body of PUT .../resources/{rid}/methods/{verb}.
type PutMethodInput struct {
	// AuthorizationType is NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS.
	AuthorizationType string `json:"authorizationType"`
	// AuthorizerID names the authorizer of a CUSTOM or COGNITO_USER_POOLS method.
	AuthorizerID string `json:"authorizerId,omitempty"`
	// APIKeyRequired demands a valid API key.
	APIKeyRequired bool `json:"apiKeyRequired,omitempty"`
	// OperationName is the OpenAPI operationId.
	OperationName string `json:"operationName,omitempty"`
	// RequestParameters declares method.request.* parameters; true means required.
	RequestParameters map[string]bool `json:"requestParameters,omitempty"`
	// RequestModels maps a content type to a model name.
	RequestModels map[string]string `json:"requestModels,omitempty"`
	// RequestValidatorID names the validator applied to the method.
	RequestValidatorID string `json:"requestValidatorId,omitempty"`
	// AuthorizationScopes are the OAuth scopes the authorizer requires.
	AuthorizationScopes []string `json:"authorizationScopes,omitempty"`
}

// PutMethodResponseInput is the body of PUT .../methods/{verb}/responses/{status}.
type PutMethodResponseInput struct {
	// ResponseParameters declares method.response.header.* parameters; true means required.
	ResponseParameters map[string]bool `json:"responseParameters,omitempty"`
	// ResponseModels maps a content type to a model name.
	ResponseModels map[string]string `json:"responseModels,omitempty"`
}

// TestInvokeInput is the body of POST .../resources/{rid}/methods/{verb}
// (API Gateway's TestInvokeMethod).
type TestInvokeInput struct {
	// PathWithQueryString is the request path with path parameters filled in, e.g. "/pets/7?type=dog".
	PathWithQueryString string `json:"pathWithQueryString,omitempty"`
	// Body is the request body.
	Body string `json:"body,omitempty"`
	// Headers are single-valued request headers.
	Headers map[string]string `json:"headers,omitempty"`
	// MultiValueHeaders are request headers with every value.
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	// ClientCertificateID is part of API Gateway's shape; ferry ignores it.
	ClientCertificateID string `json:"clientCertificateId,omitempty"`
	// StageVariables are the $stageVariables of the simulated call.
	StageVariables map[string]string `json:"stageVariables,omitempty"`
}

// TestInvokeOutput is TestInvokeMethod's answer.
type TestInvokeOutput struct {
	// Status is the HTTP status the method answered with.
	Status int `json:"status"`
	// Body is the method response body.
	Body string `json:"body"`
	// Headers are the response headers, first value of each.
	Headers map[string]string `json:"headers,omitempty"`
	// MultiValueHeaders are the response headers with every value.
	MultiValueHeaders map[string][]string `json:"multiValueHeaders,omitempty"`
	// Log is the execution log, API Gateway's step-by-step trace.
	Log string `json:"log"`
	// Latency is the call's duration in milliseconds.
	Latency int64 `json:"latency"`
}

// CreateDomainNameInput is the body of POST /domainnames.
type CreateDomainNameInput struct {
	// DomainName is the host name, e.g. "api.example.com".
	DomainName string `json:"domainName"`
}

// CreateBasePathMappingInput is the body of POST /domainnames/{name}/basepathmappings.
type CreateBasePathMappingInput struct {
	// BasePath is the first path segment under the domain; empty or "(none)" maps the whole domain.
	BasePath string `json:"basePath,omitempty"`
	// RestAPIID is the API to serve.
	RestAPIID string `json:"restApiId"`
	// Stage is the stage to serve.
	Stage string `json:"stage"`
}

// resourceSummary is a resource as GET .../resources lists it without
// embed=methods: the methods' names only, each mapped to an empty object.
type resourceSummary struct {
	ID              string              `json:"id"`
	ParentID        string              `json:"parentId,omitempty"`
	PathPart        string              `json:"pathPart,omitempty"`
	Path            string              `json:"path"`
	ResourceMethods map[string]struct{} `json:"resourceMethods,omitempty"`
}

func summarize(r *model.Resource) resourceSummary {
	s := resourceSummary{ID: r.ID, ParentID: r.ParentID, PathPart: r.PathPart, Path: r.Path}
	if len(r.ResourceMethods) > 0 {
		s.ResourceMethods = make(map[string]struct{}, len(r.ResourceMethods))
		for verb := range r.ResourceMethods {
			s.ResourceMethods[verb] = struct{}{}
		}
	}
	return s
}
