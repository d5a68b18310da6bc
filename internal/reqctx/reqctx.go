// Package reqctx holds the per-request $context of a call: the facts API
// Gateway exposes to mapping templates, parameter mappings, authorizers and
// the Lambda proxy event's requestContext.
//
// It owns data only. The router and method-request steps fill it, mapping
// templates read it (and write the two override maps), the integration
// response step applies the overrides.
package reqctx

// Context is API Gateway's $context. JSON names are those of the proxy
// event's requestContext, so marshalling a Context gives that object.
type Context struct {
	RequestID         string `json:"requestId"`
	ExtendedRequestID string `json:"extendedRequestId"`
	APIID             string `json:"apiId"`
	Stage             string `json:"stage"`
	ResourcePath      string `json:"resourcePath"`
	ResourceID        string `json:"resourceId"`
	HTTPMethod        string `json:"httpMethod"`
	// Path is the request path as the client sent it, stage included ("/dev/pets/1").
	Path     string `json:"path"`
	Protocol string `json:"protocol"`
	// RequestTime is CLF-formatted: "22/Nov/2026:20:16:33 +0000".
	RequestTime string `json:"requestTime"`
	// RequestTimeEpoch is milliseconds since the Unix epoch.
	RequestTimeEpoch int64  `json:"requestTimeEpoch"`
	DomainName       string `json:"domainName"`
	DomainPrefix     string `json:"domainPrefix"`
	AccountID        string `json:"accountId"`

	Identity Identity `json:"identity"`

	// Authorizer holds principalId, claims and the context values an authorizer returned.
	Authorizer map[string]any `json:"authorizer,omitempty"`

	// Error is filled when a gateway response is being rendered.
	Error Error `json:"-"`

	// RequestOverride and ResponseOverride are written by mapping templates.
	RequestOverride  RequestOverride  `json:"-"`
	ResponseOverride ResponseOverride `json:"-"`
}

// Identity is $context.identity.
type Identity struct {
	SourceIP   string      `json:"sourceIp"`
	UserAgent  string      `json:"userAgent"`
	APIKey     string      `json:"apiKey,omitempty"`
	APIKeyID   string      `json:"apiKeyId,omitempty"`
	Caller     string      `json:"caller,omitempty"`
	User       string      `json:"user,omitempty"`
	UserArn    string      `json:"userArn,omitempty"`
	AccountID  string      `json:"accountId,omitempty"`
	AccessKey  string      `json:"accessKey,omitempty"`
	ClientCert *ClientCert `json:"clientCert,omitempty"`
}

// ClientCert is $context.identity.clientCert under mutual TLS.
type ClientCert struct {
	ClientCertPem string   `json:"clientCertPem"`
	SubjectDN     string   `json:"subjectDN"`
	IssuerDN      string   `json:"issuerDN"`
	SerialNumber  string   `json:"serialNumber"`
	Validity      Validity `json:"validity"`
}

// Validity is a client certificate's validity window.
type Validity struct {
	NotBefore string `json:"notBefore"`
	NotAfter  string `json:"notAfter"`
}

// Error is $context.error.
type Error struct {
	Message               string
	MessageString         string // Message as a quoted JSON string
	ResponseType          string
	ValidationErrorString string
}

// RequestOverride is $context.requestOverride: values a request template sets
// that replace the integration request's header, path and query string.
type RequestOverride struct {
	Header      map[string]string
	Path        map[string]string
	QueryString map[string]string
}

// ResponseOverride is $context.responseOverride: a response template's
// replacement status and headers for the method response.
type ResponseOverride struct {
	Header map[string]string
	Status int // 0 when not set
}
