package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Advisory lock keys ("keyward" and a number): one for migrations, one
// for writers (see changes.go).
const (
	lockMigrate int64 = 0x6b65797761726401
	lockWrite   int64 = 0x6b65797761726402
)

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations, numbered 1, 2, ... in order.
func migrations() []migration {
	entries, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	slices.Sort(entries)
	out := make([]migration, 0, len(entries))
	for i, path := range entries {
		name := strings.TrimPrefix(path, "migrations/")
		num, _, _ := strings.Cut(name, "_")
		if v, err := strconv.Atoi(num); err != nil || v != i+1 {
			panic(fmt.Sprintf("postgres: migration %s is out of sequence", name))
		}
		body, err := migrationFS.ReadFile(path)
		if err != nil {
			panic(err)
		}
		out = append(out, migration{version: i + 1, name: name, sql: string(body)})
	}
	return out
}

// SchemaVersion is the number of the last migration this binary has.
func SchemaVersion() int { return len(migrations()) }

// checkVersion refuses a database at a schema version newer than this
// binary's, naming both.
func checkVersion(v int) error {
	if known := SchemaVersion(); v > known {
		return fmt.Errorf("the database was written by a newer Keyward (schema version %d; this one knows up to %d)", v, known)
	}
	return nil
}

// migrate applies pending migrations, each in its own transaction, while
// holding an advisory lock: nodes starting together migrate once, the
// others wait and then find nothing to do. A database from a newer Keyward
// is refused before anything is written.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockMigrate); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockMigrate)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`); err != nil {
		return fmt.Errorf("postgres: create schema_migrations: %w", err)
	}
	v, err := currentVersion(ctx, conn)
	if err != nil {
		return err
	}
	if err := checkVersion(v); err != nil {
		return fmt.Errorf("postgres: %w: upgrade Keyward", err)
	}
	for _, m := range migrations()[v:] {
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error { return db.apply(ctx, tx, m) }); err != nil {
			return err
		}
	}
	return db.refold(ctx, conn)
}

// apply runs one migration and records it.
func (db *DB) apply(ctx context.Context, tx pgx.Tx, m migration) error {
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return fmt.Errorf("postgres: migration %s: %w", m.name, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, db.now().Unix())
	if err != nil {
		return fmt.Errorf("postgres: migration %s: %w", m.name, err)
	}
	return nil
}

// currentVersion returns the newest migration applied (0: none).
func currentVersion(ctx context.Context, q querier) (int, error) {
	var v *int32
	if err := q.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return int(*v), nil
}
