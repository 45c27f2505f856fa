package query

import (
	"context"
	"database/sql"
	"fmt"
)

// Querier runs SQL: a *sql.DB, *sql.Tx or *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// RunSQL runs a query on table t, whose rows are read FROM from: the
// count, or the entries shaped by the options (protocol.md 11).
func RunSQL(ctx context.Context, db Querier, t *Table, from string, f *Filter, o *Options) (any, error) {
	st, err := t.Compile(f, o)
	if err != nil {
		return nil, err
	}
	if st.Count {
		q, args := st.CountSQL(from)
		var n int64
		if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return nil, fmt.Errorf("count: %w", err)
		}
		return n, nil
	}
	q, args := st.SelectSQL(t.SelectList(), from)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var entries []map[string]any
	values := make([]any, len(t.Columns))
	ptrs := make([]any, len(values))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
		e, err := t.Entry(values)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return o.Shape(entries)
}
