package gatewayresponse

import "net/http"

// Type is an API Gateway gateway response type.
type Type string

// The gateway response types of API Gateway REST APIs.
const (
	AccessDenied               Type = "ACCESS_DENIED"
	APIConfigurationError      Type = "API_CONFIGURATION_ERROR"
	AuthorizerConfigError      Type = "AUTHORIZER_CONFIGURATION_ERROR"
	AuthorizerFailure          Type = "AUTHORIZER_FAILURE"
	BadRequestParameters       Type = "BAD_REQUEST_PARAMETERS"
	BadRequestBody             Type = "BAD_REQUEST_BODY"
	Default4XX                 Type = "DEFAULT_4XX"
	Default5XX                 Type = "DEFAULT_5XX"
	ExpiredToken               Type = "EXPIRED_TOKEN"
	IntegrationFailure         Type = "INTEGRATION_FAILURE"
	IntegrationTimeout         Type = "INTEGRATION_TIMEOUT"
	InvalidAPIKey              Type = "INVALID_API_KEY"
	InvalidSignature           Type = "INVALID_SIGNATURE"
	MissingAuthenticationToken Type = "MISSING_AUTHENTICATION_TOKEN"
	QuotaExceeded              Type = "QUOTA_EXCEEDED"
	RequestTooLarge            Type = "REQUEST_TOO_LARGE"
	ResourceNotFound           Type = "RESOURCE_NOT_FOUND"
	Throttled                  Type = "THROTTLED"
	Unauthorized               Type = "UNAUTHORIZED"
	UnsupportedMediaType       Type = "UNSUPPORTED_MEDIA_TYPE"
	WAFFiltered                Type = "WAF_FILTERED"
)

type typeInfo struct {
	status  int
	message string
	// spaced marks the errors raised behind the front door, whose default
	// body has a space after "message": (see defaultBody).
	spaced bool
}

// builtin holds each type's default status and the message API Gateway
// answers with when nothing more specific is known.
var builtin = map[Type]typeInfo{
	AccessDenied:               {http.StatusForbidden, "User is not authorized to access this resource", false},
	APIConfigurationError:      {http.StatusInternalServerError, "Internal server error", true},
	AuthorizerConfigError:      {http.StatusInternalServerError, "", false},
	AuthorizerFailure:          {http.StatusInternalServerError, "Internal server error", true},
	BadRequestParameters:       {http.StatusBadRequest, "Missing required request parameters", true},
	BadRequestBody:             {http.StatusBadRequest, "Invalid request body", true},
	Default4XX:                 {0, "Bad Request", false},
	Default5XX:                 {0, "Internal server error", true},
	ExpiredToken:               {http.StatusForbidden, "The security token included in the request is expired", false},
	IntegrationFailure:         {http.StatusGatewayTimeout, "Internal server error", true},
	IntegrationTimeout:         {http.StatusGatewayTimeout, "Endpoint request timed out", true},
	InvalidAPIKey:              {http.StatusForbidden, "Forbidden", false},
	InvalidSignature:           {http.StatusForbidden, "The request signature we calculated does not match the signature you provided", false},
	MissingAuthenticationToken: {http.StatusForbidden, "Missing Authentication Token", false},
	QuotaExceeded:              {http.StatusTooManyRequests, "Limit Exceeded", false},
	RequestTooLarge:            {http.StatusRequestEntityTooLarge, "Request Too Long", false},
	ResourceNotFound:           {http.StatusNotFound, "Not Found", false},
	Throttled:                  {http.StatusTooManyRequests, "Too Many Requests", false},
	Unauthorized:               {http.StatusUnauthorized, "Unauthorized", false},
	UnsupportedMediaType:       {http.StatusUnsupportedMediaType, "Unsupported Media Type", true},
	WAFFiltered:                {http.StatusForbidden, "Forbidden", false},
}

// Types lists every gateway response type ferry knows.
func Types() []Type {
	out := make([]Type, 0, len(builtin))
	for t := range builtin {
		out = append(out, t)
	}
	return out
}

// Known reports whether t is a gateway response type.
func (t Type) Known() bool { _, ok := builtin[t]; return ok }

// DefaultStatus is the type's status when the API does not customize it.
// DEFAULT_4XX and DEFAULT_5XX have none of their own: 400 and 500 stand in.
func (t Type) DefaultStatus() int {
	switch t {
	case Default4XX:
		return http.StatusBadRequest
	case Default5XX:
		return http.StatusInternalServerError
	}
	if i, ok := builtin[t]; ok {
		return i.status
	}
	return http.StatusInternalServerError
}

// DefaultMessage is the type's default client-safe message.
func (t Type) DefaultMessage() string {
	if i, ok := builtin[t]; ok {
		return i.message
	}
	return "Internal server error"
}

// errorTypes are the x-amzn-ErrorType values API Gateway sends with some
// gateway responses; clients and SDKs branch on them. Types missing here
// send none.
var errorTypes = map[Type]string{
	MissingAuthenticationToken: "MissingAuthenticationTokenException",
	InvalidSignature:           "InvalidSignatureException",
	AccessDenied:               "AccessDeniedException",
	Unauthorized:               "UnauthorizedException",
	AuthorizerConfigError:      "AuthorizerConfigurationException",
	BadRequestBody:             "BadRequestException",
	BadRequestParameters:       "BadRequestException",
}

// ErrorType is the x-amzn-ErrorType header of t, "" when API Gateway sends none.
func (t Type) ErrorType() string { return errorTypes[t] }
