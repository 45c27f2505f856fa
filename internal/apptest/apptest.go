// Package apptest starts real Keyward servers on loopback for tests and
// talks to them over real WebSockets.
package apptest

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/password"
	"github.com/keyward/keyward/internal/testclock"
)

// Server is a running Keyward server.
type Server struct {
	App     *app.App
	Addr    string // host:port
	TLSAddr string // host:port of the TLS listener, if configured
	DataDir string
	Config  *config.Config
	Clock   *Clock
	logs    *syncBuffer
	parts   app.Parts // the engine and store, for the hooks in parts.go
	// MetricsAddr is the host:port of the metrics listener, if configured.
	MetricsAddr string
}

// Clock is the servers' test clock: it starts at the real time and moves
// only when told to.
type Clock = testclock.Clock

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// FastArgon2 keeps password hashing cheap in tests; the parameters are a
// setting, and the default is exercised by the tests that name it.
var FastArgon2 = password.Params{Memory: 64, Time: 1, Threads: 1}

// MustStart starts a server on 127.0.0.1:0 with a fresh data directory, the
// rate limit and the failed-login delay off, cheap password hashing, a test
// clock, and the given changes to the configuration. It stops when the test
// ends.
func MustStart(tb testing.TB, opts ...func(*config.Config)) *Server {
	tb.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(tb.TempDir(), "data")
	cfg.Listen = "127.0.0.1:0"
	cfg.RateLimitCalls = 0
	cfg.LoginFailDelay = config.Range{}
	cfg.Argon2 = FastArgon2
	cfg.LogLevel = slog.LevelDebug
	for _, o := range opts {
		o(cfg)
	}
	useBackend(tb, cfg)
	if err := cfg.Validate(); err != nil {
		tb.Fatalf("config: %v", err)
	}
	logs := &syncBuffer{}
	clock := testclock.New(time.Now())
	var parts app.Parts
	a, err := app.New(context.Background(), cfg, cfg.Logger(logs), app.WithClock(clock.Now), app.WithParts(&parts))
	if err != nil {
		tb.Fatalf("start server: %v", err)
	}
	ls, err := a.Listen()
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	go func() { _ = a.Serve(ls) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(ctx)
		// An error logged by the server is a bug the test did not look for.
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, `"level":"ERROR"`) {
				tb.Errorf("server logged an error: %s", line)
			}
		}
	})
	srv := &Server{App: a, Addr: ls.Plain.Addr().String(), DataDir: cfg.DataDir, Config: cfg, Clock: clock, logs: logs, parts: parts}
	if ls.TLS != nil {
		srv.TLSAddr = ls.TLS.Addr().String()
	}
	if ls.Metrics != nil {
		srv.MetricsAddr = ls.Metrics.Addr().String()
	}
	return srv
}

// Stop shuts the server down before the test ends (to restart it on the
// same data directory).
func (s *Server) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.App.Shutdown(ctx)
}

// OnAddr starts a server on a given address (to restart one where its
// clients expect it).
func OnAddr(addr string) func(*config.Config) { return func(c *config.Config) { c.Listen = addr } }

// InDir starts a server on an existing data directory.
func InDir(dir string) func(*config.Config) { return func(c *config.Config) { c.DataDir = dir } }

// Logs returns everything the server logged so far.
func (s *Server) Logs() string { return s.logs.String() }

// URL returns the server's http:// URL for path.
func (s *Server) URL(path string) string { return "http://" + s.Addr + path }

// WSURL returns the ws:// URL of an API version ("current", "v25.04.0", ...).
func (s *Server) WSURL(version string) string { return "ws://" + s.Addr + "/api/" + version }

// StartErr tries to build a server on the data directory dir with
// default settings (cheap argon2) and returns why it cannot start; a
// server that does start is shut down again.
func StartErr(dir string) (*app.App, error) {
	cfg := config.Default()
	cfg.DataDir, cfg.Listen, cfg.Argon2 = dir, "127.0.0.1:0", FastArgon2
	if u, ok := databases.Load(dir); ok {
		cfg.Database = u.(string) // the suites run on PostgreSQL: the directory's database
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil {
		_ = a.Shutdown(context.Background())
	}
	return a, err
}
