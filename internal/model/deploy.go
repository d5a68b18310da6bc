package model

// Deployment is an immutable snapshot of an API.
type Deployment struct {
	// ID identifies the deployment within its API.
	ID string `json:"id"`
	// APIID is the API the snapshot was taken of.
	APIID string `json:"ferryApiId,omitempty"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// CreatedDate is the creation time in RFC 3339.
	CreatedDate string `json:"createdDate"`
	// Snapshot is the API exactly as it was when deployed. Omitted from listings.
	Snapshot *API `json:"ferrySnapshot,omitempty"`
}

// Stage points at one deployment and holds stage variables.
type Stage struct {
	// APIID is the API the stage belongs to.
	APIID string `json:"ferryApiId,omitempty"`
	// StageName is the first path segment of the stage's URLs.
	StageName string `json:"stageName"`
	// DeploymentID is the deployment the stage serves.
	DeploymentID string `json:"deploymentId"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// Variables are the stage variables ($stageVariables).
	Variables map[string]string `json:"variables,omitempty"`
	// MethodSettings maps "RESOURCE_PATH/METHOD" (or "*/*") to per-method settings.
	MethodSettings map[string]*MethodSetting `json:"methodSettings,omitempty"`
	// CreatedDate is the creation time in RFC 3339.
	CreatedDate string `json:"createdDate,omitempty"`
	// LastUpdatedDate is the last change in RFC 3339.
	LastUpdatedDate string `json:"lastUpdatedDate,omitempty"`
	// Offline answers every request with a 503 gateway response while keeping the configuration.
	Offline bool `json:"ferryOffline,omitempty"`
}

// MethodSetting holds per-method stage settings.
type MethodSetting struct {
	// ThrottlingBurstLimit is the token bucket's size.
	ThrottlingBurstLimit int `json:"throttlingBurstLimit,omitempty"`
	// ThrottlingRateLimit is requests per second.
	ThrottlingRateLimit float64 `json:"throttlingRateLimit,omitempty"`
	// LoggingLevel is OFF, ERROR or INFO.
	LoggingLevel string `json:"loggingLevel,omitempty"`
	// DataTraceEnabled logs full requests and responses.
	DataTraceEnabled bool `json:"dataTraceEnabled,omitempty"`
	// MetricsEnabled turns on per-method metrics.
	MetricsEnabled bool `json:"metricsEnabled,omitempty"`
}

// DomainName is a custom domain name served by ferry.
type DomainName struct {
	// DomainName is the host name, e.g. "api.example.com".
	DomainName string `json:"domainName"`
	// CreatedDate is the creation time in RFC 3339.
	CreatedDate string `json:"createdDate,omitempty"`
}

// BasePathMapping maps a base path of a domain to an API stage.
type BasePathMapping struct {
	// DomainName is the custom domain.
	DomainName string `json:"ferryDomainName,omitempty"`
	// BasePath is the first path segment, or "(none)" for the whole domain.
	BasePath string `json:"basePath"`
	// RestAPIID is the API served there.
	RestAPIID string `json:"restApiId"`
	// Stage is the stage served there.
	Stage string `json:"stage"`
}
