package sqlq

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/keyward/keyward"
)

// Querier runs SQL: a *sql.DB, *sql.Tx or *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// RunSQL compiles a query for table t, whose rows are read FROM from, and
// runs it through database/sql: the count, or the entries shaped by the
// options (protocol.md 11). Stores on other drivers do the same with
// Compile and Plan.Read.
func RunSQL(ctx context.Context, db Querier, d Dialect, t *Table, from string, f keyward.Filter, o keyward.QueryOptions) (any, error) {
	p, err := Compile(d, t, from, f, o)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, p.SQL, p.Args...)
	if err != nil {
		return nil, fmt.Errorf("sqlq: query: %w", err)
	}
	defer rows.Close()
	return p.Read(rows)
}
