package sqlq

import (
	"errors"
	"fmt"

	"github.com/keyward/keyward/internal/query"
)

// Rows is what Read needs of a driver's result set; database/sql's
// *sql.Rows and pgx's pgx.Rows both have it. Read does not close rows:
// the caller does, which also ends a statement Read stops reading early.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Read reads the rows of p.SQL and returns the query's result, as
// query.Run gives it: the count (an int64), the entries shaped by the
// options, or one entry for get (keyward.ErrMatchNotFound when nothing
// matches).
func (p *Plan) Read(rows Rows) (any, error) {
	if p.mode == modeCount {
		var n int64
		if !rows.Next() {
			return nil, fmt.Errorf("sqlq: count: %w", errors.Join(errors.New("no row"), rows.Err()))
		}
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlq: count: %w", err)
		}
		return n, nil
	}
	entries, n, err := p.collect(rows)
	if err != nil {
		return nil, err
	}
	switch {
	case p.mode == modeSort:
		return query.Run(entries, p.filter, p.opts)
	case p.opts.Count:
		return n, nil
	}
	return p.opts.Shape(entries)
}

// collect reads the entries of the rows. With modeFilter it keeps only
// matches, counts them for count, and otherwise applies offset and limit,
// stopping at the limit.
func (p *Plan) collect(rows Rows) ([]map[string]any, int64, error) {
	var entries []map[string]any
	var n int64
	limit := p.opts.RowLimit()
	values := make([]any, len(p.table.Columns))
	ptrs := make([]any, len(values))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, 0, fmt.Errorf("sqlq: %w", err)
		}
		e, err := p.table.Entry(values)
		if err != nil {
			return nil, 0, err
		}
		if p.mode == modeFilter {
			if !p.filter.Match(e) {
				continue
			}
			if n++; p.opts.Count || n <= p.opts.Offset {
				continue
			}
		}
		entries = append(entries, e)
		if p.mode == modeFilter && limit >= 0 && int64(len(entries)) >= limit {
			return entries, n, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlq: %w", err)
	}
	return entries, n, nil
}
