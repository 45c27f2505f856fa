package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

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
			panic(fmt.Sprintf("sqlite: migration %s is out of sequence", name))
		}
		body, err := migrationFS.ReadFile(path)
		if err != nil {
			panic(err)
		}
		out = append(out, migration{version: i + 1, name: name, sql: string(body)})
	}
	return out
}

// migrate applies pending migrations, each in its own write transaction
// (which holds SQLite's write lock, so two servers never migrate at once).
// Migrations are forward-only; a database from a newer Keyward is refused
// before anything is written.
func (db *DB) migrate(ctx context.Context) error {
	if err := db.migrateTo(ctx, len(migrations())); err != nil {
		return err
	}
	return db.refold(ctx)
}

// migrateTo applies the migrations up to version n.
func (db *DB) migrateTo(ctx context.Context, n int) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	v, err := currentVersion(ctx, db.write)
	if err != nil {
		return err
	}
	if err := checkVersion(v); err != nil {
		return fmt.Errorf("%s: %w: upgrade Keyward or restore a backup", db.path, err)
	}
	for _, m := range migrations()[:n] {
		if err := db.plainTx(ctx, func(tx *sql.Tx) error { return db.apply(ctx, tx, m) }); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration unless the database has it already: the version
// is read again inside the transaction, after the write lock is taken, so
// a server that waited for another one's migration skips it.
func (db *DB) apply(ctx context.Context, tx *sql.Tx, m migration) error {
	v, err := currentVersion(ctx, tx)
	if err != nil || v >= m.version {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, db.Now().Unix())
	return err
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

// CreateAt creates a database at path with only the first n migrations
// applied, as a Keyward of schema version n left it. Upgrade tests fill it
// the way that version would have, then Open it with the current code.
func CreateAt(ctx context.Context, path string, n int) error {
	if n < 1 || n > SchemaVersion() {
		return fmt.Errorf("schema version %d: want 1..%d", n, SchemaVersion())
	}
	unlock, err := lock(path, false)
	if err != nil {
		return err
	}
	defer unlock()
	if err := createPrivate(path); err != nil {
		return err
	}
	w, err := sql.Open("sqlite", dsn(path)+"&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	db := &DB{path: path, write: w, Now: time.Now}
	return db.migrateTo(ctx, n)
}

// refold recomputes the case-folded search columns when the Unicode tables
// they were made with differ from this binary's (a Go upgrade), so searches
// never miss a row. Names go to kw_fold as blobs: as text, one holding a
// NUL would reach the function cut short.
func (db *DB) refold(ctx context.Context) error {
	return db.plainTx(ctx, func(tx *sql.Tx) error {
		var made string
		err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT text FROM meta_text WHERE key = 'fold_unicode'), '')`).Scan(&made)
		if err != nil || made == unicode.Version {
			return err
		}
		for _, stmt := range []string{
			`UPDATE api_keys SET name_fold = kw_fold(CAST(name AS BLOB))`,
			`UPDATE users SET username_fold = kw_fold(CAST(username AS BLOB))`,
			`INSERT INTO meta_text (key, text) VALUES ('fold_unicode', ?) ON CONFLICT (key) DO UPDATE SET text = excluded.text`,
		} {
			args := []any{}
			if strings.Contains(stmt, "?") {
				args = append(args, unicode.Version)
			}
			if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
				return fmt.Errorf("refold search columns: %w", err)
			}
		}
		return nil
	})
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func currentVersion(ctx context.Context, q queryer) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}
