package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Audit records are written by one goroutine that commits every record
// waiting at that moment in one transaction (group commit): a login then
// waits for one disk sync shared with every other login of that moment,
// instead of each waiting for its own. A record is acknowledged only once
// its transaction has committed.

const maxAuditBatch = 512

type auditItem struct {
	values []any
	done   chan error
}

var errClosed = errors.New("sqlite: database closed")

// enqueueAudit hands a record to the writer and waits until it is
// committed.
func (db *DB) enqueueAudit(ctx context.Context, values []any) error {
	it := &auditItem{values: values, done: make(chan error, 1)}
	select {
	case db.audits <- it:
	case <-db.stopped:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-it.done:
		return err
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
			db.failPending()
			return
		}
		batch := []*auditItem{first}
	more:
		for len(batch) < maxAuditBatch {
			select {
			case it := <-db.audits:
				batch = append(batch, it)
			default:
				break more
			}
		}
		err := db.writeAudit(batch)
		for _, it := range batch {
			it.done <- err
		}
	}
}

func (db *DB) writeAudit(batch []*auditItem) error {
	ctx := context.Background()
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit (audit_id, message_timestamp, timestamp, address, username,
			session, service, service_data, event, event_data, success) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("add audit records: %w", err)
		}
		defer stmt.Close()
		for _, it := range batch {
			if _, err := stmt.ExecContext(ctx, it.values...); err != nil {
				return fmt.Errorf("add audit record: %w", err)
			}
		}
		return nil
	})
}

// failPending answers records still queued when the database closes.
func (db *DB) failPending() {
	for {
		select {
		case it := <-db.audits:
			it.done <- errClosed
		default:
			return
		}
	}
}
