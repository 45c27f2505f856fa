package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/sqlq"
)

// auditTable is the audit query table.
var auditTable = sqlq.AuditTable

// AddAudit stores one audit record and returns once it is committed
// (batched with the records of the same moment; see batch.go).
func (db *DB) AddAudit(ctx context.Context, entry map[string]any) (err error) {
	defer db.fail(&err)
	values := make([]any, len(auditTable.Columns))
	for i, c := range auditTable.Columns {
		v, err := c.Type.ToSQL(entry[c.Name])
		if err != nil {
			return fmt.Errorf("audit %s: %w", c.Name, err)
		}
		values[i] = v
	}
	return db.enqueueAudit(ctx, values)
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

// PruneAudit deletes records older than before.
func (db *DB) PruneAudit(ctx context.Context, before time.Time) (_ int64, err error) {
	defer db.fail(&err)
	var n int64
	err = db.plainTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM audit WHERE timestamp < ?`, before.UnixMilli())
		if err != nil {
			return fmt.Errorf("prune audit: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// runQuery compiles a query for table t and runs it on the readers.
func (db *DB) runQuery(ctx context.Context, t *sqlq.Table, from string, f keyward.Filter, o keyward.QueryOptions) (any, error) {
	return sqlq.RunSQL(ctx, db.read, sqlq.SQLite, t, from, f, o)
}
