package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/sqlite"
)

// dbPath is the database in the data directory, where app.New opens it.
func dbPath(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "keyward.db") }

// fileCommand reads the settings and the one file argument of backup and
// restore. Both copy the embedded SQLite database: with database set to a
// PostgreSQL URL they refuse and point to PostgreSQL's own tools.
func (e env) fileCommand(name string, args []string) (*config.Config, string, error) {
	fs := flag.NewFlagSet("keyward "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg, _, err := config.Load(fs, args, e.lookup)
	if err != nil {
		return nil, "", err
	}
	if cfg.Postgres() {
		return nil, "", fmt.Errorf("database is PostgreSQL: keyward %s is for the embedded SQLite database; "+
			"on PostgreSQL use pg_dump and pg_restore (docs/CLUSTER.md)", name)
	}
	if fs.NArg() != 1 {
		return nil, "", fmt.Errorf("usage: keyward %s [--data-dir D] <file>", name)
	}
	return cfg, fs.Arg(0), nil
}

// backupCmd is `keyward backup [--data-dir D] <file>`: a consistent copy
// of the database, also while the server runs.
func (e env) backupCmd(ctx context.Context, args []string) error {
	cfg, file, err := e.fileCommand("backup", args)
	if err != nil {
		return err
	}
	info, err := sqlite.Backup(ctx, dbPath(cfg), file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s (schema version %d, %d API keys) to %s\n",
		dbPath(cfg), info.Version, keyCount(info), file)
	e.pepperNote(cfg)
	return nil
}

// restoreCmd is `keyward restore [--data-dir D] <file>`: the backup
// replaces the database of a stopped server (or fills a new data
// directory); the old database is kept beside it.
func (e env) restoreCmd(ctx context.Context, args []string) error {
	cfg, file, err := e.fileCommand("restore", args)
	if err != nil {
		return err
	}
	r, err := sqlite.Restore(ctx, file, dbPath(cfg), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s (schema version %d, %d API keys) into %s\n",
		file, r.Version, keyCount(&r.Info), dbPath(cfg))
	if r.Aside != "" {
		fmt.Fprintf(e.stdout, "the previous database is kept as %s\n", r.Aside)
	}
	e.pepperNote(cfg)
	if w := pepperWarning(cfg, &r.Info); w != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return nil
}

func keyCount(info *sqlite.Info) int64 {
	var n int64
	for _, c := range info.Peppers {
		n += c
	}
	return n
}

// pepperNote says where the pepper lives: it is not in the database.
func (e env) pepperNote(cfg *config.Config) {
	where := "the pepper file " + filepath.Join(cfg.DataDir, "pepper")
	if cfg.Pepper != "" {
		where = "KEYWARD_PEPPER (set here)"
	}
	fmt.Fprintf(e.stderr, "The pepper is not in the backup: API keys only log in with it. It is in %s "+
		"(or KEYWARD_PEPPER); copy and keep it separately, and put it beside a restored database.\n", where)
}

// pepperWarning names what a restored database with keyed hashes misses:
// the peppers that are neither in KEYWARD_PEPPER nor in the pepper file.
// The server refuses to start without them.
func pepperWarning(cfg *config.Config, info *sqlite.Info) string {
	if info.HMACKeys() == 0 {
		return ""
	}
	path := filepath.Join(cfg.DataDir, "pepper")
	var ps keys.Peppers
	var err error
	if cfg.Pepper != "" {
		ps, err = keys.ParseEnv(cfg.Pepper)
	} else {
		ps, err = keys.ReadFile(path)
	}
	if errors.Is(err, keys.ErrNoPepperFile) {
		return fmt.Sprintf("%d API keys need a pepper, but %s does not exist and KEYWARD_PEPPER is unset: "+
			"copy the pepper file of the backed-up server there (mode 0600) before starting the server", info.HMACKeys(), path)
	}
	if err != nil {
		return err.Error()
	}
	var missing []string
	for id, n := range info.Peppers {
		if _, ok := ps.Find(id); id != "" && !ok {
			missing = append(missing, fmt.Sprintf("%s (needed by %d keys)", id, n))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	slices.Sort(missing)
	return fmt.Sprintf("the pepper here lacks pepper %s: put the backed-up server's pepper in place before starting the server",
		strings.Join(missing, ", "))
}
