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
}

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
	step("verify")
	r.Cases["verify"] = verifyCase(ctx, o.Quick)
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
	var err error
	step("query")
	if r.Cases["query"], err = queryCase(ctx, srv, o.Keys, rounds(o, 200)); err != nil {
		return err
	}
	step("login")
	if r.Cases["login"], err = loginCase(ctx, srv, echo, raws, o.LoginWorkers, o.Duration); err != nil {
		return err
	}
	step("call")
	if r.Cases["call"], err = callCase(ctx, srv, echo, raws, o.CallConns, o.Duration); err != nil {
		return err
	}
	step("revoke")
	if r.Cases["revoke"], err = revokeCase(ctx, srv, rounds(o, 50)); err != nil {
		return err
	}
	step("events")
	if r.Cases["events"], err = eventsCase(ctx, srv, raws, o.Subscribers, rounds(o, 20)); err != nil {
		return err
	}
	step("sessions")
	if r.Cases["sessions"], err = sessionsCase(ctx, srv, raws, o.Sessions); err != nil {
		return err
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
