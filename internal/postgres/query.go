package postgres

import (
	"context"
	"fmt"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/sqlq"
)

// keyTable maps key entries onto api_keys joined with users, as SQLite's
// does.
func keyTable(v keyward.KeyView) *sqlq.Table {
	hash := sqlq.Column{Name: "keyhash", Expr: "k.keyhash", Type: sqlq.Text}
	if v.Redact {
		hash.Expr = "'********'"
	}
	cols := []sqlq.Column{
		{Name: "id", Expr: "k.id", Type: sqlq.Int},
		{Name: "name", Expr: "k.name", Type: sqlq.Text, Fold: "k.name_fold"},
		{Name: "username", Expr: "u.username", Type: sqlq.Text, Fold: "u.username_fold",
			Join: &sqlq.Join{Key: "k.user_id", From: "users u", ID: "u.id"}},
		{Name: "user_identifier", Expr: "k.user_id", Type: sqlq.Int},
		hash,
		{Name: "created_at", Expr: "k.created_at", Type: sqlq.DateTime},
		{Name: "expires_at", Expr: "k.expires_at", Type: sqlq.DateTime, Nullable: true},
		{Name: "local", Expr: "true", Type: sqlq.Bool},
		{Name: "revoked", Expr: "k.revoked", Type: sqlq.Bool},
		{Name: "revoked_reason", Expr: "k.revoked_reason", Type: sqlq.Text, Nullable: true},
	}
	return &sqlq.Table{Columns: cols, DefaultOrder: "k.id"}
}

// auditTable maps audit records onto the audit table.
var auditTable = &sqlq.Table{
	Columns: []sqlq.Column{
		{Name: "audit_id", Expr: "a.audit_id", Type: sqlq.Text},
		{Name: "message_timestamp", Expr: "a.message_timestamp", Type: sqlq.Int},
		{Name: "timestamp", Expr: "a.timestamp", Type: sqlq.DateTime},
		{Name: "address", Expr: "a.address", Type: sqlq.Text},
		{Name: "username", Expr: "a.username", Type: sqlq.Text},
		{Name: "session", Expr: "a.session", Type: sqlq.Text, Nullable: true},
		{Name: "service", Expr: "a.service", Type: sqlq.Text},
		{Name: "service_data", Expr: "a.service_data", Type: sqlq.JSON},
		{Name: "event", Expr: "a.event", Type: sqlq.Text},
		{Name: "event_data", Expr: "a.event_data", Type: sqlq.JSON},
		{Name: "success", Expr: "a.success", Type: sqlq.Bool},
	},
	DefaultOrder: "a.id",
}

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
