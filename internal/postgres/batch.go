package postgres

import (
	"context"
	"errors"
)

// Audit records are written by one goroutine that commits every record
// waiting at that moment in one transaction (group commit), as on SQLite
// (see sqlite/batch.go and docs/DECISIONS.md): callers do not wait for the
// commit, the queue is bounded so nothing is dropped, QueryAudit waits for
// the records queued before it, and Close writes whatever is queued.

const maxAuditBatch = 512

// auditItem is a record to write, or (flushed set) a barrier that is
// closed once everything queued before it is committed.
type auditItem struct {
	values  []any
	flushed chan struct{}
}

var errClosed = errors.New("postgres: database closed")

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
				db.tellAuditError(db.writeAudit(batch))
			}
			return
		}
		db.tellAuditError(db.writeAudit(db.waiting(first)))
	}
}

// flushAudit waits until every record queued so far is committed.
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

// tellAuditError tells OnError of a batch that could not be written (the
// writer goes on with the next one).
func (db *DB) tellAuditError(err error) {
	if err != nil && db.hooks.OnError != nil {
		db.hooks.OnError(err)
	}
}
