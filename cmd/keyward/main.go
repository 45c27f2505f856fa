// Command keyward runs the Keyward API-access server and its tools.
//
//	keyward [serve] [flags]   start the server (the default)
//	keyward help              list commands and settings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // zone data for system.info and the timezone setting

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, lookup: os.LookupEnv}))
}

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, e env) int {
	stdout, stderr, lookup := e.stdout, e.stderr, e.lookup
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, stdout, stderr, lookup)
	case "call":
		err = callCmd(ctx, args, stdout, stderr)
	case "admin":
		err = e.adminCmd(ctx, args)
	case "user":
		err = e.userCmd(ctx, args)
	case "key":
		err = e.keyCmd(ctx, args)
	case "import-truenas-keys":
		err = e.importCmd(ctx, args)
	case "backup":
		err = e.backupCmd(ctx, args)
	case "restore":
		err = e.restoreCmd(ctx, args)
	case "migrate-db":
		err = e.migrateDBCmd(ctx, args)
	case "bench":
		err = benchCmd(ctx, args, stdout, stderr)
	case "config":
		err = e.configCmd(ctx, args)
	case "help":
		usage(stdout)
	default:
		fmt.Fprintf(stderr, "keyward: unknown command %q\n", cmd)
		usage(stderr)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintf(stderr, "keyward %s: %v\n", cmd, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: keyward <command> [flags]

Commands:
  serve                         start the server (the default); "keyward serve -h" lists the settings
  admin setup --username U      create the first administrator (password on stdin)
  user add|list|passwd|lock|delete --username U
                                manage users in the data directory (passwords on stdin)
  key create --user U --name N [--expires YYYY-MM-DD] | key list | key reset ID | key delete ID
                                manage API keys in the data directory (a new key is printed once)
  import-truenas-keys FILE      import an api_key.query export from TrueNAS (server stopped)
  backup [--data-dir D] FILE    copy the database to a new FILE (mode 0600), also while the server runs
  restore [--data-dir D] FILE   put a backup in place of the database of a stopped server
                                (the old one is kept aside; refused while the database is in use)
  migrate-db [--data-dir D] --to URL
                                copy the database of a stopped server into an empty PostgreSQL
                                database, keeping every id, and print the counts it checked
  call [--url U] [--ca FILE] [-U user -P pass | [-U owner] -K key] METHOD [JSON params...]
                                call a method of a running server and print the result
  bench [--quick] [--json FILE] [--database URL]
                                measure the performance cases next to their baselines; with a
                                PostgreSQL URL, on both back ends and on two nodes as well
  config print [--config F]     show the effective settings and where each came from
  help                          show this text

Every setting is a flag --name, an environment variable KEYWARD_NAME or a
line name = value in a TOML file given by --config (or KEYWARD_CONFIG);
a flag beats the environment, which beats the file.
`)
}

// cpuProfile writes a CPU profile of the server to path until stop is
// called (KEYWARD_CPU_PROFILE, for developers measuring with keyward bench).
func cpuProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// serve starts the server, prints its URL and runs until ctx ends.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, lookup func(string) (string, bool)) error {
	fs := flag.NewFlagSet("keyward serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, _, err := config.Load(fs, args, lookup)
	if err != nil {
		return err
	}
	log := cfg.Logger(stderr)
	if path, ok := lookup("KEYWARD_CPU_PROFILE"); ok && path != "" {
		stop, err := cpuProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	ls, err := a.Listen()
	if err != nil {
		_ = a.Shutdown(context.Background())
		return err
	}
	addr := ls.Plain.Addr()
	fmt.Fprintf(stdout, "Keyward listening on http://%s (API: ws://%s/api/current)\n", addr, addr)
	if ls.TLS != nil {
		fmt.Fprintf(stdout, "Keyward listening on https://%s (API: wss://%s/api/current)\n", ls.TLS.Addr(), ls.TLS.Addr())
	}
	log.Info("serving", "addr", addr.String(), "data_dir", cfg.DataDir)
	errc := make(chan error, 1)
	go func() { errc <- a.Serve(ls) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(err, a.Shutdown(sctx))
}
