package model

import "encoding/json"

// Integration types, as API Gateway names them.
const (
	IntegrationMock      = "MOCK"
	IntegrationHTTP      = "HTTP"
	IntegrationHTTPProxy = "HTTP_PROXY"
	IntegrationAWS       = "AWS"
	IntegrationAWSProxy  = "AWS_PROXY"
)

// Passthrough behaviours of an integration request.
const (
	PassthroughWhenNoMatch     = "WHEN_NO_MATCH"
	PassthroughWhenNoTemplates = "WHEN_NO_TEMPLATES"
	PassthroughNever           = "NEVER"
)

// Content handling strategies for binary payloads.
const (
	ContentHandlingConvertToBinary = "CONVERT_TO_BINARY"
	ContentHandlingConvertToText   = "CONVERT_TO_TEXT"
)

// API key sources.
const (
	APIKeySourceHeader     = "HEADER"
	APIKeySourceAuthorizer = "AUTHORIZER"
)

// DefaultTimeoutMillis is API Gateway's default (and maximum) integration timeout.
const DefaultTimeoutMillis = 29000

// API is a whole REST API definition: everything an import produces and a
// deployment snapshots. It is stored and deployed as one document so that a
// deployment is an immutable copy and an import is all-or-nothing.
type API struct {
	RestAPI            RestAPI             `json:"restApi"`
	Resources          []*Resource         `json:"resources"`
	Models             []*Model            `json:"models,omitempty"`
	RequestValidators  []*RequestValidator `json:"requestValidators,omitempty"`
	GatewayResponses   []*GatewayResponse  `json:"gatewayResponses,omitempty"`
	Authorizers        []*Authorizer       `json:"authorizers,omitempty"`
	DocumentationParts []json.RawMessage   `json:"documentationParts,omitempty"`
	// Extensions keeps top-level x-* extensions that ferry does not interpret,
	// so an export gives back what was imported.
	Extensions map[string]json.RawMessage `json:"extensions,omitempty"`
}

// RestAPI is API Gateway's RestApi resource.
type RestAPI struct {
	// ID is the API's identifier: ten lowercase letters and digits, as API Gateway makes them.
	ID string `json:"id"`
	// Name is the API's display name (OpenAPI info.title on import).
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// CreatedDate is the creation time in RFC 3339.
	CreatedDate string `json:"createdDate,omitempty"`
	// Version is OpenAPI info.version.
	Version string `json:"version,omitempty"`
	// Warnings lists what an import accepted but ignored.
	Warnings []string `json:"warnings,omitempty"`
	// BinaryMediaTypes lists the media types treated as binary payloads ("image/png", "*/*").
	BinaryMediaTypes []string `json:"binaryMediaTypes,omitempty"`
	// MinimumCompressionSize enables response compression above this many bytes; nil disables it.
	MinimumCompressionSize *int `json:"minimumCompressionSize,omitempty"`
	// APIKeySource is HEADER (x-api-key) or AUTHORIZER (the authorizer's usageIdentifierKey).
	APIKeySource string `json:"apiKeySource,omitempty"`
	// EndpointConfiguration records the endpoint types; ferry serves all the same way.
	EndpointConfiguration *EndpointConfiguration `json:"endpointConfiguration,omitempty"`
	// Policy is the resource policy, a JSON policy document as a string.
	Policy string `json:"policy,omitempty"`
	// Tags are free key-value labels.
	Tags map[string]string `json:"tags,omitempty"`
	// DisableExecuteAPIEndpoint turns off the {id}.execute-api host and the /restapis path, leaving custom domains.
	DisableExecuteAPIEndpoint bool `json:"disableExecuteApiEndpoint,omitempty"`
	// RootResourceID is the id of the "/" resource.
	RootResourceID string `json:"rootResourceId,omitempty"`
	// BasePath is the OpenAPI basePath or servers[0] path the definition came with; informational.
	BasePath string `json:"ferryBasePath,omitempty"`
}

// EndpointConfiguration is API Gateway's endpoint configuration.
type EndpointConfiguration struct {
	// Types holds EDGE, REGIONAL or PRIVATE.
	Types []string `json:"types,omitempty"`
	// VpcEndpointIDs names the VPC endpoints of a private API.
	VpcEndpointIDs []string `json:"vpcEndpointIds,omitempty"`
}

// Resource is one node of the API's path tree.
type Resource struct {
	// ID identifies the resource within its API.
	ID string `json:"id"`
	// ParentID is the parent resource's id; empty for the root.
	ParentID string `json:"parentId,omitempty"`
	// PathPart is the last segment: "pets", "{petId}" or "{proxy+}"; empty for the root.
	PathPart string `json:"pathPart,omitempty"`
	// Path is the full path, e.g. "/pets/{petId}".
	Path string `json:"path"`
	// ResourceMethods maps an HTTP method (or ANY) to its method.
	ResourceMethods map[string]*Method `json:"resourceMethods,omitempty"`
}

