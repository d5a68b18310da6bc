package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Validate checks the configuration after every layer is applied and
// returns all problems at once, each starting with its field path. It reads
// no files: a missing certificate is found when the listener loads it.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}

	for _, l := range []struct{ field, addr string }{{"listen", c.Listen}, {"adminListen", c.AdminListen}} {
		if err := checkAddr(l.addr); err != nil {
			bad(l.field, "%v", err)
		}
	}
	// Port 0 asks the kernel for a free port, so two ":0" addresses differ.
	if c.Listen != "" && c.Listen == c.AdminListen && !strings.HasSuffix(c.Listen, ":0") {
		bad("adminListen", "same address as listen (%s); the admin API needs its own", c.Listen)
	}
	if c.DataDir == "" {
		bad("dataDir", "empty; ferry needs a directory for its database and keys")
	}
	if err := checkStoreURL(c.Store.URL); err != nil {
		bad("store.url", "%v", err)
	}
	c.validateTokens(bad)
	if c.MasterKey.EnvKeys != "" {
		if err := checkMasterKeys(c.MasterKey.EnvKeys.Reveal()); err != nil {
			bad("masterKey (FERRY_MASTER_KEY)", "%v", err)
		}
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		bad("log.format", "%q is not text or json", c.Log.Format)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		bad("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	if err := c.AWS.Validate(); err != nil {
		// awsauth names the field inside its section; put it under aws.
		errs = append(errs, errors.New("aws."+strings.TrimPrefix(err.Error(), "awsauth: ")))
	}
	c.validateTLS(bad)
	for i, p := range c.TrustedProxies {
		if _, err := parsePrefix(p); err != nil {
			bad(fmt.Sprintf("trustedProxies[%d]", i), "%v", err)
		}
	}
	if c.DrainTimeout < 0 {
		bad("drainTimeout", "negative")
	}
	if c.Limits.MaxBodyBytes <= 0 {
		bad("limits.maxBodyBytes", "%d; want a positive number of bytes", c.Limits.MaxBodyBytes)
	}
	if c.Limits.MaxHeaderBytes <= 0 {
		bad("limits.maxHeaderBytes", "%d; want a positive number of bytes", c.Limits.MaxHeaderBytes)
	}
	if c.Limits.MaxURLBytes <= 0 {
		bad("limits.maxURLBytes", "%d; want a positive number of bytes", c.Limits.MaxURLBytes)
	}
	if c.Limits.MinBodyRate < 0 {
		bad("limits.minBodyRate", "%d; want bytes per second, or 0 to turn the rate check off", c.Limits.MinBodyRate)
	}
	if c.Limits.ConnRate < 0 || c.Limits.ConnBurst < 0 {
		bad("limits.connRate", "negative rate or burst")
	}
	for _, t := range []struct {
		field string
		v     int64
	}{
		{"limits.readHeaderTimeout", int64(c.Limits.ReadHeaderTimeout)},
		{"limits.readTimeout", int64(c.Limits.ReadTimeout)},
		{"limits.writeTimeout", int64(c.Limits.WriteTimeout)},
		{"limits.idleTimeout", int64(c.Limits.IdleTimeout)},
	} {
		if t.v < 0 {
			bad(t.field, "negative")
		}
	}
	if fi := c.UsagePlans.FlushInterval; fi < MinFlushInterval || fi > MaxFlushInterval {
		bad("usagePlans.flushInterval", "%s; want a duration from %s to %s", fi, MinFlushInterval, MaxFlushInterval)
	}
	return errors.Join(errs...)
}

func checkAddr(addr string) error {
	if addr == "" {
		return errors.New("empty; want HOST:PORT")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not HOST:PORT", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", addr, port)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q: bad host %q", addr, host)
	}
	return nil
}

