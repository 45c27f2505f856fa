package sqlq_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlq"
)

// The keys screen benchmark: 100,000 keys of 100 owners, searched as the
// web UI does (Crin on the name or the owner's login), counted, and paged
// 50 at a time newest first, on each back end.
const benchKeys = 100000

var benchTable = &sqlq.Table{
	Columns: []sqlq.Column{
		{Name: "id", Expr: "k.id", Type: sqlq.Int},
		{Name: "name", Expr: "k.name", Type: sqlq.Text, Fold: "k.name_fold"},
		{Name: "username", Expr: "o.login", Type: sqlq.Text, Fold: "o.login_fold",
			Join: &sqlq.Join{Key: "k.owner_id", From: "owner o", ID: "o.id"}},
		{Name: "created_at", Expr: "k.created", Type: sqlq.DateTime},
		{Name: "expires_at", Expr: "k.expires", Type: sqlq.DateTime, Nullable: true},
	},
	DefaultOrder: "k.id",
}

const benchFrom = "bkey k JOIN owner o ON o.id = k.owner_id"

const benchSQLiteSchema = `CREATE TABLE owner (id INTEGER PRIMARY KEY, login TEXT NOT NULL, login_fold TEXT NOT NULL);
CREATE INDEX owner_login_fold ON owner (login_fold);
CREATE TABLE bkey (id INTEGER PRIMARY KEY, name TEXT NOT NULL, name_fold TEXT NOT NULL,
	owner_id INTEGER NOT NULL, created INTEGER NOT NULL, expires INTEGER);
CREATE INDEX bkey_name_fold ON bkey (name_fold);
CREATE INDEX bkey_owner ON bkey (owner_id);
CREATE INDEX bkey_created ON bkey (created);`

// benchPGSchema has the indexes recommended for the PostgreSQL store:
// pg_trgm GIN on the folded copies for Crin, B-tree ones (COLLATE "C"
// columns) for =, ranges and order.
const benchPGSchema = `CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE owner (id bigint PRIMARY KEY, login text COLLATE "C" NOT NULL, login_fold text COLLATE "C" NOT NULL);
CREATE INDEX owner_login_fold ON owner (login_fold);
CREATE INDEX owner_login_fold_trgm ON owner USING gin (login_fold gin_trgm_ops);
CREATE TABLE bkey (id bigint PRIMARY KEY, name text COLLATE "C" NOT NULL, name_fold text COLLATE "C" NOT NULL,
	owner_id bigint NOT NULL REFERENCES owner (id), created bigint NOT NULL, expires bigint);
CREATE INDEX bkey_name_fold ON bkey (name_fold);
CREATE INDEX bkey_name_fold_trgm ON bkey USING gin (name_fold gin_trgm_ops);
CREATE INDEX bkey_owner ON bkey (owner_id);
CREATE INDEX bkey_created ON bkey (created);
CREATE INDEX bkey_expires ON bkey (expires NULLS FIRST)`

// benchRow returns the owner and the key of index i.
func benchRow(i int) (owner string, name string, created int64) {
	return fmt.Sprintf("User-%03d", i%100), fmt.Sprintf("Key-%06d", i), 1704067200000 + int64(i)*1000
}

func benchQueries(b *testing.B) map[string][2]*query.Options {
	b.Helper()
	count := &query.Options{Count: true}
	page, err := query.ParseOptions("options", map[string]any{"order_by": []any{"-created_at"}, "limit": int64(50)})
	if err != nil {
		b.Fatal(err)
	}
	return map[string][2]*query.Options{"": {count, page}}
}

// BenchmarkKeysScreen100k runs the keys screen's count and page on SQLite
// and on PostgreSQL (when KEYWARD_TEST_DATABASE names a server).
// key-0001 matches 100 keys, none no key, key- every key.
func BenchmarkKeysScreen100k(b *testing.B) {
	run := map[string]func(f *query.Filter, o *query.Options) (any, error){"sqlite": openBenchSQLite(b)}
	if pool := openBenchPostgres(b); pool != nil {
		run["postgres"] = func(f *query.Filter, o *query.Options) (any, error) {
			return runPostgres(pool, benchTable, benchFrom, f, o)
		}
	}
	opts := benchQueries(b)[""]
	for _, backend := range []string{"sqlite", "postgres"} {
		fn, ok := run[backend]
		if !ok {
			continue
		}
		for _, text := range []string{"key-0001", "none", "key-"} {
			f, err := query.ParseFilters("filters", []any{[]any{"OR", []any{
				[]any{"name", "Crin", text}, []any{"username", "Crin", text}}}})
			if err != nil {
				b.Fatal(err)
			}
			for i, name := range []string{"count", "page"} {
				b.Run(backend+"/"+text+"/"+name, func(b *testing.B) {
					for b.Loop() {
						if _, err := fn(f, opts[i]); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

func openBenchSQLite(b *testing.B) func(f *query.Filter, o *query.Options) (any, error) {
	registerFunctions(b)
	db, err := sql.Open("sqlite", filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(benchSQLiteSchema); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		login, _, _ := benchRow(i)
		if _, err := tx.Exec(`INSERT INTO owner VALUES (?, ?, ?)`, i+1, login, query.Fold(login)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range benchKeys {
		_, name, created := benchRow(i)
		if _, err := tx.Exec(`INSERT INTO bkey VALUES (?, ?, ?, ?, ?, NULL)`, i+1, name, query.Fold(name), i%100+1, created); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return func(f *query.Filter, o *query.Options) (any, error) {
		return sqlq.RunSQL(context.Background(), db, sqlq.SQLite, benchTable, benchFrom, f, o)
	}
}

func openBenchPostgres(b *testing.B) *pgxpool.Pool {
	pool := openPostgresEmpty(b, benchPGSchema)
	if pool == nil {
		return nil
	}
	ctx := context.Background()
	var owners, keys [][]any
	for i := range 100 {
		login, _, _ := benchRow(i)
		owners = append(owners, []any{int64(i + 1), login, query.Fold(login)})
	}
	for i := range benchKeys {
		_, name, created := benchRow(i)
		keys = append(keys, []any{int64(i + 1), name, query.Fold(name), int64(i%100 + 1), created})
	}
	for _, t := range []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"owner", []string{"id", "login", "login_fold"}, owners},
		{"bkey", []string{"id", "name", "name_fold", "owner_id", "created"}, keys},
	} {
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return pool
}
