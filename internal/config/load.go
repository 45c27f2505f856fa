package config

import (
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/password"
)

// option is one setting: its name (data_dir), help text, and how to read and
// show it.
type option struct {
	name  string
	usage string
	set   func(c *Config, v string) error
	get   func(c *Config) string
}

// boolean reports whether the option's flag may be given without a value.
func (o option) boolean() bool { return o.name == "tls_self_signed" }

func (o option) flagName() string { return strings.ReplaceAll(o.name, "_", "-") }
func (o option) envName() string  { return "KEYWARD_" + strings.ToUpper(o.name) }

var options = []option{
	{"data_dir", "data directory (database, pepper, TLS files)",
		func(c *Config, v string) error { c.DataDir = v; return nil },
		func(c *Config) string { return c.DataDir }},
	{"listen", "plain HTTP listen address (keep it on loopback)",
		func(c *Config, v string) error { c.Listen = v; return nil },
		func(c *Config) string { return c.Listen }},
	{"tls_listen", "TLS listen address (wss://), off when empty",
		func(c *Config, v string) error { c.TLSListen = v; return nil },
		func(c *Config) string { return c.TLSListen }},
	{"tls_cert", "PEM certificate file for tls_listen",
		func(c *Config, v string) error { c.TLSCert = v; return nil },
		func(c *Config) string { return c.TLSCert }},
	{"tls_key", "PEM private key file for tls_listen",
		func(c *Config, v string) error { c.TLSKey = v; return nil },
		func(c *Config) string { return c.TLSKey }},
	{"tls_self_signed", "serve tls_listen with a self-signed certificate made once in the data directory",
		func(c *Config, v string) (err error) { c.TLSSelfSigned, err = strconv.ParseBool(v); return err },
		func(c *Config) string { return strconv.FormatBool(c.TLSSelfSigned) }},
	{"unix_socket", "path of a unix socket listener (secure transport), off when empty",
		func(c *Config, v string) error { c.UnixSocket = v; return nil },
		func(c *Config) string { return c.UnixSocket }},
	{"metrics_listen", "separate listen address for GET /metrics (then not on the main listeners), empty: main listeners",
		func(c *Config, v string) error { c.MetricsListen = v; return nil },
		func(c *Config) string { return c.MetricsListen }},
	{"insecure_key_policy", "revoke or reject a correct API key sent over an insecure transport",
		func(c *Config, v string) error { c.InsecureKeyPolicy = v; return nil },
		func(c *Config) string { return c.InsecureKeyPolicy }},
	{"log_format", "log format: text or json",
		func(c *Config, v string) error { c.LogFormat = v; return nil },
		func(c *Config) string { return c.LogFormat }},
	{"log_level", "log level: debug, info, warn or error",
		func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) },
		func(c *Config) string { return strings.ToLower(c.LogLevel.String()) }},
	{"trusted_proxies", "comma-separated CIDRs of reverse proxies whose X-Forwarded-* headers are believed",
		func(c *Config, v string) (err error) { c.TrustedProxies, err = parsePrefixes(v); return err },
		func(c *Config) string { return formatPrefixes(c.TrustedProxies) }},
	{"allowed_origins", "comma-separated browser origins (scheme://host[:port]) besides the server's own whose pages may open WebSockets",
		func(c *Config, v string) (err error) { c.AllowedOrigins, err = parseOrigins(v); return err },
		func(c *Config) string { return strings.Join(c.AllowedOrigins, ",") }},
	{"auth_timeout", "close a connection that has not logged in this long after it opened (0: never)",
		func(c *Config, v string) (err error) { c.AuthTimeout, err = time.ParseDuration(v); return err },
		func(c *Config) string { return c.AuthTimeout.String() }},
	{"max_unauthenticated_per_address", "connections not logged in per client address, IPv6 per /64; rate_limit_exempt and the unix socket excepted (0: no cap)",
		func(c *Config, v string) (err error) {
			c.MaxUnauthenticatedPerAddress, err = strconv.Atoi(v)
			return err
		},
		func(c *Config) string { return strconv.Itoa(c.MaxUnauthenticatedPerAddress) }},
	{"rate_limit_calls", "no-login calls per method and address per window (0: no limit)",
		func(c *Config, v string) (err error) { c.RateLimitCalls, err = strconv.Atoi(v); return err },
		func(c *Config) string { return strconv.Itoa(c.RateLimitCalls) }},
	{"rate_limit_window", "rate limit window",
		func(c *Config, v string) (err error) { c.RateLimitWindow, err = time.ParseDuration(v); return err },
		func(c *Config) string { return c.RateLimitWindow.String() }},
	{"rate_limit_delay", "delay range before a rate-limited answer, e.g. 1s-10s (0: none)",
		func(c *Config, v string) (err error) { c.RateLimitDelay, err = parseRange(v); return err },
		func(c *Config) string { return c.RateLimitDelay.String() }},
	{"rate_limit_exempt", "comma-separated CIDRs never rate limited",
		func(c *Config, v string) (err error) { c.RateLimitExempt, err = parsePrefixes(v); return err },
		func(c *Config) string { return formatPrefixes(c.RateLimitExempt) }},
	{"login_fail_delay", "random delay range before a failed login is answered, e.g. 1s-2s (0: none)",
		func(c *Config, v string) (err error) { c.LoginFailDelay, err = parseRange(v); return err },
		func(c *Config) string { return c.LoginFailDelay.String() }},
	{"argon2", "argon2id parameters for new password hashes",
		func(c *Config, v string) (err error) { c.Argon2, err = password.ParseParams(v); return err },
		func(c *Config) string { return c.Argon2.String() }},
	{"session_max_age", "age after which a session ends (0: never)",
		func(c *Config, v string) (err error) { c.SessionMaxAge, err = time.ParseDuration(v); return err },
		func(c *Config) string { return c.SessionMaxAge.String() }},
	{"session_idle_timeout", "time without calls after which a session ends (0: never)",
		func(c *Config, v string) (err error) { c.SessionIdleTimeout, err = time.ParseDuration(v); return err },
		func(c *Config) string { return c.SessionIdleTimeout.String() }},
	{"audit_retention", "how long audit records are kept",
		func(c *Config, v string) (err error) { c.AuditRetention, err = time.ParseDuration(v); return err },
		func(c *Config) string { return c.AuditRetention.String() }},
	{"admin_username", "create this local administrator at start when none exists (with admin_password_file)",
		func(c *Config, v string) error { c.AdminUsername = v; return nil },
		func(c *Config) string { return c.AdminUsername }},
	{"admin_password_file", "file holding the password of admin_username",
		func(c *Config, v string) error { c.AdminPasswordFile = v; return nil },
		func(c *Config) string { return c.AdminPasswordFile }},
	{"database", "empty: SQLite in data_dir; else a postgres:// or postgresql:// URL of the cluster's database (a password in it is masked when shown)",
		func(c *Config, v string) error { c.Database = v; return nil },
		func(c *Config) string { return c.MaskedDatabase() }},
	{"node_name", "this node's name in sessions, audit records, logs and metrics, unique per cluster (default: host name:listen port)",
		func(c *Config, v string) error { c.NodeName = v; return nil },
		func(c *Config) string { return c.Node() }},
	{"revocation_max_lag", "the longest a node serves without confirming it has seen every committed change",
		func(c *Config, v string) (err error) { c.RevocationMaxLag, err = time.ParseDuration(v); return err },
		func(c *Config) string { return c.RevocationMaxLag.String() }},
	{"scram_iterations", "PBKDF2 iterations of the SCRAM verifiers made from now on (50000-5000000)",
		func(c *Config, v string) (err error) { c.SCRAMIterations, err = strconv.Atoi(v); return err },
		func(c *Config) string { return strconv.Itoa(c.SCRAMIterations) }},
	{"scram_binding_cert", "PEM file of the certificate a trusted TLS proxy presents, for SCRAM channel binding through it (first certificate used)",
		func(c *Config, v string) error { c.SCRAMBindingCert = v; return nil },
		func(c *Config) string { return c.SCRAMBindingCert }},
	{"timezone", "IANA time zone for display (default: $TZ, /etc/localtime, UTC)",
		func(c *Config, v string) error { c.Timezone = v; return nil },
		func(c *Config) string { return c.Timezone }},
}

// Logger returns the one slog logger the process uses.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
