// Package sqltest holds helpers for tests that look at SQL statements.
// It depends on database/sql only, so that the query engine's tests and
// the SQLite store's tests can both use it without pulling in each other.
package sqltest

import (
	"database/sql"
	"strings"
	"testing"
)

// QueryPlan returns the detail lines of SQLite's EXPLAIN QUERY PLAN for
// the statement q with args, one per line.
func QueryPlan(tb testing.TB, db *sql.DB, q string, args []any) string {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			tb.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
