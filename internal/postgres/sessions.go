package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

// PutSessions implements keyward.SessionTable in one transaction.
func (db *DB) PutSessions(ctx context.Context, node string, put []keyward.SessionRecord, remove []string) (err error) {
	defer db.fail(&err)
	if len(put) == 0 && len(remove) == 0 {
		return nil
	}
	return lightTx(ctx, db.feed, func(tx pgx.Tx) error { return putSessions(ctx, tx, node, put, remove) })
}

// putSessions is PutSessions in tx.
func putSessions(ctx context.Context, tx pgx.Tx, node string, put []keyward.SessionRecord, remove []string) error {
	if len(remove) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE node = $1 AND id = ANY($2)`, node, remove); err != nil {
			return fmt.Errorf("remove sessions: %w", err)
		}
	}
	b := &pgx.Batch{}
	for _, r := range put {
		b.Queue(`INSERT INTO sessions (id, node, user_id, origin, secure, created_at, credential, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET node = excluded.node, user_id = excluded.user_id,
				origin = excluded.origin, secure = excluded.secure, created_at = excluded.created_at,
				credential = excluded.credential, data = excluded.data`,
			r.ID, node, r.UserID, r.Origin, r.Secure, r.CreatedAt.UnixMilli(), string(r.Credential), r.Data)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("put sessions: %w", err)
	}
	return nil
}

// ListSessions implements keyward.SessionTable.
func (db *DB) ListSessions(ctx context.Context, except string, stale time.Duration) (_ []keyward.SessionRecord, err error) {
	defer db.fail(&err)
	rows, err := db.feed.Query(ctx, `SELECT s.id, s.node, s.user_id, s.origin, s.secure, s.created_at, s.credential, s.data
		FROM sessions s JOIN nodes n ON n.name = s.node
		WHERE s.node <> $1 AND n.heartbeat >= `+dbNow+` - $2 ORDER BY s.id`, except, stale.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	var out []keyward.SessionRecord
	var r keyward.SessionRecord
	var created int64
	var cred string
	_, err = pgx.ForEachRow(rows, []any{&r.ID, &r.Node, &r.UserID, &r.Origin, &r.Secure, &created, &cred, &r.Data}, func() error {
		r.CreatedAt, r.Credential = time.UnixMilli(created).UTC(), keyward.Credential(cred)
		out = append(out, r)
		r.Data = nil
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// PurgeSessions implements keyward.SessionTable.
func (db *DB) PurgeSessions(ctx context.Context, stale time.Duration) (err error) {
	defer db.fail(&err)
	_, err = db.feed.Exec(ctx, `DELETE FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM nodes n
		WHERE n.name = s.node AND n.heartbeat >= `+dbNow+` - $1)`, stale.Milliseconds())
	return wrap("purge sessions", err)
}

var _ keyward.SessionTable = (*DB)(nil)
