package sqlq_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keyward/keyward/internal/pgtest"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlq"
)

// engine is one way of running a query on the test entries.
type engine struct {
	name string
	run  func(f *query.Filter, o *query.Options) (any, error)
}

// openEngines returns memory, every SQLite driver in every mode, and
// PostgreSQL in its modes when KEYWARD_TEST_DATABASE names a server.
func openEngines(t *testing.T, entries []map[string]any) []engine {
	t.Helper()
	engines := []engine{{name: "memory", run: func(f *query.Filter, o *query.Options) (any, error) {
		return query.Run(entries, f, o)
	}}}
	for name, db := range openAll(t, entries) {
		for _, m := range sqlModes {
			engines = append(engines, engine{name: name + "/" + m.name, run: func(f *query.Filter, o *query.Options) (any, error) {
				return runSQLMode(db, f, o, m)
			}})
		}
	}
	pool := openPostgres(t, entries)
	if pool == nil {
		return engines
	}
	for _, m := range pgModes {
		engines = append(engines, engine{name: "postgres/" + m.name, run: func(f *query.Filter, o *query.Options) (any, error) {
			return runPostgresMode(pool, f, o, m)
		}})
	}
	return engines
}

// pgModes run the PostgreSQL translations on testTable and foldedTable,
// and with every condition left to Go (the generic form, which
// PostgreSQL lacks), which checks the narrow-then-finish path.
var pgModes = []sqlMode{
	{name: "native", table: testTable},
	{name: "folded", table: foldedTable},
	{name: "go", table: foldedTable, generic: true},
}

// pgSchema is testSchema for PostgreSQL. Text is COLLATE "C", which lets
// indexes serve the code point ranges and order the dialect writes.
const pgSchema = `CREATE TABLE entry (
	id bigint PRIMARY KEY, name text COLLATE "C" NOT NULL, note text COLLATE "C",
	score double precision, level bigint, active boolean NOT NULL, flag boolean,
	created bigint NOT NULL, expires bigint, tags text NOT NULL, meta text,
	name_fold text COLLATE "C" NOT NULL, note_fold text COLLATE "C");
CREATE INDEX entry_created ON entry (created);
CREATE INDEX entry_name ON entry (name);
CREATE INDEX entry_name_fold ON entry (name_fold);
CREATE INDEX entry_note_fold ON entry (note_fold)`

// openPostgres returns a pool on a fresh database holding entries, or nil
// when no server is configured (outside CI, where pgtest fails instead).
func openPostgres(tb testing.TB, entries []map[string]any) *pgxpool.Pool {
	tb.Helper()
	pool := openPostgresEmpty(tb, pgSchema)
	if pool == nil {
		return nil
	}
	for _, e := range entries {
		mustInsertPG(tb, pool, "entry", foldedTable, e)
	}
	return pool
}

// openPostgresEmpty returns a pool on a fresh database with schema, or
// nil when no server is configured (outside CI, where pgtest fails
// instead).
func openPostgresEmpty(tb testing.TB, schema string) *pgxpool.Pool {
	tb.Helper()
	if !pgtest.Enabled() && os.Getenv("CI") == "" {
		tb.Logf("PostgreSQL not run: set %s", pgtest.EnvVar)
		return nil
	}
	pool, err := pgxpool.New(context.Background(), pgtest.Fresh(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	if _, err := pool.Exec(context.Background(), schema); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// mustInsertPG is mustInsert on PostgreSQL.
func mustInsertPG(tb testing.TB, pool *pgxpool.Pool, name string, t *sqlq.Table, e map[string]any) {
	tb.Helper()
	var cols, marks []string
	var args []any
	add := func(col string, v any) {
		cols, args = append(cols, col), append(args, v)
		marks = append(marks, fmt.Sprintf("$%d", len(args)))
	}
	for _, c := range t.Columns {
		if c.Join != nil || strings.HasPrefix(c.Expr, "'") {
			continue
		}
		v, err := sqlq.PostgreSQL.Store(c.Type, e[c.Name])
		if err != nil {
			tb.Fatal(err)
		}
		add(c.Name, v)
		if c.Fold != "" {
			if s, ok := v.(string); ok {
				v = query.Fold(s)
			}
			add(c.Fold[strings.Index(c.Fold, ".")+1:], v)
		}
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", name, strings.Join(cols, ", "), strings.Join(marks, ", "))
	if _, err := pool.Exec(context.Background(), q, args...); err != nil {
		tb.Fatal(err)
	}
}

// runPostgresMode runs a query on the entry table in mode m.
func runPostgresMode(pool *pgxpool.Pool, f *query.Filter, o *query.Options, m sqlMode) (any, error) {
	sqlq.SetGenericOnly(m.generic)
	defer sqlq.SetGenericOnly(false)
	return runPostgres(pool, m.table, "entry e", f, o)
}

// runPostgres runs a query the way the PostgreSQL store does.
func runPostgres(pool *pgxpool.Pool, t *sqlq.Table, from string, f *query.Filter, o *query.Options) (any, error) {
	ctx := context.Background()
	p, err := sqlq.Compile(sqlq.PostgreSQL, t, from, f, o)
	if err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, p.SQL, p.Args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.SQL, err)
	}
	defer rows.Close()
	return p.Read(rows)
}
