package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Info describes a Keyward database file.
type Info struct {
	// Version is its schema version: the number of its last migration.
	Version int
	// Peppers counts its API keys by the pepper id of their hash ("" for
	// imported PBKDF2 hashes), as PepperUsage does.
	Peppers map[string]int64
}

// HMACKeys returns the number of keys whose hashes need a pepper.
func (i *Info) HMACKeys() int64 {
	var n int64
	for id, c := range i.Peppers {
		if id != "" {
			n += c
		}
	}
	return n
}

// Backup writes a consistent copy of the database at dbPath to out with
// VACUUM INTO, while servers may be using it: the copy is one read
// transaction, which WAL mode lets run beside the writer. out is created
// with mode 0600 and must not exist. The pepper is not in the copy.
func Backup(ctx context.Context, dbPath, out string) (*Info, error) {
	if _, err := os.Stat(dbPath); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	// Not query_only: SQLite counts VACUUM INTO as a write. It writes
	// only to out.
	src, err := sql.Open("sqlite", dsn(dbPath))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer src.Close()
	info, err := inspect(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("backup: %s: %w", dbPath, err)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	f.Close()
	// SQLite writes into the empty file we made, keeping its mode.
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		os.Remove(out)
		return nil, fmt.Errorf("backup %s to %s: %w", dbPath, out, err)
	}
	if err := syncFile(out); err != nil {
		os.Remove(out)
		return nil, err
	}
	return info, nil
}

// inspect checks that db is a Keyward database and describes it.
func inspect(ctx context.Context, db *sql.DB) (*Info, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("not a Keyward database: %w", err)
	}
	if n == 0 {
		return nil, errors.New("not a Keyward database: it has no schema_migrations table")
	}
	info := &Info{}
	if info.Version, err = currentVersion(ctx, db); err != nil {
		return nil, err
	}
	if info.Version == 0 {
		return nil, errors.New("not a Keyward database: no migration was ever applied to it")
	}
	if info.Peppers, err = pepperUsage(ctx, db); err != nil {
		return nil, err
	}
	return info, nil
}

// syncFile flushes a file's contents to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return errors.Join(f.Sync(), f.Close())
}