// Method is a resource's method: its request, integration and responses.
type Method struct {
	// HTTPMethod is GET, POST, ... or ANY.
	HTTPMethod string `json:"httpMethod"`
	// AuthorizationType is NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS.
	AuthorizationType string `json:"authorizationType"`
	// AuthorizerID names the authorizer when AuthorizationType is CUSTOM or COGNITO_USER_POOLS.
	AuthorizerID string `json:"authorizerId,omitempty"`
	// APIKeyRequired demands a valid API key.
	APIKeyRequired bool `json:"apiKeyRequired"`
	// RequestValidatorID names the validator applied to this method.
	RequestValidatorID string `json:"requestValidatorId,omitempty"`
	// OperationName is OpenAPI's operationId.
	OperationName string `json:"operationName,omitempty"`
	// RequestParameters declares method.request.{path|querystring|header}.NAME; true means required.
	RequestParameters map[string]bool `json:"requestParameters,omitempty"`
	// RequestModels maps a content type to a model name for body validation.
	RequestModels map[string]string `json:"requestModels,omitempty"`
	// MethodResponses maps a status code to the method response.
	MethodResponses map[string]*MethodResponse `json:"methodResponses,omitempty"`
	// MethodIntegration is the backend this method calls.
	MethodIntegration *Integration `json:"methodIntegration,omitempty"`
	// AuthorizationScopes are the OAuth scopes a COGNITO_USER_POOLS or JWT authorizer requires.
	AuthorizationScopes []string `json:"authorizationScopes,omitempty"`
	// Extensions keeps operation-level x-* extensions ferry does not interpret.
	Extensions map[string]json.RawMessage `json:"ferryExtensions,omitempty"`
}

// MethodResponse declares a status the method can answer with.
type MethodResponse struct {
	// StatusCode is the HTTP status, e.g. "200".
	StatusCode string `json:"statusCode"`
	// ResponseParameters declares method.response.header.NAME; true means required.
	ResponseParameters map[string]bool `json:"responseParameters,omitempty"`
	// ResponseModels maps a content type to a model name.
	ResponseModels map[string]string `json:"responseModels,omitempty"`
}

// Integration is how a method reaches its backend.
type Integration struct {
	// Type is MOCK, HTTP, HTTP_PROXY, AWS or AWS_PROXY.
	Type string `json:"type"`
	// HTTPMethod is the method used toward the backend.
	HTTPMethod string `json:"httpMethod,omitempty"`
	// URI is the backend URL, or an arn:aws:apigateway:... service URI.
	URI string `json:"uri,omitempty"`
	// ConnectionType is INTERNET or VPC_LINK.
	ConnectionType string `json:"connectionType,omitempty"`
	// ConnectionID is the VPC link id when ConnectionType is VPC_LINK.
	ConnectionID string `json:"connectionId,omitempty"`
	// Credentials is an IAM role ARN to assume, or ferry's "kvm:MAP/ENTRY".
	Credentials string `json:"credentials,omitempty"`
	// ExternalID is ferry's own: the external id to assume the Credentials
	// role with, overriding the one ferry's configuration gives the role.
	// Set by the x-ferry-lambda short form; API Gateway has no such field.
	ExternalID string `json:"ferryExternalId,omitempty"`
	// RequestParameters maps integration.request.* targets to method.request.*, context, stage-variable or literal sources.
	RequestParameters map[string]string `json:"requestParameters,omitempty"`
	// RequestTemplates maps a content type to a VTL template.
	RequestTemplates map[string]string `json:"requestTemplates,omitempty"`
	// PassthroughBehavior is WHEN_NO_MATCH (default), WHEN_NO_TEMPLATES or NEVER.
	PassthroughBehavior string `json:"passthroughBehavior,omitempty"`
	// ContentHandling is CONVERT_TO_BINARY, CONVERT_TO_TEXT or empty (passthrough).
	ContentHandling string `json:"contentHandling,omitempty"`
	// TimeoutInMillis bounds the backend call; 0 means 29000.
	TimeoutInMillis int `json:"timeoutInMillis,omitempty"`
	// CacheNamespace groups cache keys.
	CacheNamespace string `json:"cacheNamespace,omitempty"`
	// CacheKeyParameters lists method.request.* parameters that form the cache key.
	CacheKeyParameters []string `json:"cacheKeyParameters,omitempty"`
	// IntegrationResponses maps a status code to an integration response.
	IntegrationResponses map[string]*IntegrationResponse `json:"integrationResponses,omitempty"`
	// TLSConfig controls certificate checks toward HTTP backends.
	TLSConfig *TLSConfig `json:"tlsConfig,omitempty"`
}

// TLSConfig is an integration's TLS settings.
type TLSConfig struct {
	// InsecureSkipVerification accepts any backend certificate. Only honoured when set explicitly.
	InsecureSkipVerification bool `json:"insecureSkipVerification,omitempty"`
}

// Timeout returns the integration timeout in milliseconds, defaulting to 29000.
func (i *Integration) Timeout() int {
	if i == nil || i.TimeoutInMillis <= 0 {
		return DefaultTimeoutMillis
	}
	return i.TimeoutInMillis
}

