package postgres

import (
	"context"
	"fmt"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/sqlq"
)

// keyTable is the key query table with PostgreSQL's true.
func keyTable(v keyward.KeyView) *sqlq.Table { return sqlq.KeyTable(v, "true") }

// auditTable is the audit query table.
var auditTable = sqlq.AuditTable

// QueryKeys runs an api_key.query in SQL, as the view shows keys.
func (db *DB) QueryKeys(ctx context.Context, v keyward.KeyView, f keyward.Filter, o keyward.QueryOptions) (_ any, err error) {
	defer db.fail(&err)
	return db.runQuery(ctx, keyTable(v), "api_keys k JOIN users u ON u.id = k.user_id", f, o)
}

// QueryAudit runs a query over the audit trail in SQL, after the records
// queued so far are written.
func (db *DB) QueryAudit(ctx context.Context, f keyward.Filter, o keyward.QueryOptions) (_ any, err error) {
	defer db.fail(&err)
	if err := db.flushAudit(ctx); err != nil {
		return nil, err
	}
	return db.runQuery(ctx, auditTable, "audit a", f, o)
}

// runQuery compiles a query for table t, read FROM from, in PostgreSQL's
// dialect and runs it on the pool.
func (db *DB) runQuery(ctx context.Context, t *sqlq.Table, from string, f keyward.Filter, o keyward.QueryOptions) (any, error) {
	p, err := sqlq.Compile(sqlq.PostgreSQL, t, from, f, o)
	if err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, p.SQL, p.Args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	out, err := p.Read(rows)
	if err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return out, nil
}
