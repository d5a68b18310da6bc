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
	// Offset shifts where each period starts: days after Sunday (0-6) for
	// WEEK, days after the 1st (0-27) for MONTH, 0 for DAY.
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