// IntegrationResponse maps a backend answer to a method response.
type IntegrationResponse struct {
	// StatusCode is the method response status this answer becomes.
	StatusCode string `json:"statusCode"`
	// SelectionPattern is a regular expression matched against the backend status
	// (or a Lambda errorMessage); empty marks the default response.
	SelectionPattern string `json:"selectionPattern,omitempty"`
	// ResponseParameters maps method.response.header.NAME to integration.response.*, context, stage-variable or literal sources.
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	// ResponseTemplates maps a content type to a VTL template.
	ResponseTemplates map[string]string `json:"responseTemplates,omitempty"`
	// ContentHandling is CONVERT_TO_BINARY, CONVERT_TO_TEXT or empty.
	ContentHandling string `json:"contentHandling,omitempty"`
}

// Model is a JSON Schema (draft 4) for bodies.
type Model struct {
	// ID identifies the model within its API.
	ID string `json:"id"`
	// Name is how methods refer to the model.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// Schema is the JSON Schema document as a string.
	Schema string `json:"schema,omitempty"`
	// ContentType is the content type the model describes.
	ContentType string `json:"contentType,omitempty"`
}

// RequestValidator says which parts of a request to validate.
type RequestValidator struct {
	// ID identifies the validator within its API.
	ID string `json:"id"`
	// Name is how x-amazon-apigateway-request-validator refers to it.
	Name string `json:"name"`
	// ValidateRequestBody checks the body against the method's request model.
	ValidateRequestBody bool `json:"validateRequestBody"`
	// ValidateRequestParameters checks required parameters are present.
	ValidateRequestParameters bool `json:"validateRequestParameters"`
}

// GatewayResponse customizes an answer ferry itself produces (errors, throttling, ...).
type GatewayResponse struct {
	// ResponseType is DEFAULT_4XX, MISSING_AUTHENTICATION_TOKEN, INTEGRATION_TIMEOUT, ...
	ResponseType string `json:"responseType"`
	// StatusCode overrides the type's default status.
	StatusCode string `json:"statusCode,omitempty"`
	// ResponseParameters maps gatewayresponse.header.NAME to a source.
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	// ResponseTemplates maps a content type to a VTL template.
	ResponseTemplates map[string]string `json:"responseTemplates,omitempty"`
	// DefaultResponse is true when this is the built-in response, not a user's.
	DefaultResponse bool `json:"defaultResponse,omitempty"`
}

// Authorizer is a Lambda (TOKEN, REQUEST), Cognito or JWT authorizer.
type Authorizer struct {
	// ID identifies the authorizer within its API.
	ID string `json:"id"`
	// Name is how a security scheme refers to it.
	Name string `json:"name"`
	// Type is TOKEN, REQUEST, COGNITO_USER_POOLS or ferry's JWT.
	Type string `json:"type"`
	// ProviderARNs lists Cognito user pool ARNs.
	ProviderARNs []string `json:"providerARNs,omitempty"`
	// AuthType is free text ("custom", "cognito_user_pools").
	AuthType string `json:"authType,omitempty"`
	// AuthorizerURI is the Lambda invocation URI.
	AuthorizerURI string `json:"authorizerUri,omitempty"`
	// AuthorizerCredentials is the role ferry assumes to invoke the authorizer.
	AuthorizerCredentials string `json:"authorizerCredentials,omitempty"`
	// IdentitySource lists where the identity comes from, e.g. "method.request.header.Authorization".
	IdentitySource string `json:"identitySource,omitempty"`
	// IdentityValidationExpression is a regex a TOKEN identity must match.
	IdentityValidationExpression string `json:"identityValidationExpression,omitempty"`
	// AuthorizerResultTTLInSeconds caches a decision; 0 disables caching.
	AuthorizerResultTTLInSeconds *int `json:"authorizerResultTtlInSeconds,omitempty"`
	// JWT configures ferry's JWT authorizer (Type JWT).
	JWT *JWTConfig `json:"ferryJwt,omitempty"`
}

// JWTConfig configures a JWT authorizer (a ferry extension).
type JWTConfig struct {
	// Issuer is the required "iss" claim.
	Issuer string `json:"issuer"`
	// Audiences lists accepted "aud" (or Cognito "client_id") values.
	Audiences []string `json:"audiences,omitempty"`
	// JWKSURI is where the signing keys are fetched (HTTPS).
	JWKSURI string `json:"jwksUri"`
}

// FindResource returns the resource with the given path, or nil.
func (a *API) FindResource(path string) *Resource {
	for _, r := range a.Resources {
		if r.Path == path {
			return r
		}
	}
	return nil
}

// FindResourceByID returns the resource with the given id, or nil.
func (a *API) FindResourceByID(id string) *Resource {
	for _, r := range a.Resources {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Clone returns a deep copy made through JSON, the representation every copy is stored in.
func (a *API) Clone() (*API, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	var c API
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}
