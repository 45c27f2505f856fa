// Package app assembles a Keyward server from its configuration: data
// directory, store, method registry, RPC engine and HTTP front. The
// command and the end-to-end tests both start servers through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/keyward/keyward/internal/api"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/httpserver"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/sqlite"
)

// App is an assembled server.
type App struct {
	cfg  *config.Config
	log  *slog.Logger
	db   *sqlite.DB
	rpc  *rpc.Server
	http *httpserver.Server
}

// New prepares the data directory, opens the store and builds the server.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger) (*App, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	dbPath := filepath.Join(cfg.DataDir, "keyward.db")
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	if err := checkPrivate(dbPath); err != nil {
		db.Close()
		return nil, err
	}
	a := &App{cfg: cfg, log: log, db: db}
	a.build()
	return a, nil
}

func (a *App) build() {
	reg := rpc.NewRegistry()
	host, _ := os.Hostname()
	api.Register(reg, &api.Deps{Started: time.Now(), Hostname: host, Timezone: a.cfg.Zone()})
	a.rpc = rpc.NewServer(rpc.Config{
		Registry: reg,
		Logger:   a.log,
		RateLimit: rpc.NewRateLimiter(rpc.RateLimitConfig{
			Calls: a.cfg.RateLimitCalls, Window: a.cfg.RateLimitWindow,
			DelayMin: a.cfg.RateLimitDelay.Min, DelayMax: a.cfg.RateLimitDelay.Max,
			Exempt: a.cfg.RateLimitExempt,
		}),
	})
	a.http = httpserver.New(httpserver.Config{
		RPC: a.rpc, Logger: a.log, Proxies: a.cfg.TrustedProxies, Ready: a.db.Ping,
	})
}

// Listen opens the configured listener.
func (a *App) Listen() (net.Listener, error) {
	l, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return l, nil
}

// Serve serves HTTP on l until Shutdown.
func (a *App) Serve(l net.Listener) error { return a.http.Serve(l) }

// Shutdown closes connections with 1001, waits for requests in progress
// until ctx ends, and closes the store.
func (a *App) Shutdown(ctx context.Context) error {
	return errors.Join(a.http.Shutdown(ctx), a.db.Close())
}

// prepareDataDir creates the data directory with mode 0700, or checks that
// an existing one grants nothing to other users.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	return checkPrivate(dir)
}

// checkPrivate refuses a path that other users may access.
func checkPrivate(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s must not be accessible to other users", path)
	}
	return nil
}

