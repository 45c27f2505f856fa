package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward/internal/query"
)

// auditColumns are the audit table's columns for the top-level fields of
// a record, in the order of insertAuditSQL.
var auditColumns = []struct {
	name string
	typ  query.ColumnType
}{
	{"audit_id", query.Text}, {"message_timestamp", query.Int}, {"timestamp", query.DateTime},
	{"address", query.Text}, {"username", query.Text}, {"session", query.Text}, {"service", query.Text},
	{"service_data", query.JSON}, {"event", query.Text}, {"event_data", query.JSON}, {"success", query.Bool},
}

const insertAuditSQL = `INSERT INTO audit (audit_id, message_timestamp, timestamp, address, username,
	session, service, service_data, event, event_data, success) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

// auditValues converts a record to the values of insertAuditSQL.
func auditValues(entry map[string]any) ([]any, error) {
	values := make([]any, len(auditColumns))
	for i, c := range auditColumns {
		if b, ok := entry[c.name].(bool); ok && c.typ == query.Bool {
			values[i] = b // a boolean column here, not SQLite's 0 or 1
			continue
		}
		v, err := c.typ.ToSQL(entry[c.name])
		if err != nil {
			return nil, fmt.Errorf("audit %s: %w", c.name, err)
		}
		values[i] = v
	}
	return values, nil
}

// AddAudit stores one audit record. It returns once the record is queued
// for the audit writer (batch.go); QueryAudit and Close wait for it.
func (db *DB) AddAudit(ctx context.Context, entry map[string]any) (err error) {
	defer db.fail(&err)
	values, err := auditValues(entry)
	if err != nil {
		return err
	}
	return db.enqueueAudit(ctx, values)
}

// PruneAudit deletes records older than before.
func (db *DB) PruneAudit(ctx context.Context, before time.Time) (_ int64, err error) {
	defer db.fail(&err)
	tag, err := db.pool.Exec(ctx, `DELETE FROM audit WHERE timestamp < $1`, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("prune audit: %w", err)
	}
	return tag.RowsAffected(), nil
}

// writeAudit commits a batch of records in one transaction and then
// releases the flush barriers in it.
func (db *DB) writeAudit(batch []*auditItem) error {
	defer func() {
		for _, it := range batch {
			if it.flushed != nil {
				close(it.flushed)
			}
		}
	}()
	b := &pgx.Batch{}
	for _, it := range batch {
		if it.flushed == nil {
			b.Queue(insertAuditSQL, it.values...)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("add audit records: %w", err)
		}
		return nil
	})
}