// checkStoreURL never quotes the URL: a database URL can carry a password.
func checkStoreURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return errors.New("not a URL; leave it empty to use SQLite in dataDir")
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		return errors.New("PostgreSQL is not supported by this version of ferry yet; leave it empty to use SQLite in dataDir")
	}
	return fmt.Errorf("unsupported scheme %q; leave it empty to use SQLite in dataDir", u.Scheme)
}

func (c *Config) validateTokens(bad func(field, format string, args ...any)) {
	names := map[string]int{}
	for i, t := range c.AdminTokens {
		field := fmt.Sprintf("adminTokens[%d]", i)
		if t.Name == "" {
			bad(field+".name", "empty; name the token so logs can say which one was used")
		} else if j, dup := names[t.Name]; dup {
			bad(field+".name", "%q is also the name of adminTokens[%d]", t.Name, j)
		} else {
			names[t.Name] = i
		}
		switch {
		case t.Token == "" && t.TokenFile == "":
			bad(field, "set token or tokenFile")
		case t.Token != "" && t.TokenFile != "":
			bad(field, "set token or tokenFile, not both")
		case t.Token != "" && strings.TrimSpace(t.Token.Reveal()) != t.Token.Reveal():
			bad(field+".token", "has leading or trailing whitespace")
		}
		if len(t.Scopes) == 0 {
			bad(field+".scopes", "empty; give at least one of %s", strings.Join(AllScopes, ", "))
		}
		for j, s := range t.Scopes {
			if !slices.Contains(AllScopes, s) {
				bad(fmt.Sprintf("%s.scopes[%d]", field, j), "%q is not one of %s", s, strings.Join(AllScopes, ", "))
			}
		}
	}
}

// checkMasterKeys checks the shape of FERRY_MASTER_KEY without saying
// anything about the keys' content.
func checkMasterKeys(s string) error {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(p))
		if err != nil || len(k) != 32 {
			return fmt.Errorf("key %d of %d is not the base64 of 32 bytes (make one with: head -c 32 /dev/urandom | base64)", i+1, len(parts))
		}
	}
	return nil
}

func (c *Config) validateTLS(bad func(field, format string, args ...any)) {
	pair := func(field, cert, key string) {
		if (cert == "") != (key == "") {
			bad(field, "cert and key go together; one is missing")
		}
	}
	pair("tls", c.TLS.Cert, c.TLS.Key)
	if c.TLS.ClientCA != "" && c.TLS.Cert == "" && len(c.TLS.Domains) == 0 {
		bad("tls.clientCA", "set without a certificate; mutual TLS needs tls.cert and tls.key")
	}
	seen := map[string]int{}
	for i, d := range c.TLS.Domains {
		field := fmt.Sprintf("tls.domains[%d]", i)
		name := strings.ToLower(d.DomainName)
		if err := checkDomain(name); err != nil {
			bad(field+".domainName", "%v", err)
		} else if j, dup := seen[name]; dup {
			bad(field+".domainName", "%q is also tls.domains[%d]", name, j)
		} else {
			seen[name] = i
		}
		if d.Cert == "" || d.Key == "" {
			bad(field, "cert and key are both required")
		}
	}
}

func checkDomain(name string) error {
	if name == "" {
		return errors.New("empty")
	}
	labels := strings.Split(strings.TrimPrefix(name, "*."), ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is not a fully qualified host name", name)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") ||
			strings.IndexFunc(l, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }) >= 0 {
			return fmt.Errorf("%q is not a valid host name (wildcards only as a leading *.)", name)
		}
	}
	return nil
}

// parsePrefix accepts a CIDR or a single address (as a one-address prefix).
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or fd00::/8", s)
		}
		if p != p.Masked() {
			return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %s?", s, p.Masked())
		}
		return p, nil
	}
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither a CIDR nor an IP address", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// TrustedProxyPrefixes returns TrustedProxies parsed; call it after Validate.
func (c *Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(c.TrustedProxies))
	for i, s := range c.TrustedProxies {
		p, err := parsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trustedProxies[%d]: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}
