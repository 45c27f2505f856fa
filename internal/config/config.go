package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/password"
)

// Config is the effective configuration.
type Config struct {
	DataDir string
	Listen  string

	TLSListen     string
	TLSCert       string
	TLSKey        string
	TLSSelfSigned bool
	UnixSocket    string

	// MetricsListen is the address of a separate listener for GET /metrics;
	// empty serves /metrics on the main listeners.
	MetricsListen string

	// InsecureKeyPolicy is "revoke" or "reject" (api-keys.md 12).
	InsecureKeyPolicy string
	// Pepper is KEYWARD_PEPPER; never a flag. Empty: the pepper file.
	Pepper    string
	LogFormat string
	LogLevel  slog.Level

	TrustedProxies []netip.Prefix
	// AllowedOrigins are browser origins ("https://host[:port]"), besides
	// the server's own, whose pages may open WebSockets (protocol.md 1.1).
	AllowedOrigins []string
	// AuthTimeout closes a connection that has not logged in this long
	// after it opened; zero never does.
	AuthTimeout time.Duration
	// MaxUnauthenticatedPerAddress caps the connections of one client
	// address that have not logged in (rate_limit_exempt addresses and
	// the unix socket excepted); zero means no cap.
	MaxUnauthenticatedPerAddress int

	RateLimitCalls  int
	RateLimitWindow time.Duration
	RateLimitDelay  Range
	RateLimitExempt []netip.Prefix

	Timezone string

	LoginFailDelay     Range
	Argon2             password.Params
	SessionMaxAge      time.Duration
	SessionIdleTimeout time.Duration
	AuditRetention     time.Duration

	AdminUsername     string
	AdminPasswordFile string

	// Database is where the data lives: empty for SQLite at
	// <data_dir>/keyward.db, else a postgres:// or postgresql:// URL
	// (cluster.md 1). It may hold a password: show it only through
	// MaskedDatabase.
	Database string
	// NodeName names this node in sessions, audit records, logs and
	// metrics; empty means the default, see Node.
	NodeName string
	// RevocationMaxLag is the longest a node may go without confirming
	// that it has seen every committed change (cluster.md 4).
	RevocationMaxLag time.Duration

	// SCRAMIterations is the PBKDF2 count of SCRAM verifiers made from now
	// on (scram.md 9.3).
	SCRAMIterations int
	// SCRAMBindingCert is the PEM file of the certificate a trusted TLS
	// proxy presents: SCRAM channel binding through it (scram.md 9.8).
	SCRAMBindingCert string

	// File is the config file the settings were read from, if any.
	File    string
	sources map[string]string // option name → FromFile, FromEnv or FromFlag
}

// Range is a duration range "<min>-<max>", or a single duration.
type Range struct{ Min, Max time.Duration }

// String formats r as it is written in settings.
func (r Range) String() string {
	if r.Min == r.Max {
		return r.Min.String()
	}
	return r.Min.String() + "-" + r.Max.String()
}

// Default returns the configuration with every default of the spec.
func Default() *Config {
	return &Config{
		DataDir:           "keyward-data",
		Listen:            "127.0.0.1:6000",
		LogFormat:         "text",
		LogLevel:          slog.LevelInfo,
		RateLimitCalls:    20,
		RateLimitWindow:   60 * time.Second,
		RateLimitDelay:    Range{time.Second, 10 * time.Second},
		RateLimitExempt:   []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		LoginFailDelay:    Range{time.Second, 2 * time.Second},
		InsecureKeyPolicy: "revoke",
		Argon2:            password.DefaultParams,
		SessionMaxAge:     720 * time.Hour,
		AuditRetention:    168 * time.Hour,

		AuthTimeout:                  60 * time.Second,
		MaxUnauthenticatedPerAddress: 64,
		RevocationMaxLag:             DefaultRevocationMaxLag,
		SCRAMIterations:              DefaultSCRAMIterations,
	}
}

// Validate checks the settings together; each error names its option.
func (c *Config) Validate() error {
	switch {
	case c.DataDir == "":
		return fmt.Errorf("data_dir: must not be empty")
	case c.Listen == "":
		return fmt.Errorf("listen: must not be empty")
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("log_format: %q is not text or json", c.LogFormat)
	case c.RateLimitCalls < 0:
		return fmt.Errorf("rate_limit_calls: must be 0 (off) or more")
	case c.RateLimitCalls > 0 && c.RateLimitWindow <= 0:
		return fmt.Errorf("rate_limit_window: must be positive")
	case c.RateLimitDelay.Min < 0 || c.RateLimitDelay.Max < c.RateLimitDelay.Min:
		return fmt.Errorf("rate_limit_delay: %s is not a range of non-negative durations", c.RateLimitDelay)
	case c.AuthTimeout < 0:
		return fmt.Errorf("auth_timeout: must be 0 (off) or positive")
	case c.MaxUnauthenticatedPerAddress < 0:
		return fmt.Errorf("max_unauthenticated_per_address: must be 0 (off) or more")
	}
	switch {
	case c.LoginFailDelay.Min < 0 || c.LoginFailDelay.Max < c.LoginFailDelay.Min:
		return fmt.Errorf("login_fail_delay: %s is not a range of non-negative durations", c.LoginFailDelay)
	case c.SessionMaxAge < 0:
		return fmt.Errorf("session_max_age: must not be negative")
	case c.SessionIdleTimeout < 0:
		return fmt.Errorf("session_idle_timeout: must not be negative")
	case c.AuditRetention <= 0:
		return fmt.Errorf("audit_retention: must be positive")
	case (c.AdminUsername == "") != (c.AdminPasswordFile == ""):
		return fmt.Errorf("admin_username and admin_password_file: set both or neither")
	case c.InsecureKeyPolicy != "revoke" && c.InsecureKeyPolicy != "reject":
		return fmt.Errorf("insecure_key_policy: %q is not revoke or reject", c.InsecureKeyPolicy)
	case c.TLSListen != "" && !c.TLSSelfSigned && (c.TLSCert == "" || c.TLSKey == ""):
		return fmt.Errorf("tls_listen: needs tls_cert and tls_key, or tls_self_signed")
	case c.TLSListen == "" && (c.TLSCert != "" || c.TLSKey != "" || c.TLSSelfSigned):
		return fmt.Errorf("tls_cert, tls_key, tls_self_signed: need tls_listen")
	}
	if err := c.validateSCRAM(); err != nil {
		return err
	}
	if err := c.validateCluster(); err != nil {
		return err
	}
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "Local" {
			return fmt.Errorf("timezone: %q is not an IANA time zone name", c.Timezone)
		}
	}
	return nil
}

// Zone returns the display time zone's IANA name: the timezone setting,
// else $TZ, else the zone /etc/localtime links to, else UTC.
func (c *Config) Zone() string {
	if c.Timezone != "" {
		return c.Timezone
	}
	if tz := strings.TrimPrefix(os.Getenv("TZ"), ":"); validZone(tz) {
		return tz
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok && validZone(name) {
			return name
		}
	}
	return "UTC"
}

func validZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

func parseRange(s string) (Range, error) {
	if s == "0" {
		return Range{}, nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	min, err := time.ParseDuration(lo)
	if err != nil {
		return Range{}, err
	}
	if !isRange {
		return Range{min, min}, nil
	}
	max, err := time.ParseDuration(hi)
	if err != nil {
		return Range{}, err
	}
	return Range{min, max}, nil
}

func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, err2 := netip.ParseAddr(part)
			if err2 != nil {
				return nil, err
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func formatPrefixes(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}
