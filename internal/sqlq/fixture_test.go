package sqlq_test

import (
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"sync"
	"testing"

	"modernc.org/sqlite"

	"github.com/keyward/keyward/internal/query/querytest"
	"github.com/keyward/keyward/internal/sqlq"
)

// testTable has a column of every type, nullable and not, and a redacted
// constant column.
var testTable = &sqlq.Table{
	Columns: []sqlq.Column{
		{Name: "id", Expr: "e.id", Type: sqlq.Int},
		{Name: "name", Expr: "e.name", Type: sqlq.Text},
		{Name: "note", Expr: "e.note", Type: sqlq.Text, Nullable: true},
		{Name: "score", Expr: "e.score", Type: sqlq.Float, Nullable: true},
		{Name: "level", Expr: "e.level", Type: sqlq.Int, Nullable: true},
		{Name: "active", Expr: "e.active", Type: sqlq.Bool},
		{Name: "flag", Expr: "e.flag", Type: sqlq.Bool, Nullable: true},
		{Name: "created", Expr: "e.created", Type: sqlq.DateTime},
		{Name: "expires", Expr: "e.expires", Type: sqlq.DateTime, Nullable: true},
		{Name: "tags", Expr: "e.tags", Type: sqlq.JSON},
		{Name: "meta", Expr: "e.meta", Type: sqlq.JSON, Nullable: true},
		{Name: "secret", Expr: "'********'", Type: sqlq.Text},
	},
	DefaultOrder: "e.id",
}

// foldedTable is testTable with the folded copies of name and note, which
// the entry table always holds.
var foldedTable = withFold(testTable, map[string]string{"name": "e.name_fold", "note": "e.note_fold"})

// withFold returns a copy of t whose columns named in folds have Fold set.
func withFold(t *sqlq.Table, folds map[string]string) *sqlq.Table {
	out := *t
	out.Columns = append([]sqlq.Column(nil), t.Columns...)
	for i, c := range out.Columns {
		out.Columns[i].Fold = folds[c.Name]
	}
	return &out
}

const testSchema = `CREATE TABLE entry (
	id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, score REAL, level INTEGER,
	active INTEGER NOT NULL, flag INTEGER, created INTEGER NOT NULL, expires INTEGER,
	tags TEXT NOT NULL, meta TEXT, name_fold TEXT NOT NULL, note_fold TEXT);
CREATE INDEX entry_created ON entry (created);
CREATE INDEX entry_name ON entry (name);
CREATE INDEX entry_name_fold ON entry (name_fold);
CREATE INDEX entry_note_fold ON entry (note_fold);`

// The drivers the tests run on: "sqlite" gets the functions the usual way
// (arguments copied), "sqlite-volatile" with zero-copy arguments, which
// checks that no function retains an argument.
var (
	drivers      = []string{"sqlite", "sqlite-volatile"}
	registerOnce sync.Once
)

func registerFunctions(tb testing.TB) {
	tb.Helper()
	registerOnce.Do(func() {
		volatile := &sqlite.Driver{}
		for _, f := range sqlq.SQLiteFunctions() {
			fn := f.Fn
			scalar := func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				return fn(args)
			}
			if err := sqlite.RegisterDeterministicScalarFunction(f.Name, f.NArgs, scalar); err != nil {
				tb.Fatal(err)
			}
			impl := &sqlite.FunctionImpl{NArgs: f.NArgs, Deterministic: true, VolatileArgs: true, Scalar: scalar}
			if err := volatile.RegisterFunction(f.Name, impl); err != nil {
				tb.Fatal(err)
			}
		}
		sql.Register("sqlite-volatile", volatile)
	})
}

// MustOpenDB returns a SQLite database of the named driver holding the
// test entries.
func MustOpenDB(tb testing.TB, driverName string) *sql.DB {
	tb.Helper()
	db := mustOpenEmpty(tb, driverName)
	for _, e := range querytest.Entries(tb) {
		insertEntry(tb, db, e)
	}
	return db
}

func mustOpenEmpty(tb testing.TB, driverName string) *sql.DB {
	tb.Helper()
	registerFunctions(tb)
	db, err := sql.Open(driverName, filepath.Join(tb.TempDir(), "query.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Exec(testSchema); err != nil {
		tb.Fatal(err)
	}
	return db
}
