package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"
)

// DefaultRevocationMaxLag is the default of revocation_max_lag.
const DefaultRevocationMaxLag = 2 * time.Second

// The bounds of revocation_max_lag. Below the minimum a node would fail
// closed at every pause of the database; above the maximum the
// revocation promise would no longer mean anything.
const (
	MinRevocationMaxLag = 100 * time.Millisecond
	MaxRevocationMaxLag = 5 * time.Minute
)

// maxNodeName bounds node_name: it is stored with every session and shown
// in logs and metric labels.
const maxNodeName = 128

// mask stands for a password that is not shown.
const mask = "********"

// Postgres reports whether the database setting names a PostgreSQL
// database (the setting is valid) rather than the embedded SQLite one.
func (c *Config) Postgres() bool { return c.Database != "" }

// MaskedDatabase returns the database setting as it may be shown: the
// password of the URL, and a password parameter, replaced by ********.
// Text that does not parse as a URL is masked whole.
func (c *Config) MaskedDatabase() string { return MaskDatabaseURL(c.Database) }

// MaskDatabaseURL masks the password of a database URL: in the user
// information (postgres://user:secret@host) and in a password query
// parameter (libpq accepts both). Text that does not parse as a URL is
// masked whole, since it cannot be told where a password would be. The
// fragment, which PostgreSQL ignores, is left out.
func MaskDatabaseURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return mask
	}
	out := u.Scheme + "://"
	if u.User != nil {
		out += url.User(u.User.Username()).String()
		if _, ok := u.User.Password(); ok {
			out += ":" + mask
		}
		out += "@"
	}
	out += u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		params := strings.Split(u.RawQuery, "&")
		for i, p := range params {
			k, _, _ := strings.Cut(p, "=")
			if name, err := url.QueryUnescape(k); err != nil || name == "password" || name == "sslpassword" {
				params[i] = k + "=" + mask
			}
		}
		out += "?" + strings.Join(params, "&")
	}
	return out
}

// Node returns the node's name: node_name, or by default the host name, ":"
// and the port of listen.
func (c *Config) Node() string {
	if c.NodeName != "" {
		return c.NodeName
	}
	return DefaultNodeName(c.Listen)
}

// DefaultNodeName is the default node_name for a listen address: the host
// name, ":" and the port. When listen asks for any free port (":0"), the
// port is only known once the listener is bound: pass its address then.
func DefaultNodeName(listen string) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	port := listen
	if _, p, err := net.SplitHostPort(listen); err == nil {
		port = p
	}
	return host + ":" + port
}

// validateCluster checks database, node_name and revocation_max_lag.
// Errors never show the database URL: it may carry a password.
func (c *Config) validateCluster() error {
	if err := checkDatabase(c.Database); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if err := checkNodeName(c.Node()); err != nil {
		return fmt.Errorf("node_name: %w", err)
	}
	if c.RevocationMaxLag < MinRevocationMaxLag || c.RevocationMaxLag > MaxRevocationMaxLag {
		return fmt.Errorf("revocation_max_lag: %s is not between %s and %s",
			c.RevocationMaxLag, MinRevocationMaxLag, MaxRevocationMaxLag)
	}
	return nil
}

// errNotPostgres explains the database setting's two forms.
var errNotPostgres = errors.New("want empty (SQLite in data_dir) or a postgres:// or postgresql:// URL")

// checkDatabase accepts an empty setting or a postgres:// or postgresql://
// URL. Connection details (host, user, database name) may also come from
// the PG* environment variables, so none is required here.
func checkDatabase(s string) error {
	if s == "" {
		return nil
	}
	scheme, _, ok := strings.Cut(s, "://")
	switch {
	case !ok || !schemeLike(scheme):
		return errNotPostgres
	case !strings.EqualFold(scheme, "postgres") && !strings.EqualFold(scheme, "postgresql"):
		return fmt.Errorf("scheme %q: %w", scheme, errNotPostgres)
	}
	if _, err := url.Parse(s); err != nil {
		// url's error repeats the text, password included: not shown.
		return errors.New("not a valid URL (special characters in the user name or password must be %-escaped)")
	}
	return nil
}

// schemeLike reports whether s could be a URL scheme, so that it may be
// shown: it then holds no part of a password.
func schemeLike(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// checkNodeName refuses an empty or overlong name, and one with spaces or
// control characters, which would garble logs and metric labels.
func checkNodeName(s string) error {
	if s == "" || len(s) > maxNodeName {
		return fmt.Errorf("must be 1 to %d bytes long", maxNodeName)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("%q has a space or control character", s)
		}
	}
	return nil
}
