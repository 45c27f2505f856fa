package config_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/config"
)

// TestClusterSettings: database, node_name and revocation_max_lag have the
// defaults of cluster.md 1 and come from every source.
func TestClusterSettings(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Skipf("this machine reports no host name (%v), and the default node_name is built from it: set one to run this test", err)
	}
	t.Run("OKDefaults", func(t *testing.T) {
		c, err := load(t, nil, "--listen", "127.0.0.1:7123")
		if err != nil {
			t.Fatal(err)
		}
		if c.Database != "" || c.Postgres() || c.RevocationMaxLag != 2*time.Second {
			t.Errorf("defaults: database %q, lag %s", c.Database, c.RevocationMaxLag)
		}
		if c.NodeName != "" || c.Node() != host+":7123" || c.Source("node_name") != config.FromDefault {
			t.Errorf("node name %q (set %q), want %q by default", c.Node(), c.NodeName, host+":7123")
		}
	})
	t.Run("OKSources", func(t *testing.T) {
		file := mustWriteFile(t, "node_name = \"from-file\"\nrevocation_max_lag = \"5s\"\n")
		url := "postgresql://keyward@db.example:5432/keyward?sslmode=verify-full"
		c, err := load(t, map[string]string{"KEYWARD_DATABASE": url, "KEYWARD_REVOCATION_MAX_LAG": "500ms"},
			"--config", file, "--node-name", "node-a")
		if err != nil {
			t.Fatal(err)
		}
		if c.Database != url || !c.Postgres() || c.Source("database") != config.FromEnv {
			t.Errorf("database %q from %s", c.Database, c.Source("database"))
		}
		if c.Node() != "node-a" || c.Source("node_name") != config.FromFlag {
			t.Errorf("node_name %q from %s", c.Node(), c.Source("node_name"))
		}
		if c.RevocationMaxLag != 500*time.Millisecond || c.Source("revocation_max_lag") != config.FromEnv {
			t.Errorf("revocation_max_lag %s from %s", c.RevocationMaxLag, c.Source("revocation_max_lag"))
		}
	})
	t.Run("OKPostgresScheme", func(t *testing.T) {
		for _, url := range []string{"postgres://", "postgres:///keyward?host=/run/postgresql", "POSTGRES://u@h/db",
			"postgres://keyward@db1:5432,db2:5432/keyward?target_session_attrs=read-write"} {
			if c, err := load(t, map[string]string{"KEYWARD_DATABASE": url}); err != nil || !c.Postgres() {
				t.Errorf("database %q: %v", url, err)
			}
		}
	})
}

// TestClusterSettingsErrors: a bad value fails naming its option, and a
// refused database URL is never repeated with its password.
func TestClusterSettingsErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"ErrDatabaseScheme", map[string]string{"KEYWARD_DATABASE": "mysql://u:hunter2@h/db"}, nil,
			`database: scheme "mysql": want empty (SQLite in data_dir) or a postgres:// or postgresql:// URL`},
		{"ErrDatabaseNotURL", map[string]string{"KEYWARD_DATABASE": "host=db password=hunter2"}, nil,
			"database: want empty (SQLite in data_dir) or a postgres:// or postgresql:// URL"},
		{"ErrDatabaseFile", nil, []string{"--database", "/var/lib/keyward/hunter2.db"}, "database: want empty"},
		{"ErrDatabaseBadURL", nil, []string{"--database", "postgres://u:hun%zzter2@h/db"}, "database: not a valid URL"},
		{"ErrLagZero", map[string]string{"KEYWARD_REVOCATION_MAX_LAG": "0"}, nil,
			"revocation_max_lag: 0s is not between 100ms and 5m0s"},
		{"ErrLagNegative", nil, []string{"--revocation-max-lag", "-1s"}, "revocation_max_lag: -1s is not between"},
		{"ErrLagHuge", nil, []string{"--revocation-max-lag", "1h"}, "revocation_max_lag: 1h0m0s is not between"},
		{"ErrLagSyntax", map[string]string{"KEYWARD_REVOCATION_MAX_LAG": "2"}, nil,
			"revocation_max_lag (from KEYWARD_REVOCATION_MAX_LAG): time: missing unit"},
		{"ErrNodeNameSpace", nil, []string{"--node-name", "node a"}, `node_name: "node a" has a space`},
		{"ErrNodeNameLong", nil, []string{"--node-name", strings.Repeat("n", 129)}, "node_name: must be 1 to 128 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "hun%zz") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestMaskDatabaseURL: a password in the user information or in a query
// parameter is masked; everything else is kept.
func TestMaskDatabaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"postgres://keyward:s3cr%40t@db.example:5432/keyward?sslmode=require",
			"postgres://keyward:********@db.example:5432/keyward?sslmode=require"},
		{"postgresql://keyward@db/keyward", "postgresql://keyward@db/keyward"},
		{"postgres://:only-pw@db/k", "postgres://:********@db/k"},
		{"postgres://db/k?sslmode=disable&password=s3cret&user=kw", "postgres://db/k?sslmode=disable&password=********&user=kw"},
		{"postgres://db/k?pass%77ord=s3cret", "postgres://db/k?pass%77ord=********"},
		{"postgres://u:p@[::1]:5432/k", "postgres://u:********@[::1]:5432/k"},
		{"postgres:///k?host=/run/postgresql", "postgres:///k?host=/run/postgresql"},
		{"host=db password=s3cret", "********"},
		{"postgres://u:bad%zz@db/k", "********"},
	}
	for _, tt := range tests {
		if got := config.MaskDatabaseURL(tt.in); got != tt.want {
			t.Errorf("MaskDatabaseURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPrintMasksDatabase: config print shows the database URL with its
// password masked, and the node name in effect.
func TestPrintMasksDatabase(t *testing.T) {
	env := map[string]string{"KEYWARD_DATABASE": "postgres://keyward:hunter2@db.example/keyward?sslmode=require"}
	c, err := load(t, env, "--node-name", "node-1")
	if err != nil {
		t.Fatal(err)
	}
	out := printed(t, c)
	for _, want := range []string{`database = "postgres://keyward:********@db.example/keyward?sslmode=require"  # env`,
		`node_name = "node-1"  # flag`, `revocation_max_lag = "2s"  # default`} {
		if !strings.Contains(out, want) {
			t.Errorf("config print lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "hunter2") {
		t.Errorf("config print shows the database password:\n%s", out)
	}
}
