// Package sqlq compiles parsed queries (internal/query: filters and
// options of protocol.md section 11) to SQL for a Dialect, so that stored
// collections are queried in the database, with indexes, LIMIT, OFFSET
// and count, instead of being loaded into the node's memory. Results are
// those of query.Run on the same entries, on every back end.
//
// A store describes how entries are stored with a Table (one Column per
// top-level field), then compiles and runs each query. On database/sql
// (SQLite) RunSQL does both:
//
//	return sqlq.RunSQL(ctx, db, sqlq.SQLite, table, "api_keys k JOIN users u ON u.id = k.user_id", f, o)
//
// SQLite plans call the Go functions of SQLiteFunctions, which the store
// registers with modernc.org/sqlite once.
//
// On another driver, run Plan.SQL with Plan.Args and hand the rows to
// Plan.Read, which converts each row with Table.Entry and returns the
// count, the page, or the entry of get. With pgx v5:
//
//	p, err := sqlq.Compile(sqlq.PostgreSQL, table, from, f, o)
//	if err != nil {
//		return nil, err
//	}
//	rows, err := pool.Query(ctx, p.SQL, p.Args...)
//	if err != nil {
//		return nil, fmt.Errorf("query keys: %w", err)
//	}
//	defer rows.Close()
//	return p.Read(rows)
//
// Where a dialect cannot express a rule exactly (PostgreSQL: RE2 regular
// expressions, the total order across types inside JSON columns, simple
// case folding without a Fold copy), the plan narrows the rows in SQL and
// Read finishes exactly in Go; Plan.Exact tells whether SQL decides it
// all. Read stops reading at the page's end; the caller closes the rows.
//
// A store that keeps indexed copies of text columns after query.Fold
// (Column.Fold) lets case-insensitive conditions, such as ~ "(?i)ci\.prod"
// or Crin "prod", use those indexes.
package sqlq
