package sqlq_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlq"
)

// insertEntry stores e, with the folded copies of its text columns that
// have one in foldedTable.
func insertEntry(tb testing.TB, db *sql.DB, e map[string]any) {
	tb.Helper()
	mustInsert(tb, db, "entry", foldedTable, e)
}

// mustInsert stores e in table name, whose columns are named as the
// fields of t (after the alias), with the Fold copies computed.
func mustInsert(tb testing.TB, db *sql.DB, name string, t *sqlq.Table, e map[string]any) {
	tb.Helper()
	var cols []string
	var args []any
	for _, c := range t.Columns {
		if c.Join != nil || strings.HasPrefix(c.Expr, "'") {
			continue
		}
		v, err := c.Type.ToSQL(e[c.Name])
		if err != nil {
			tb.Fatal(err)
		}
		cols, args = append(cols, c.Name), append(args, v)
		if c.Fold != "" {
			cols = append(cols, c.Fold[strings.Index(c.Fold, ".")+1:])
			if s, ok := v.(string); ok {
				v = query.Fold(s)
			}
			args = append(args, v)
		}
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", name, strings.Join(cols, ", "), marks)
	if _, err := db.Exec(q, args...); err != nil {
		tb.Fatal(err)
	}
}

// sqlMode is one way of running a query through SQL.
type sqlMode struct {
	name    string
	table   *sqlq.Table
	generic bool // every condition in kw_cond
	match   bool // the whole filter in kw_match
}

// sqlModes run the native translations on testTable and on foldedTable,
// kw_cond alone, and kw_match (the translation of large filters).
var sqlModes = []sqlMode{
	{name: "native", table: testTable},
	{name: "folded", table: foldedTable},
	{name: "kw_cond only", table: testTable, generic: true},
	{name: "kw_match", table: foldedTable, match: true},
}

// runSQLMode runs a query on the entry table in mode m.
func runSQLMode(db *sql.DB, f *query.Filter, o *query.Options, m sqlMode) (any, error) {
	sqlq.SetGenericOnly(m.generic)
	sqlq.SetMatchOnly(m.match)
	defer sqlq.SetGenericOnly(false)
	defer sqlq.SetMatchOnly(false)
	return runTableSQL(db, m.table, "entry e", f, o)
}

// runSQL runs a query on the entry table with the native translations.
func runSQL(db *sql.DB, f *query.Filter, o *query.Options) (any, error) {
	return runTableSQL(db, testTable, "entry e", f, o)
}

// runTableSQL runs a query the way a store does.
func runTableSQL(db *sql.DB, t *sqlq.Table, from string, f *query.Filter, o *query.Options) (any, error) {
	return sqlq.RunSQL(context.Background(), db, sqlq.SQLite, t, from, f, o)
}
