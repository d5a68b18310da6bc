package config

import (
	"path/filepath"
	"time"

	"github.com/ferrygw/ferry/internal/awsauth"
)

// Config is the whole of ferry.yaml.
type Config struct {
	// Listen is the address the gateway serves APIs on, HOST:PORT.
	Listen string `yaml:"listen"`
	// AdminListen is the address of the admin API, HOST:PORT. Keep it on a
	// loopback or private address: it can change every API.
	AdminListen string `yaml:"adminListen"`
	// DataDir holds the SQLite database, the master key files and the
	// generated admin token. Relative paths in the file are taken from the
	// file's directory.
	DataDir string `yaml:"dataDir" ferry:"path"`
	// Store selects the control-plane database.
	Store StoreConfig `yaml:"store"`
	// AdminTokens are the bearer tokens the admin API accepts. When none is
	// configured (here or in FERRY_ADMIN_TOKEN) serve generates one into
	// DataDir.
	AdminTokens []AdminToken `yaml:"adminTokens"`
	// MasterKey says where the key that seals key-value map secrets comes from.
	MasterKey MasterKeyConfig `yaml:"masterKey"`
	// Log configures ferry's own log.
	Log LogConfig `yaml:"log"`
	// AWS configures the region, endpoint overrides and assumed roles used
	// by AWS integrations.
	AWS awsauth.Config `yaml:"aws"`
	// TLS makes Listen serve HTTPS, optionally with client certificates.
	TLS TLSConfig `yaml:"tls"`
	// TrustedProxies lists the CIDRs (or single addresses) of proxies whose
	// X-Forwarded-For is believed when computing $context.identity.sourceIp.
	// Empty trusts no one: the peer address is the source.
	TrustedProxies []string `yaml:"trustedProxies"`
	// DrainTimeout is how long a shutdown waits for requests in flight
	// before closing their connections.
	DrainTimeout time.Duration `yaml:"drainTimeout"`
	// Limits bounds what one client can make the gateway hold.
	Limits Limits `yaml:"limits"`
	// UsagePlans configures how usage-plan quota counts are kept.
	UsagePlans UsagePlansConfig `yaml:"usagePlans"`
}

// UsagePlansConfig configures how usage-plan quota and usage counts are kept.
type UsagePlansConfig struct {
	// FlushInterval is how often the quota and usage counts that changed
	// are written to the database, so that a restart keeps them; they are
	// also written on shutdown. A crash loses at most this interval's
	// counts. Shorter costs more writes; requests never wait for them.
	FlushInterval time.Duration `yaml:"flushInterval"`
}

// StoreConfig selects the control-plane database.
type StoreConfig struct {
	// URL is empty for SQLite in DataDir (ferry.db). postgres:// URLs are
	// reserved for the PostgreSQL backend and rejected until it ships.
	URL string `yaml:"url"`
}

// Admin token scopes.
const (
	// ScopeRead allows every GET of the admin API except secret values.
	ScopeRead = "read"
	// ScopeWrite allows changes: imports, deployments, stages, keys, maps.
	ScopeWrite = "write"
	// ScopeSecrets allows reading secret values (API key values, unencrypted map entries).
	ScopeSecrets = "secrets"
)

// AllScopes is every scope, the grant of FERRY_ADMIN_TOKEN.
var AllScopes = []string{ScopeRead, ScopeWrite, ScopeSecrets}

// AdminToken is one bearer token of the admin API.
type AdminToken struct {
	// Name identifies the token in logs (the token itself never appears).
	Name string `yaml:"name"`
	// Token is the secret inline. Prefer TokenFile, which keeps it out of
	// the configuration file.
	Token Secret `yaml:"token"`
	// TokenFile is a file whose content (surrounding whitespace trimmed) is
	// the token.
	TokenFile string `yaml:"tokenFile" ferry:"path"`
	// Scopes lists what the token may do: read, write, secrets.
	Scopes []string `yaml:"scopes"`
}

// MasterKeyConfig says where master keys come from. With nothing set, ferry
// generates a key into DataDir (master.keys, mode 0600) on first start.
type MasterKeyConfig struct {
	// KMSKeyID makes new master keys AWS KMS data keys of this KMS key (id,
	// ARN or alias), so master.keys holds them encrypted by KMS.
	KMSKeyID string `yaml:"kmsKeyId"`
	// EnvKeys is FERRY_MASTER_KEY: base64 of 32 bytes, or several such keys
	// separated by commas (the first seals, the rest only open). It can only
	// come from the environment: a key in the file would sit next to what it
	// protects.
	EnvKeys Secret `yaml:"-"`
}

// LogConfig configures ferry's own log.
type LogConfig struct {
	// Format is text (key=value lines) or json (one object per line).
	Format string `yaml:"format"`
	// Level is the least severe level written: debug, info, warn or error.
	Level string `yaml:"level"`
}

// TLSConfig makes the gateway listener serve HTTPS.
type TLSConfig struct {
	// Cert is the PEM certificate chain served when no domain entry matches
	// the client's server name.
	Cert string `yaml:"cert" ferry:"path"`
	// Key is Cert's PEM private key.
	Key string `yaml:"key" ferry:"path"`
	// ClientCA, when set, turns on mutual TLS: clients must present a
	// certificate issued by one of these PEM CA certificates.
	ClientCA string `yaml:"clientCA" ferry:"path"`
	// Domains are per-domain certificates chosen by the client's server name (SNI).
	Domains []TLSDomain `yaml:"domains"`
}

