package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/postgres"
	"github.com/keyward/keyward/internal/sqlite"
)

const migrateDBHelp = `Usage: keyward migrate-db [--data-dir D] --to <postgres-url>

Copies the SQLite database of a stopped server (<data-dir>/keyward.db) into an
empty PostgreSQL database, in one transaction, keeping every id: users, groups,
privileges and their links, API keys with their hashes (imported PBKDF2 ones
too), insecure uses (the alerts derive from them), audit records, pepper checks,
id sequences, user stamps and token epochs, key secret generations. New ids on
PostgreSQL continue above every id SQLite ever gave out. It then reads the
tables back and prints the row counts it checked.

It refuses while a server or command has the database open, and refuses a
PostgreSQL database that is not empty (so a second run is refused). Tokens made
by auth.generate_token live in the server's memory: there are none to copy.
The change log starts empty on PostgreSQL (nodes load everything at start).
The pepper is not in the database: start the PostgreSQL nodes with this data
directory's pepper file or KEYWARD_PEPPER. The SQLite database is left as it was.

The URL is never printed; it may hold a password (or use PG* environment
variables and leave it out of the URL).

Flags:
`

// migrateDBCmd is `keyward migrate-db --to <url>` (cluster.md 2).
func (e env) migrateDBCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("keyward migrate-db", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, migrateDBHelp)
		fs.PrintDefaults()
	}
	to := fs.String("to", "", "the PostgreSQL database to copy into: postgres:// or postgresql:// URL")
	cfg, _, err := config.Load(fs, args, e.lookup)
	if err != nil {
		return err
	}
	switch {
	case fs.NArg() != 0 || *to == "":
		return errors.New("usage: keyward migrate-db [--data-dir D] --to <postgres-url>")
	case cfg.Postgres():
		return errors.New("database is set to PostgreSQL: migrate-db copies the SQLite database of the data " +
			"directory; unset database (KEYWARD_DATABASE) and name the target with --to")
	}
	if err := migrateDB(ctx, e, dbPath(cfg), *to); err != nil {
		return redactURL(err, *to)
	}
	e.pepperNoteMigrated(cfg)
	return nil
}

// migrateDB exports the SQLite database at path, loads it into the
// PostgreSQL database at to and prints the counts it checked.
func migrateDB(ctx context.Context, e env, path, to string) error {
	dump, err := sqlite.Export(ctx, path)
	if err != nil {
		return err
	}
	pg, err := postgres.Open(ctx, to, keyward.StoreHooks{})
	if err != nil {
		return err
	}
	defer pg.Close()
	if err := pg.Load(ctx, dump); err != nil {
		return err
	}
	got, err := pg.Counts(ctx)
	if err != nil {
		return fmt.Errorf("read back: %w", err)
	}
	return printCounts(e, path, dump.Counts(), got)
}

// printCounts prints each table's rows on both sides and fails when any
// differ.
func printCounts(e env, path string, want, got []keyward.TableCount) error {
	fmt.Fprintf(e.stdout, "copied %s into PostgreSQL in one transaction; rows checked after commit:\n", path)
	fmt.Fprintf(e.stdout, "  %-22s %8s %10s\n", "table", "SQLite", "PostgreSQL")
	var bad []string
	for i, w := range want {
		g := got[i]
		mark := ""
		if g.Table != w.Table || g.Rows != w.Rows {
			mark = "  MISMATCH"
			bad = append(bad, w.Table)
		}
		fmt.Fprintf(e.stdout, "  %-22s %8d %10d%s\n", w.Table, w.Rows, g.Rows, mark)
	}
	if len(bad) > 0 {
		return fmt.Errorf("the counts of %s differ after the copy", strings.Join(bad, ", "))
	}
	fmt.Fprintln(e.stdout, "all counts match")
	return nil
}

// pepperNoteMigrated says that the PostgreSQL nodes need this pepper.
func (e env) pepperNoteMigrated(cfg *config.Config) {
	where := "the pepper file in " + cfg.DataDir
	if cfg.Pepper != "" {
		where = "KEYWARD_PEPPER (set here)"
	}
	fmt.Fprintf(e.stderr, "The pepper is not in the database: start every PostgreSQL node with the pepper of %s, "+
		"or its keys will not log in.\n", where)
}

// redactedError hides the database URL and its password in an error's
// text; the error it wraps stays reachable for errors.Is.
type redactedError struct {
	err     error
	secrets []string
}

func (r *redactedError) Error() string {
	msg := r.err.Error()
	for _, s := range r.secrets {
		msg = strings.ReplaceAll(msg, s, "********")
	}
	return msg
}

func (r *redactedError) Unwrap() error { return r.err }

// redactURL returns err with the URL to and any password in it masked
// wherever its text would show them.
func redactURL(err error, to string) error {
	secrets := []string{to}
	if u, perr := url.Parse(to); perr == nil {
		if p, ok := u.User.Password(); ok && p != "" {
			secrets = append(secrets, p, url.QueryEscape(p))
		}
		if p := u.Query().Get("password"); p != "" {
			secrets = append(secrets, p, url.QueryEscape(p))
		}
	}
	return &redactedError{err: err, secrets: secrets}
}
