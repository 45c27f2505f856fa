package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Audit records are written by one goroutine that commits every record
// waiting at that moment in one transaction (group commit). Callers do not
// wait for the commit: a login's answer does not depend on its record, and
// waiting for a disk sync cost a third of the login rate. The queue is
// bounded (a full queue makes callers wait, so nothing is dropped) and
// Close writes whatever is queued; a crash can lose only the records of
// the last moments before it. docs/DECISIONS.md records this trade.

const maxAuditBatch = 512

// auditItem is a record to write, or (flushed set) a barrier that is
// closed once everything queued before it is committed.
type auditItem struct {
	values  []any
	flushed chan struct{}
}

var errClosed = errors.New("sqlite: database closed")

// enqueueAudit hands a record to the writer.
func (db *DB) enqueueAudit(ctx context.Context, values []any) error {
	select {
	case db.audits <- &auditItem{values: values}:
		return nil
	case <-db.stopped:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// auditWriter commits queued records in batches until the database closes.
func (db *DB) auditWriter() {
	defer close(db.writerDone)
	for {
		var first *auditItem
		select {
		case first = <-db.audits:
		case <-db.stopped:
			for batch := db.waiting(nil); len(batch) > 0; batch = db.waiting(nil) {
				db.logAuditError(db.writeAudit(batch))
			}
			return
		}
		db.logAuditError(db.writeAudit(db.waiting(first)))
	}
}

// flushAudit waits until every record queued so far is committed, so an
// audit query sees the records of the calls before it.
func (db *DB) flushAudit(ctx context.Context) error {
	it := &auditItem{flushed: make(chan struct{})}
	select {
	case db.audits <- it:
	case <-db.stopped:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-it.flushed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waiting returns first (if any) and every record queued behind it, up to
// a batch.
func (db *DB) waiting(first *auditItem) []*auditItem {
	var batch []*auditItem
	if first != nil {
		batch = append(batch, first)
	}
	for len(batch) < maxAuditBatch {
		select {
		case it := <-db.audits:
			batch = append(batch, it)
		default:
			return batch
		}
	}
	return batch
}

func (db *DB) logAuditError(err error) {
	if err != nil && db.OnError != nil {
		db.OnError(err)
	}
}

func (db *DB) writeAudit(batch []*auditItem) error {
	defer func() {
		for _, it := range batch {
			if it.flushed != nil {
				close(it.flushed)
			}
		}
	}()
	ctx := context.Background()
	return db.plainTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit (audit_id, message_timestamp, timestamp, address, username,
			session, service, service_data, event, event_data, success) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("add audit records: %w", err)
		}
		defer stmt.Close()
		for _, it := range batch {
			if it.flushed != nil {
				continue
			}
			if _, err := stmt.ExecContext(ctx, it.values...); err != nil {
				return fmt.Errorf("add audit record: %w", err)
			}
		}
		return nil
	})
}
