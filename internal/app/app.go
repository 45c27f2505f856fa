// Package app assembles a Keyward server from its configuration: data
// directory, store, method registry, RPC engine and HTTP front. The
// command and the end-to-end tests both start servers through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/api"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/docs"
	"github.com/keyward/keyward/internal/httpserver"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/metrics"
	"github.com/keyward/keyward/internal/password"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/web"
)

// App is an assembled server.
type App struct {
	cfg    *config.Config
	log    *slog.Logger
	db     keyward.Store
	svc    *service.Service
	rpc    *rpc.Server
	http   *httpserver.Server
	cancel context.CancelFunc // stops background work
	bg     sync.WaitGroup
	stop   sync.Once
	stopEr error
	now    func() time.Time
	parts  *Parts // filled once built (WithParts)
	// nodeName is this node's name, once worked out (node).
	nodeName string

	metrics *metrics.Metrics
	// metricsHTTP serves /metrics on metrics_listen; nil when /metrics is
	// on the main listeners.
	metricsHTTP *httpserver.Server
}

// Option changes how an App is built.
type Option func(*App)

// WithClock makes the services and the store read time from now, so that
// expiry is testable without sleeping (internal/apptest moves a test
// clock); without it they read the real time.
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// New prepares the data directory, opens the store and builds the server.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, opts ...Option) (*App, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, now: time.Now, metrics: metrics.New()}
	for _, o := range opts {
		o(a)
	}
	db, err := openStore(ctx, cfg, keyward.StoreHooks{Now: a.now, OnError: func(err error) {
		a.metrics.StoreError()
		log.Warn("database failure", "error", err)
	}})
	if err != nil {
		return nil, err
	}
	a.db = db
	if err := a.build(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.handOut()
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	peppers, usage, err := loadPeppers(ctx, a.db, a.cfg.DataDir, a.cfg.Pepper)
	if err != nil {
		return err
	}
	for id, n := range usage {
		a.log.Info("API keys by pepper", "pepper", id, "keys", n)
	}
	hasher := password.NewHasher(a.cfg.Argon2)
	svc, err := service.New(ctx, service.Config{
		Store: a.db, Audit: a.db, Keys: a.db, Log: a.db, RevocationMaxLag: a.cfg.RevocationMaxLag,
		SCRAMIterations: a.cfg.SCRAMIterations,
		Nodes:           nodeStore(a.db), Node: a.node(), Sessions: sessionTable(a.db), Tokens: tokenTable(a.db),
		Exclusive: exclusive(a.db), Hasher: hasher, Logger: a.log, Now: a.now, Observer: a.metrics,
		Verifier: keys.NewVerifier(peppers, hasher.Slots()), InsecureKeyPolicy: a.cfg.InsecureKeyPolicy,
		FailDelay:     [2]time.Duration{a.cfg.LoginFailDelay.Min, a.cfg.LoginFailDelay.Max},
		SessionMaxAge: a.cfg.SessionMaxAge, SessionIdleTimeout: a.cfg.SessionIdleTimeout,
		AuditRetention: a.cfg.AuditRetention,
	})
	if err != nil {
		return err
	}
	a.svc = svc
	if err := svc.Join(ctx); err != nil {
		return fmt.Errorf("node_name: %s: %w", a.node(), err)
	}
	if err := a.headlessAdmin(ctx); err != nil {
		return err
	}
	if n, err := svc.ConvertImportedKeys(ctx); err != nil {
		return fmt.Errorf("give imported keys their SCRAM verifiers: %w", err)
	} else if n > 0 {
		a.log.Info("imported TrueNAS keys given SCRAM verifiers", "keys", n)
	}
	reg := rpc.NewRegistry()
	host, _ := os.Hostname()
	api.Register(reg, &api.Handlers{Svc: svc, Now: a.now, Started: a.now(), Hostname: host, Timezone: a.cfg.Zone()})
	a.rpc = rpc.NewServer(rpc.Config{
		Registry:  reg,
		Logger:    a.log,
		Authority: svc,
		Auditor:   svc,
		Observer:  a.metrics,
		RateLimit: rpc.NewRateLimiter(rpc.RateLimitConfig{
			Calls: a.cfg.RateLimitCalls, Window: a.cfg.RateLimitWindow,
			DelayMin: a.cfg.RateLimitDelay.Min, DelayMax: a.cfg.RateLimitDelay.Max,
			Exempt: a.cfg.RateLimitExempt,
		}),
		AuthTimeout: a.cfg.AuthTimeout, MaxUnauthenticated: a.cfg.MaxUnauthenticatedPerAddress,
		UnauthenticatedExempt: a.cfg.RateLimitExempt,
	})
	svc.Attach(a.rpc, a.rpc.Events())
	a.metrics.Register(metrics.Connections{Stats: a.rpc.Stats})
	a.metrics.Register(metrics.Feed{Lag: svc.FeedLag, Confirmed: svc.Confirmed})
	if p, ok := a.db.(keyward.PoolReporter); ok {
		a.metrics.Register(metrics.Pools{Store: p})
	}
	a.http = httpserver.New(httpserver.Config{
		RPC: a.rpc, Logger: a.log, Proxies: a.cfg.TrustedProxies, Ready: a.ready, UI: web.Handler(),
		Metrics: a.metricsOnMain(), AllowedOrigins: a.cfg.AllowedOrigins,
		Docs: docs.Handler(reg, docs.Settings{
			LoginFailDelay: a.cfg.LoginFailDelay.String(), RateLimitCalls: a.cfg.RateLimitCalls,
			RateLimitWindow: a.cfg.RateLimitWindow.String(), RateLimitDelay: a.cfg.RateLimitDelay.String(),
			RateLimitExempt: prefixes(a.cfg.RateLimitExempt), SessionMaxAge: a.cfg.SessionMaxAge.String(),
			SessionIdleTimeout: a.cfg.SessionIdleTimeout.String(), AuthTimeout: a.cfg.AuthTimeout.String(),
			MaxUnauthenticated: a.cfg.MaxUnauthenticatedPerAddress, AllowedOrigins: strings.Join(a.cfg.AllowedOrigins, ", "),
		}),
	})
	bg, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.bg.Go(func() { svc.Follow(bg, a.cfg.RevocationMaxLag/4) })
	a.bg.Go(func() { svc.PruneAudit(bg) })
	return nil
}

