package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/keyward/keyward/internal/keys"
)

// Options sizes a run.
type Options struct {
	// Quick runs every case small, as CI's smoke test (nothing asserted).
	Quick bool
	// Keys stored for the query and start-up cases.
	Keys int
	// Sessions opened idle for the memory case.
	Sessions int
	// Subscribers of the event fan-out.
	Subscribers int
	// Duration of each throughput measurement.
	Duration time.Duration
	// LoginWorkers and CallConns are the load's concurrency.
	LoginWorkers, CallConns int
	// Only, when not empty, names the cases to run.
	Only map[string]bool
	// Database, when set, is the URL of a PostgreSQL server: the run
	// creates a fresh database there, runs every case on it beside SQLite,
	// and runs the cluster cases (two nodes on that database).
	Database string
}

func (o Options) runs(name string) bool { return len(o.Only) == 0 || o.Only[name] }

// Defaults returns the sizes of a full run, or of a quick one (every case,
// small enough for CI).
func Defaults(quick bool) Options {
	if quick {
		return Options{Quick: true, Keys: 2000, Sessions: 200, Subscribers: 50, Duration: 2 * time.Second, LoginWorkers: 8, CallConns: 16}
	}
	return Options{Keys: 100_000, Sessions: 10_000, Subscribers: 1000, Duration: 10 * time.Second, LoginWorkers: 8, CallConns: 16}
}

// Run measures every case on SQLite, and on PostgreSQL too when
// o.Database is set, and returns the report.
func Run(ctx context.Context, o Options) (r *Report, err error) {
	r = &Report{Machine: machine(), Quick: o.Quick, Load: [2]float64{loadAverage()}, Cases: map[string]*Case{}}
	if o.runs("verify") {
		step("verify")
		r.Cases["verify"] = verifyCase(ctx, o.Quick)
	}
	dir, err := os.MkdirTemp("", "keyward-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	pepper := keys.Generate()
	sq, err := openBackend(ctx, sqliteName, filepath.Join(dir, sqliteName), "", pepper, o.Keys)
	if sq != nil {
		defer sq.stop()
	}
	if err != nil {
		return nil, err
	}
	backs := []*backend{sq}
	if o.Database != "" {
		var pg *backend
		var drop func() error
		pg, drop, err = openPostgres(ctx, o, dir, pepper, r)
		if drop != nil { // deferred first, so it runs after the servers stopped
			defer func() { r, err = dropped(r, err, drop()) }()
		}
		if pg != nil {
			defer pg.stop()
		}
		if err != nil {
			return nil, err
		}
		backs = append(backs, pg)
	}
	echo, err := startEcho(ctx)
	if err != nil {
		return nil, err
	}
	defer echo.stop()
	if err := runCases(ctx, o, backs, echo); err != nil {
		return nil, err
	}
	if len(backs) > 1 {
		if err := runCluster(ctx, o, backs[1]); err != nil {
			return nil, err
		}
	}
	fmt.Fprint(os.Stderr, "\r\033[K")
	r.add(backs)
	r.Load[1] = loadAverage()
	return r, nil
}

// runCases runs the single-node cases on every back end. Login and call
// rates alternate between the back ends and their baseline in one
// measurement, so that the ratios compare like with like.
func runCases(ctx context.Context, o Options, backs []*backend, echo *server) error {
	each := map[string]func(b *backend) (*Case, error){
		"query":  func(b *backend) (*Case, error) { return queryCase(ctx, b.srv, o.Keys, rounds(o, 200)) },
		"revoke": func(b *backend) (*Case, error) { return revokeCase(ctx, b.srv, b.srv, "revoke", rounds(o, 50)) },
		"events": func(b *backend) (*Case, error) {
			return eventsCase(ctx, b.srv, b.srv, "renamed", b.raws, o.Subscribers, rounds(o, 20))
		},
		"sessions": func(b *backend) (*Case, error) { return sessionsCase(ctx, b.srv, b.raws, o.Sessions) },
	}
	joint := map[string]func() error{
		"login": func() error { return loginCase(ctx, backs, echo, o.LoginWorkers, o.Duration) },
		"call":  func() error { return callCase(ctx, backs, echo, o.CallConns, o.Duration) },
	}
	for _, name := range []string{"query", "login", "call", "revoke", "events", "sessions"} {
		if !o.runs(name) {
			continue
		}
		if run, ok := joint[name]; ok {
			step(name)
			if err := run(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			continue
		}
		for _, b := range backs {
			step(b.name + ": " + name)
			c, err := each[name](b)
			if err != nil {
				return fmt.Errorf("%s on %s: %w", name, b.name, err)
			}
			b.cases[name] = c
		}
	}
	return nil
}

// openPostgres creates the run's PostgreSQL database and seeds and starts
// it as openBackend does. drop, when not nil, removes the database.
func openPostgres(ctx context.Context, o Options, dir string, pepper keys.Pepper, r *Report) (*backend, func() error, error) {
	dbURL, server, drop, err := freshDatabase(ctx, o.Database)
	if err != nil {
		return nil, nil, err
	}
	r.PostgresServer = server
	pg, err := openBackend(ctx, postgresName, filepath.Join(dir, postgresName), dbURL, pepper, o.Keys)
	return pg, drop, err
}

// dropped adds a failure to drop the run's database to the run's outcome.
func dropped(r *Report, err, dropErr error) (*Report, error) {
	if dropErr != nil {
		return nil, errors.Join(err, dropErr)
	}
	return r, err
}

func rounds(o Options, full int) int {
	if o.Quick {
		return max(full/10, 5)
	}
	return full
}

func step(name string) { fmt.Fprintf(os.Stderr, "\r\033[Kbench: %s ...", name) }

func progress(name string, i, n int) {
	if i%100 == 0 || i == n {
		fmt.Fprintf(os.Stderr, "\r\033[Kbench: %s %d/%d", name, i, n)
	}
}
