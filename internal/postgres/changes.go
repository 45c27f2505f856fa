package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

// Writers. UpdateKeys and UpdateAccounts take the write lock (an advisory
// transaction lock) before anything else, so write transactions run one at
// a time across every node, as on SQLite: a transaction's checks (a name
// is free, a last administrator stays) still hold when it commits. Each
// appends its changes at its end, still under the lock, which is released
// only after the commit is visible: sequence order is commit order, and a
// reader that has seen seq n has seen every smaller one.

// channel is the NOTIFY channel; the payload is the newest seq.
const channel = "keyward_changes"

// wtx is one write transaction and what it appends at its end.
type wtx struct {
	tx       pgx.Tx
	changes  []keyward.Change // Seq and At are set at the end
	keys     bool             // keys changed: bump keys_generation
	accounts bool             // accounts changed: bump accounts_generation
}

// update runs fn in a write transaction holding the write lock, appends
// the changes it recorded and commits if fn succeeds.
func (db *DB) update(ctx context.Context, fn func(*wtx) error) error {
	var seq int64
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockWrite); err != nil {
			return fmt.Errorf("write lock: %w", err)
		}
		w := &wtx{tx: tx}
		if err := fn(w); err != nil {
			return err
		}
		var err error
		seq, err = db.finish(ctx, w)
		return err
	})
	if err == nil {
		db.noteSeq(seq)
	}
	return err
}

// noteSeq raises LocalSeq to seq.
func (db *DB) noteSeq(seq int64) {
	for cur := db.localSeq.Load(); seq > cur && !db.localSeq.CompareAndSwap(cur, seq); cur = db.localSeq.Load() {
	}
}

// finish bumps the generations w changed and appends its changes, with a
// NOTIFY, returning the last seq (0: none).
func (db *DB) finish(ctx context.Context, w *wtx) (int64, error) {
	b := &pgx.Batch{}
	if w.accounts {
		b.Queue(`UPDATE meta SET value = value + 1 WHERE key = 'accounts_generation'`)
	}
	if w.keys {
		b.Queue(`UPDATE meta SET value = value + 1 WHERE key = 'keys_generation'`)
	}
	if len(w.changes) == 0 {
		return 0, sendBatch(ctx, w.tx, b)
	}
	if _, err := w.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockWrite); err != nil {
		return 0, fmt.Errorf("write lock: %w", err)
	}
	var last int64
	if err := w.tx.QueryRow(ctx, `UPDATE meta SET value = value + $1 WHERE key = 'changes_seq' RETURNING value`,
		len(w.changes)).Scan(&last); err != nil {
		return 0, fmt.Errorf("append changes: %w", err)
	}
	at := db.now().UnixMilli()
	for i, c := range w.changes {
		row, err := keyJSON(c.Key)
		if err != nil {
			return 0, err
		}
		b.Queue(`INSERT INTO changes (seq, kind, msg, ref_id, key_row, session, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			last-int64(len(w.changes)-1-i), string(c.Kind), nullString(string(c.Msg)), nullInt(c.ID), row,
			nullString(c.Session), at)
	}
	b.Queue(`SELECT pg_notify($1, $2)`, channel, fmt.Sprint(last))
	return last, sendBatch(ctx, w.tx, b)
}

// sendBatch runs b's statements in tx.
func sendBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("append changes: %w", err)
	}
	return nil
}

// keyChange records a change of key id; k is its state after (nil when
// removed).
func (w *wtx) keyChange(msg keyward.EventMsg, id int64, k *keyward.APIKey) {
	w.keys = true
	w.changes = append(w.changes, keyward.Change{Kind: keyward.ChangeKey, Msg: msg, ID: id, Key: k})
}

// AppendSessionEnd records that session id is to end.
func (db *DB) AppendSessionEnd(ctx context.Context, id string) (err error) {
	defer db.fail(&err)
	return db.update(ctx, func(w *wtx) error {
		w.changes = append(w.changes, keyward.Change{Kind: keyward.ChangeSession, Session: id})
		return nil
	})
}

// LocalSeq returns the highest seq committed through this DB.
func (db *DB) LocalSeq() int64 { return db.localSeq.Load() }

// LastChange returns the newest committed seq (0: none yet).
func (db *DB) LastChange(ctx context.Context) (_ int64, err error) {
	defer db.fail(&err)
	return metaValue(ctx, db.feed, "changes_seq")
}

// metaValue reads a counter of the meta table.
func metaValue(ctx context.Context, q querier, key string) (int64, error) {
	var v int64
	if err := q.QueryRow(ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&v); err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	return v, nil
}

// PruneChanges deletes the changes older than before, always keeping the
// newest. It deletes a prefix of the log (every seq up to the newest one
// older than before, whatever the clocks of the nodes that wrote them) and
// records how far, so ChangesAfter knows when it no longer reaches back.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) (err error) {
	defer db.fail(&err)
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		var cut *int64
		err := tx.QueryRow(ctx, `SELECT max(seq) FROM changes WHERE at < $1
			AND seq < (SELECT value FROM meta WHERE key = 'changes_seq')`, before.UnixMilli()).Scan(&cut)
		if err != nil || cut == nil {
			return wrap("prune changes", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM changes WHERE seq <= $1`, *cut); err != nil {
			return fmt.Errorf("prune changes: %w", err)
		}
		_, err = tx.Exec(ctx, `UPDATE meta SET value = greatest(value, $1) WHERE key = 'changes_pruned_through'`, *cut)
		return wrap("prune changes", err)
	})
}

// wrap prefixes a non-nil err with what failed.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Listen LISTENs on a connection of its own, calls ready, then wake for
// every notification until ctx ends or the connection breaks.
func (db *DB) Listen(ctx context.Context, ready, wake func()) (err error) {
	defer db.fail(&err)
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("listen: connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+channel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	ready()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("listen: %w", err)
		}
		wake()
	}
}
