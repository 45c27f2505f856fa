package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward/internal/query"
)

const insertAuditSQL = `INSERT INTO audit (audit_id, message_timestamp, timestamp, address, username,
	session, service, service_data, event, event_data, success) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

// auditValues converts a record in canonical form to the values of
// insertAuditSQL.
func auditValues(e map[string]any) ([]any, error) {
	ts, _ := e["timestamp"].(time.Time)
	serviceData, err1 := query.EncodeJSON(e["service_data"])
	eventData, err2 := query.EncodeJSON(e["event_data"])
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("audit record: %w", err)
	}
	values := []any{e["audit_id"], e["message_timestamp"], ts.UnixMilli(), e["address"], e["username"],
		e["session"], e["service"], serviceData, e["event"], eventData, e["success"]}
	for i, v := range values {
		switch v.(type) {
		case string, int64, bool:
		case nil:
			if i != 5 { // only session may be null
				return nil, fmt.Errorf("audit record: field %d is missing", i+1)
			}
		default:
			return nil, fmt.Errorf("audit record: field %d is a %T", i+1, v)
		}
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
