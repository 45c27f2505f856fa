// Package apptest starts real Keyward servers on loopback for tests and
// talks to them over real WebSockets.
package apptest

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
)

// Server is a running Keyward server.
type Server struct {
	App     *app.App
	Addr    string // host:port
	DataDir string
	Config  *config.Config
}

// MustStart starts a server on 127.0.0.1:0 with a fresh data directory,
// the rate limit off, and the given changes to the configuration. It stops
// when the test ends.
func MustStart(tb testing.TB, opts ...func(*config.Config)) *Server {
	tb.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(tb.TempDir(), "data")
	cfg.Listen = "127.0.0.1:0"
	cfg.RateLimitCalls = 0
	for _, o := range opts {
		o(cfg)
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatalf("config: %v", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		tb.Fatalf("start server: %v", err)
	}
	l, err := a.Listen()
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	go func() { _ = a.Serve(l) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(ctx)
	})
	return &Server{App: a, Addr: l.Addr().(*net.TCPAddr).String(), DataDir: cfg.DataDir, Config: cfg}
}

// URL returns the server's http:// URL for path.
func (s *Server) URL(path string) string { return "http://" + s.Addr + path }

// WSURL returns the ws:// URL of an API version ("current", "v25.04.0", ...).
func (s *Server) WSURL(version string) string { return "ws://" + s.Addr + "/api/" + version }
