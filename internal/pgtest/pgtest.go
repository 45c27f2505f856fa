// Package pgtest gives tests a fresh PostgreSQL database each. The server
// is named by KEYWARD_TEST_DATABASE (for example
// postgres://root@127.0.0.1:5432/postgres?sslmode=disable). Without it the
// tests that need PostgreSQL skip and say how to enable them, except under
// CI, where they fail: CI never skips them.
package pgtest

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/postgres"
)

// EnvVar names the server the PostgreSQL tests use.
const EnvVar = "KEYWARD_TEST_DATABASE"

// Server returns the URL of KEYWARD_TEST_DATABASE, or skips tb (fails it
// under CI) when it is not set.
func Server(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvVar)
	if u != "" {
		return u
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s is not set: CI runs the PostgreSQL tests (.ci/run sets it)", EnvVar)
	}
	tb.Skipf("PostgreSQL tests need a server: set %s, e.g. postgres://root@127.0.0.1:5432/postgres?sslmode=disable", EnvVar)
	return ""
}

// Enabled reports whether KEYWARD_TEST_DATABASE is set.
func Enabled() bool { return os.Getenv(EnvVar) != "" }

// Fresh creates an empty database on the test server, drops it when tb
// ends, and returns its URL. It skips tb as Server does.
func Fresh(tb testing.TB) string {
	tb.Helper()
	server := Server(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := postgres.CreateScratch(ctx, server, "kw_")
	if err != nil {
		tb.Fatalf("%s: %v", EnvVar, err)
	}
	tb.Cleanup(func() {
		if err := s.Drop(); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return s.URL
}

// WithDatabase returns server's URL with its database name replaced.
func WithDatabase(tb testing.TB, server, name string) string {
	tb.Helper()
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("%s: %v", EnvVar, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Admin runs sql on the test server's own database (for cutting a test
// database off: ALTER DATABASE ... ALLOW_CONNECTIONS, pg_terminate_backend).
func Admin(tb testing.TB, sql string, args ...any) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := postgres.Exec(ctx, Server(tb), sql, args...); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// DatabaseName returns the database name of a URL made by Fresh.
func DatabaseName(tb testing.TB, dbURL string) string {
	tb.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	return u.Path[1:]
}
