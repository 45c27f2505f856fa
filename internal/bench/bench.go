package bench

import (
	"context"
	"fmt"
	"os"
	"time"
)

// Options sizes a run.
type Options struct {
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

// Run measures every case and returns the report.
func Run(ctx context.Context, o Options) (*Report, error) {
	r := &Report{Machine: machine(), Quick: o.Quick, Cases: map[string]*Case{}}
	if o.runs("verify") {
		step("verify")
		r.Cases["verify"] = verifyCase(ctx, o.Quick)
	}
	dir, err := os.MkdirTemp("", "keyward-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	step(fmt.Sprintf("seeding %d keys", o.Keys))
	raws, err := seed(ctx, dir+"/data", o.Keys)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	step("startup")
	srv, err := startServer(ctx, dir+"/data")
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	rss, _ := srv.rssMiB()
	r.Cases["startup"] = &Case{Value: float64(srv.started.Microseconds()) / 1000, Unit: "ms", RSSMiB: rss, Keys: o.Keys}
	echo, err := startEcho(ctx)
	if err != nil {
		return nil, err
	}
	defer echo.stop()
	return r, runCases(ctx, o, r, srv, echo, raws)
}

func runCases(ctx context.Context, o Options, r *Report, srv, echo *server, raws []string) error {
	cases := []struct {
		name string
		run  func() (*Case, error)
	}{
		{"query", func() (*Case, error) { return queryCase(ctx, srv, o.Keys, rounds(o, 200)) }},
		{"login", func() (*Case, error) { return loginCase(ctx, srv, echo, raws, o.LoginWorkers, o.Duration) }},
		{"call", func() (*Case, error) { return callCase(ctx, srv, echo, raws, o.CallConns, o.Duration) }},
		{"revoke", func() (*Case, error) { return revokeCase(ctx, srv, rounds(o, 50)) }},
		{"events", func() (*Case, error) { return eventsCase(ctx, srv, raws, o.Subscribers, rounds(o, 20)) }},
		{"sessions", func() (*Case, error) { return sessionsCase(ctx, srv, raws, o.Sessions) }},
	}
	for _, c := range cases {
		if !o.runs(c.name) {
			continue
		}
		step(c.name)
		res, err := c.run()
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		r.Cases[c.name] = res
	}
	fmt.Fprint(os.Stderr, "\r\033[K")
	return nil
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
