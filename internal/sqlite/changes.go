package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward/keyward"
)

// changeFeed is the in-process side of the change log: the highest
// sequence this handle committed, and the wake-ups of Listen. Changes
// committed by other processes on the same file are found by the
// readers' polling.
type changeFeed struct {
	local atomic.Int64
	mu    sync.Mutex
	wake  chan struct{} // closed and replaced at each commit with changes
}

// committed records that a transaction ending at seq committed.
func (f *changeFeed) committed(seq int64) {
	for {
		cur := f.local.Load()
		if seq <= cur || f.local.CompareAndSwap(cur, seq) {
			break
		}
	}
	f.mu.Lock()
	if f.wake != nil {
		close(f.wake)
		f.wake = nil
	}
	f.mu.Unlock()
}

// next returns a channel closed at the next commit with changes.
func (f *changeFeed) next() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.wake == nil {
		f.wake = make(chan struct{})
	}
	return f.wake
}

// lastSeq returns the newest sequence handed out, 0 for none.
func lastSeq(ctx context.Context, q queryer) (int64, error) {
	var seq int64
	err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("read change sequence: %w", err)
	}
	return seq, nil
}

// LastChange implements keyward.ChangeLog.
func (db *DB) LastChange(ctx context.Context) (_ int64, err error) {
	defer db.fail(&err)
	return lastSeq(ctx, db.feedRead)
}

// LocalSeq implements keyward.ChangeLog.
func (db *DB) LocalSeq() int64 { return db.feed.local.Load() }

// Listen implements keyward.ChangeLog: it wakes at every commit of this
// handle that appended changes; it ends only with ctx.
func (db *DB) Listen(ctx context.Context, ready, wake func()) error {
	ready()
	for {
		ch := db.feed.next()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-db.stopped:
			return errors.New("database closed")
		case <-ch:
			wake()
		}
	}
}

// AppendSessionEnd implements keyward.ChangeLog.
func (db *DB) AppendSessionEnd(ctx context.Context, id string) (err error) {
	defer db.fail(&err)
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, session, at) VALUES ('session', ?, ?)`,
			id, db.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("append session end: %w", err)
		}
		return nil
	})
}

// appendAccountsChange records a committed change to accounts.
func (db *DB) appendAccountsChange(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, at) VALUES ('accounts', ?)`, db.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("append accounts change: %w", err)
	}
	return nil
}

// ChangesAfter implements keyward.ChangeLog.
func (db *DB) ChangesAfter(ctx context.Context, after int64, limit int) (_ []keyward.Change, err error) {
	defer db.fail(&err)
	tx, err := db.feedRead.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var pruned int64
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'changes_pruned_through'`).Scan(&pruned); err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	if after < pruned {
		return nil, keyward.ErrLogTruncated
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, kind, coalesce(msg, ''), coalesce(ref_id, 0), key_row,
		coalesce(session, ''), at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	defer rows.Close()
	var out []keyward.Change
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanChange(rows *sql.Rows) (keyward.Change, error) {
	var c keyward.Change
	var msg, kind string
	var row sql.NullString
	var at int64
	if err := rows.Scan(&c.Seq, &kind, &msg, &c.ID, &row, &c.Session, &at); err != nil {
		return c, fmt.Errorf("read change log: %w", err)
	}
	c.Kind, c.Msg, c.At = keyward.ChangeKind(kind), keyward.EventMsg(msg), time.UnixMilli(at).UTC()
	if row.Valid {
		k, err := decodeKeyRow(row.String)
		if err != nil {
			return c, fmt.Errorf("change %d: %w", c.Seq, err)
		}
		c.Key = k
	}
	return c, nil
}

// keyRow is a key as the change triggers write it.
type keyRow struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	UserID        int64   `json:"user_id"`
	Hash          string  `json:"keyhash"`
	SCRAM         *string `json:"scram"`
	CreatedAt     int64   `json:"created_at"`
	ExpiresAt     *int64  `json:"expires_at"`
	Revoked       int64   `json:"revoked"`
	RevokedReason *string `json:"revoked_reason"`
	RevokedAt     *int64  `json:"revoked_at"`
	SecretGen     int64   `json:"secret_gen"`
}

func decodeKeyRow(text string) (*keyward.APIKey, error) {
	var r keyRow
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		return nil, fmt.Errorf("decode key row: %w", err)
	}
	k := &keyward.APIKey{ID: r.ID, Name: r.Name, UserID: r.UserID, Hash: r.Hash, Revoked: r.Revoked != 0,
		CreatedAt: time.UnixMilli(r.CreatedAt).UTC(), SecretGen: r.SecretGen}
	if r.ExpiresAt != nil {
		t := time.UnixMilli(*r.ExpiresAt).UTC()
		k.ExpiresAt = &t
	}
	if r.SCRAM != nil {
		k.SCRAM = *r.SCRAM
	}
	if r.RevokedReason != nil {
		k.RevokedReason = *r.RevokedReason
	}
	if r.RevokedAt != nil && *r.RevokedAt != 0 {
		k.RevokedAt = time.UnixMilli(*r.RevokedAt).UTC()
	}
	return k, nil
}

// PruneChanges implements keyward.ChangeLog: it deletes the changes made
// before before, but never the newest, and remembers how far it pruned.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) (err error) {
	defer db.fail(&err)
	return db.plainTx(ctx, func(tx *sql.Tx) error {
		var through sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM changes WHERE at < ?
			AND seq < (SELECT max(seq) FROM changes)`, before.UnixMilli()).Scan(&through)
		if err != nil || !through.Valid {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE seq <= ?`, through.Int64); err != nil {
			return fmt.Errorf("prune changes: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE meta SET value = max(value, ?) WHERE key = 'changes_pruned_through'`, through.Int64)
		return err
	})
}
