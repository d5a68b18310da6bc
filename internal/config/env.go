package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EnvVar is one FERRY_* variable that overrides the file.
type EnvVar struct {
	// Name is the variable, e.g. FERRY_LISTEN.
	Name string
	// Field is the ferry.yaml field it overrides.
	Field string
	// Doc says what it does, for help texts and README.md.
	Doc string
	// apply sets the field from a non-empty value.
	apply func(c *Config, v string) error
}

// EnvVars lists every variable ApplyEnv reads, in the order README.md documents them.
var EnvVars = []EnvVar{
	{"FERRY_LISTEN", "listen", "gateway address, HOST:PORT",
		func(c *Config, v string) error { c.Listen = v; return nil }},
	{"FERRY_ADMIN_LISTEN", "adminListen", "admin API address, HOST:PORT",
		func(c *Config, v string) error { c.AdminListen = v; return nil }},
	{"FERRY_DATA_DIR", "dataDir", "data directory",
		func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"FERRY_STORE_URL", "store.url", "control-plane database URL (empty: SQLite in the data directory)",
		func(c *Config, v string) error { c.Store.URL = v; return nil }},
	{"FERRY_LOG_FORMAT", "log.format", "text or json",
		func(c *Config, v string) error { c.Log.Format = v; return nil }},
	{"FERRY_LOG_LEVEL", "log.level", "debug, info, warn or error",
		func(c *Config, v string) error { c.Log.Level = v; return nil }},
	{"FERRY_ADMIN_TOKEN", "adminTokens", "one more admin token, with every scope, named FERRY_ADMIN_TOKEN",
		func(c *Config, v string) error {
			c.AdminTokens = append(c.AdminTokens, AdminToken{Name: "FERRY_ADMIN_TOKEN", Token: Secret(v), Scopes: append([]string(nil), AllScopes...)})
			return nil
		}},
	{"FERRY_MASTER_KEY", "(environment only)", "master key: base64 of 32 bytes; several comma-separated to rotate (the first seals)",
		func(c *Config, v string) error { c.MasterKey.EnvKeys = Secret(v); return nil }},
	{"FERRY_KMS_KEY_ID", "masterKey.kmsKeyId", "AWS KMS key that wraps generated master keys",
		func(c *Config, v string) error { c.MasterKey.KMSKeyID = v; return nil }},
	{"FERRY_AWS_REGION", "aws.region", "default AWS region",
		func(c *Config, v string) error { c.AWS.Region = v; return nil }},
	{"FERRY_AWS_ACCOUNT_ID", "aws.accountId", "AWS account id ferry serves APIs as ($context.accountId)",
		func(c *Config, v string) error { c.AWS.AccountID = v; return nil }},
	{"FERRY_TLS_CERT", "tls.cert", "PEM certificate chain of the gateway listener",
		func(c *Config, v string) error { c.TLS.Cert = v; return nil }},
	{"FERRY_TLS_KEY", "tls.key", "PEM private key of tls.cert",
		func(c *Config, v string) error { c.TLS.Key = v; return nil }},
	{"FERRY_TLS_CLIENT_CA", "tls.clientCA", "PEM CA certificates that client certificates must chain to",
		func(c *Config, v string) error { c.TLS.ClientCA = v; return nil }},
	{"FERRY_TRUSTED_PROXIES", "trustedProxies", "comma-separated CIDRs or addresses (replaces the file's list)",
		func(c *Config, v string) error {
			var list []string
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					list = append(list, p)
				}
			}
			c.TrustedProxies = list
			return nil
		}},
	{"FERRY_DRAIN_TIMEOUT", "drainTimeout", "shutdown grace period, a duration such as 25s",
		func(c *Config, v string) error { return setDuration(&c.DrainTimeout, v) }},
	{"FERRY_MAX_BODY_BYTES", "limits.maxBodyBytes", "largest request body, in bytes",
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number of bytes", v)
			}
			c.Limits.MaxBodyBytes = n
			return nil
		}},
	{"FERRY_LIMITS_MIN_BODY_RATE", "limits.minBodyRate", "least average body rate of a client, in bytes per second; 0 turns the check off",
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number of bytes per second", v)
			}
			c.Limits.MinBodyRate = n
			return nil
		}},
	{"FERRY_USAGE_PLANS_FLUSH_INTERVAL", "usagePlans.flushInterval", "how often changed quota counts are written to the database, a duration such as 5s",
		func(c *Config, v string) error { return setDuration(&c.UsagePlans.FlushInterval, v) }},
}

func setDuration(d *time.Duration, v string) error {
	x, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 25s or 1m30s", v)
	}
	*d = x
	return nil
}

// ApplyEnv overrides the configuration with the FERRY_* variables that are
// set and not empty (see EnvVars). getenv is os.Getenv in production; tests
// pass a map's lookup. Every malformed variable is reported, by name; values
// of secret variables are never quoted.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	var errs []error
	for _, e := range EnvVars {
		v := getenv(e.Name)
		if v == "" {
			continue
		}
		if err := e.apply(c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.Name, err))
		}
	}
	return errors.Join(errs...)
}
