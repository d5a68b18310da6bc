package awsauth

import (
	"fmt"
	"regexp"
	"time"
)

var accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// Config is the AWS section of ferry's configuration.
type Config struct {
	// Region is the region used for STS and for AWS integrations whose URI
	// names none. Empty means the SDK's (AWS_REGION, shared config).
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// AccountID is the AWS account ferry serves APIs as: $context.accountId,
	// the account in execute-api ARNs of resource policies and authorizer
	// method ARNs. Empty leaves $context.accountId empty.
	AccountID string `json:"accountId,omitempty" yaml:"accountId,omitempty"`
	// Endpoints overrides the endpoint of single services, keyed by the
	// service as AWS integration URIs name it ("sns", "dynamodb", "states")
	// or by its SDK service id ("SFN", "CloudWatch Logs"): like
	// AWS_ENDPOINT_URL_<SERVICE_ID>, which takes precedence.
	Endpoints map[string]string `json:"endpoints,omitempty" yaml:"endpoints,omitempty"`
	// EndpointURL overrides the endpoint of every service without its own
	// override, like AWS_ENDPOINT_URL (which takes precedence).
	EndpointURL string `json:"endpointURL,omitempty" yaml:"endpointURL,omitempty"`
	// Roles configures how IAM roles named by integrations are assumed.
	// A role an integration names that is not listed here is assumed with
	// no external id, session name "ferry" and a one-hour duration.
	Roles []RoleConfig `json:"roles,omitempty" yaml:"roles,omitempty"`
}

// RoleConfig says how to assume one IAM role.
type RoleConfig struct {
	// ARN is the role, arn:PARTITION:iam::ACCOUNT:role/NAME.
	ARN string `json:"arn" yaml:"arn"`
	// ExternalID is passed to AssumeRole when the role's trust policy asks
	// for one.
	ExternalID string `json:"externalId,omitempty" yaml:"externalId,omitempty"`
	// SessionName names the session in CloudTrail; empty means "ferry".
	SessionName string `json:"sessionName,omitempty" yaml:"sessionName,omitempty"`
	// DurationSeconds is the session's lifetime, 900 to 43200; 0 means 3600.
	DurationSeconds int `json:"durationSeconds,omitempty" yaml:"durationSeconds,omitempty"`
	// SourceCredentials are the credentials that call AssumeRole: empty for
	// the SDK's default chain, or "kvm:MAP/ENTRY" in the global scope.
	SourceCredentials string `json:"sourceCredentials,omitempty" yaml:"sourceCredentials,omitempty"`
}

const (
	defaultSessionName = "ferry"
	defaultDuration    = time.Hour
)

// String leaves the external id out: it is a shared secret between the
// role's owner and ferry.
func (r RoleConfig) String() string {
	return fmt.Sprintf("RoleConfig{ARN: %s, SessionName: %q, DurationSeconds: %d, SourceCredentials: %q}",
		r.ARN, r.SessionName, r.DurationSeconds, r.SourceCredentials)
}

// Validate reports every problem of the config, each naming its field.
func (c Config) Validate() error {
	if c.AccountID != "" && !accountIDRE.MatchString(c.AccountID) {
		return fmt.Errorf("awsauth: accountId %q is not 12 digits", c.AccountID)
	}
	for svc, u := range c.Endpoints {
		if err := checkEndpointURL(u); err != nil {
			return fmt.Errorf("awsauth: endpoints.%s: %w", svc, err)
		}
	}
	if c.EndpointURL != "" {
		if err := checkEndpointURL(c.EndpointURL); err != nil {
			return fmt.Errorf("awsauth: endpointURL: %w", err)
		}
	}
	seen := map[string]bool{}
	for i, r := range c.Roles {
		where := fmt.Sprintf("awsauth: roles[%d]", i)
		if _, err := ParseRoleARN(r.ARN); err != nil {
			return fmt.Errorf("%s.arn: %w", where, err)
		}
		if seen[r.ARN] {
			return fmt.Errorf("%s.arn: role %s is listed twice", where, r.ARN)
		}
		seen[r.ARN] = true
		if r.DurationSeconds != 0 && (r.DurationSeconds < 900 || r.DurationSeconds > 43200) {
			return fmt.Errorf("%s.durationSeconds: %d is outside 900..43200", where, r.DurationSeconds)
		}
		if n := len(r.SessionName); n != 0 && (n < 2 || n > 64) {
			return fmt.Errorf("%s.sessionName: %d characters, want 2..64", where, n)
		}
		if r.SourceCredentials != "" {
			if _, err := ParseKVMRef(r.SourceCredentials); err != nil {
				return fmt.Errorf("%s.sourceCredentials: %w", where, err)
			}
		}
	}
	return nil
}
