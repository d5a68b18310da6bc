package model

// APIKey is a key that clients send in x-api-key.
type APIKey struct {
	// ID identifies the key.
	ID string `json:"id"`
	// Name is the key's display name.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// Enabled keys are accepted; disabled ones answer 403.
	Enabled bool `json:"enabled"`
	// Value is the secret key itself; returned only when asked for with includeValue and the secrets scope.
	Value string `json:"value,omitempty"`
	// CreatedDate is the creation time in RFC 3339.
	CreatedDate string `json:"createdDate,omitempty"`
	// StageKeys lists "API_ID/STAGE" the key is bound to (informational; usage plans govern access).
	StageKeys []string `json:"stageKeys,omitempty"`
}

// UsagePlan throttles and meters the keys bound to it on some API stages.
type UsagePlan struct {
	// ID identifies the plan.
	ID string `json:"id"`
	// Name is the plan's display name.
	Name string `json:"name"`
	// Description is free text.
	Description string `json:"description,omitempty"`
	// APIStages lists the stages the plan applies to.
	APIStages []UsagePlanStage `json:"apiStages,omitempty"`
	// Throttle is the plan-wide token bucket per key.
	Throttle *ThrottleSettings `json:"throttle,omitempty"`
	// Quota is the plan-wide request budget per key and period.
	Quota *QuotaSettings `json:"quota,omitempty"`
	// QuotaStart is when Quota came into effect, in RFC 3339 (UTC): set by
	// ferry when a plan is created with a quota or a patch adds or changes
	// it, and cleared with the quota. It marks the initial period, the one
	// in which Quota.Offset applies. API Gateway keeps this moment to
	// itself; ferry shows it, under its own prefix like its other fields
	// API Gateway has no name for, because an answer's unknown fields are
	// ignored by API Gateway's SDKs and CLI, and a client cannot see why
	// a key's first period is shorter without it. Empty on plans stored
	// before ferry recorded it: those have no initial period.
	QuotaStart string `json:"ferryQuotaStart,omitempty"`
}

// UsagePlanStage binds a plan to one API stage.
type UsagePlanStage struct {
	// APIID is the API.
	APIID string `json:"apiId"`
	// Stage is the stage name.
	Stage string `json:"stage"`
	// Throttle maps "RESOURCE_PATH/METHOD" to a method-level override.
	Throttle map[string]*ThrottleSettings `json:"throttle,omitempty"`
}

// ThrottleSettings is a token bucket.
type ThrottleSettings struct {
	// BurstLimit is the bucket's size.
	BurstLimit int `json:"burstLimit,omitempty"`
	// RateLimit is the steady requests per second.
	RateLimit float64 `json:"rateLimit,omitempty"`
}

// QuotaSettings is a request budget per period.
type QuotaSettings struct {
	// Limit is the number of requests allowed per period.
	Limit int `json:"limit"`
	// Offset is, as in API Gateway, the number of requests taken off Limit
	// in the initial period only: the calendar period that contains the
	// plan's QuotaStart, so a plan that starts mid-month can grant less for
	// the rest of that month. Every later period has the full Limit. It is
	// 0 to Limit; Limit itself leaves the initial period with no requests.
	//
	// ferry once read Offset as days that moved where each period starts.
	// A plan stored then has no QuotaStart, hence no initial period: its
	// offset is kept but has no effect, and its periods are the calendar
	// ones, until a patch of the quota records a start.
	Offset int `json:"offset,omitempty"`
	// Period is DAY, WEEK or MONTH.
	Period string `json:"period"`
}

// UsagePlanKey binds an API key to a usage plan.
type UsagePlanKey struct {
	// ID is the API key's id.
	ID string `json:"id"`
	// Type is always API_KEY.
	Type string `json:"type"`
	// Name is the API key's name.
	Name string `json:"name,omitempty"`
}