// ready is /readyz: the database answers and is migrated, and this node is
// within revocation_max_lag of the change log (cluster.md 6).
func (a *App) ready(ctx context.Context) error {
	if err := a.db.Ping(ctx); err != nil {
		return errors.New("the database is unreachable or not migrated")
	}
	if a.svc.Confirmed() != nil {
		return fmt.Errorf("cannot confirm the change log within revocation_max_lag (%s)", a.cfg.RevocationMaxLag)
	}
	return nil
}

// metricsOnMain returns the /metrics handler for the main listeners, or
// nil, having made the server of metrics_listen, when that is set.
func (a *App) metricsOnMain() http.Handler {
	if a.cfg.MetricsListen == "" {
		return a.metrics.Handler()
	}
	a.metricsHTTP = httpserver.NewMetrics(a.metrics.Handler(), a.log)
	return nil
}

func prefixes(ps []netip.Prefix) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return strings.Join(out, ", ")
}

// headlessAdmin creates the administrator named by admin_username when no
// local administrator exists (accounts.md 8).
func (a *App) headlessAdmin(ctx context.Context) error {
	if a.cfg.AdminUsername == "" || a.svc.HasLocalAdministrator() {
		return nil
	}
	pw, err := os.ReadFile(a.cfg.AdminPasswordFile)
	if err != nil {
		return fmt.Errorf("admin_password_file: %w", err)
	}
	secret := strings.TrimRight(string(pw), "\r\n")
	if secret == "" {
		return fmt.Errorf("admin_password_file: %s is empty", a.cfg.AdminPasswordFile)
	}
	if err := a.svc.SetupLocalAdministrator(ctx, a.cfg.AdminUsername, secret); err != nil {
		return fmt.Errorf("admin_username: %w", err)
	}
	a.log.Info("created the local administrator", "username", a.cfg.AdminUsername)
	return nil
}

// Service returns the business services (for commands that act directly).
func (a *App) Service() *service.Service { return a.svc }

// Shutdown closes connections with 1001, waits for requests in progress
// until ctx ends, and closes the store.
func (a *App) Shutdown(ctx context.Context) error {
	a.stop.Do(func() {
		a.cancel()
		err := a.http.Shutdown(ctx)
		if a.metricsHTTP != nil {
			err = errors.Join(err, a.metricsHTTP.Shutdown(ctx))
		}
		a.bg.Wait()
		leave, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		a.svc.Leave(leave) // a node that cannot say goodbye times out of the registry
		cancel()
		a.stopEr = errors.Join(err, a.db.Close())
	})
	return a.stopEr
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