// TLSDomain is the certificate of one custom domain name.
type TLSDomain struct {
	// DomainName is the host name, e.g. api.example.com, or a wildcard *.example.com.
	DomainName string `yaml:"domainName"`
	// Cert is the PEM certificate chain for the domain.
	Cert string `yaml:"cert" ferry:"path"`
	// Key is Cert's PEM private key.
	Key string `yaml:"key" ferry:"path"`
	// ClientCA, when set, requires client certificates from these CAs on
	// this domain (API Gateway's mutual TLS truststore).
	ClientCA string `yaml:"clientCA" ferry:"path"`
}

// Limits bounds what one client can make the gateway hold. A zero timeout
// means no limit.
type Limits struct {
	// MaxBodyBytes is the largest request body accepted; larger ones get 413.
	MaxBodyBytes int64 `yaml:"maxBodyBytes"`
	// MaxHeaderBytes is the largest request head (request line and headers).
	MaxHeaderBytes int `yaml:"maxHeaderBytes"`
	// ReadHeaderTimeout bounds reading the request head (and the TLS
	// handshake). 0: ReadTimeout stands in.
	ReadHeaderTimeout time.Duration `yaml:"readHeaderTimeout"`
	// ReadTimeout bounds each wait for the request body: a client that
	// sends no body byte for this long is cut off (408 where ferry reads
	// the body itself). Only time spent waiting for the client counts, so a body that arrives within
	// ReadTimeout is always accepted, and a larger one may take as long as
	// it keeps MinBodyRate. 0: no bound.
	ReadTimeout time.Duration `yaml:"readTimeout"`
	// WriteTimeout bounds the time from the end of the request (its head,
	// or its body once read) to the first byte of the response, which
	// includes waiting for the backend, and then each wait for the client
	// to take the response: a client that takes nothing for this long, or
	// less than MinBodyRate on average, is cut off. A streaming backend's
	// pauses do not count. Keep it above the longest integration timeout
	// (29s). 0: no bound.
	WriteTimeout time.Duration `yaml:"writeTimeout"`
	// MinBodyRate is the least average rate, in bytes per second, at which
	// a client must send its request body and take the response, once
	// ReadTimeout (WriteTimeout) of waiting on it has passed; only time
	// spent waiting on the client counts. 0 turns the rate check off.
	MinBodyRate int64 `yaml:"minBodyRate"`
	// IdleTimeout closes keep-alive connections idle this long. 0:
	// ReadTimeout stands in.
	IdleTimeout time.Duration `yaml:"idleTimeout"`
	// MaxURLBytes is the longest request target (path and query) accepted;
	// longer ones get 414.
	MaxURLBytes int `yaml:"maxURLBytes"`
	// ConnRate is the steady number of requests per second one connection
	// may send (a token bucket of ConnBurst); more get 429. 0: no limit.
	ConnRate float64 `yaml:"connRate"`
	// ConnBurst is the bucket size of ConnRate; 0 means the rate rounded up.
	ConnBurst int `yaml:"connBurst"`
}

// Defaults, as documented in README.md.
const (
	DefaultListen            = "127.0.0.1:8080"
	DefaultAdminListen       = "127.0.0.1:9090"
	DefaultDataDir           = "./ferry-data"
	DefaultDrainTimeout      = 25 * time.Second
	DefaultMaxBodyBytes      = 10485760
	DefaultMaxHeaderBytes    = 1 << 20
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultMinBodyRate       = 1024
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxURLBytes       = 8192
	DefaultFlushInterval     = 5 * time.Second
)

// Bounds of UsagePlans.FlushInterval: more often than MinFlushInterval
// the database writes would rival the traffic they count, and past
// MaxFlushInterval a crash would lose more than an hour of counts.
const (
	MinFlushInterval = 100 * time.Millisecond
	MaxFlushInterval = time.Hour
)

// SQLiteFile is the database's file name inside DataDir.
const SQLiteFile = "ferry.db"

// Default returns the configuration ferry runs with when given none.
func Default() *Config {
	return &Config{
		Listen:       DefaultListen,
		AdminListen:  DefaultAdminListen,
		DataDir:      DefaultDataDir,
		Log:          LogConfig{Format: "text", Level: "info"},
		DrainTimeout: DefaultDrainTimeout,
		Limits: Limits{
			MaxBodyBytes:      DefaultMaxBodyBytes,
			MaxHeaderBytes:    DefaultMaxHeaderBytes,
			ReadHeaderTimeout: DefaultReadHeaderTimeout,
			ReadTimeout:       DefaultReadTimeout,
			WriteTimeout:      DefaultWriteTimeout,
			MinBodyRate:       DefaultMinBodyRate,
			IdleTimeout:       DefaultIdleTimeout,
			MaxURLBytes:       DefaultMaxURLBytes,
		},
		UsagePlans: UsagePlansConfig{FlushInterval: DefaultFlushInterval},
	}
}

// SQLitePath is the database file used when Store.URL is empty.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, SQLiteFile) }
