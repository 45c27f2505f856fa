package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/keyward/keyward/internal/bench"
)

// benchCmd is `keyward bench`: every performance case next to its
// baseline, as a table and optionally JSON.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keyward bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "run every case small enough for CI (under a minute; nothing is asserted)")
	database := fs.String("database", "", "URL of a PostgreSQL server (postgres://...): run every case there too, on a fresh\n"+
		"database kw_bench_<random> created for the run and dropped after, side by side with SQLite; and the\n"+
		"cluster cases (cluster-revoke, cluster-event, cluster-login: two nodes on that database), which run\n"+
		"only with this flag")
	jsonOut := fs.String("json", "", "also write the results as JSON to this file")
	echoServer := fs.Bool("echo-server", false, "internal: run the baseline echo server")
	keys := fs.Int("keys", 0, "keys stored for the query and start-up cases (default 100000, quick 2000)")
	sessions := fs.Int("sessions", 0, "idle sessions for the memory case (default 10000, quick 200)")
	only := fs.String("cases", "", "comma-separated cases to run (default: all): verify, login, call, query, sessions,\n"+
		"revoke, events, and with --database cluster-revoke, cluster-event, cluster-login (startup always runs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *echoServer {
		return bench.ServeEcho(ctx)
	}
	o := bench.Defaults(*quick)
	o.Database = *database
	if *keys > 0 {
		o.Keys = *keys
	}
	if *sessions > 0 {
		o.Sessions = *sessions
	}
	if *only != "" {
		o.Only = map[string]bool{}
		for _, c := range strings.Split(*only, ",") {
			o.Only[strings.TrimSpace(c)] = true
		}
	}
	r, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	if err := r.WriteTable(stdout); err != nil {
		return err
	}
	if *jsonOut == "" {
		return nil
	}
	f, err := os.Create(*jsonOut)
	if err != nil {
		return err
	}
	if err := r.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(stderr, "wrote %s\n", *jsonOut)
	return f.Close()
}
