package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keyward/keyward"
)

// dbNow is the database's clock in Unix milliseconds: every node reads
// the same one.
const dbNow = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`

// JoinNode registers this node under name, refusing with
// keyward.ErrNodeNameTaken while another node of that name beat within
// stale. A stale row of that name is taken over.
func (db *DB) JoinNode(ctx context.Context, name string, stale time.Duration) (err error) {
	defer db.fail(&err)
	tag, err := db.feed.Exec(ctx, `INSERT INTO nodes (name, joined_at, heartbeat, applied)
		VALUES ($1, `+dbNow+`, `+dbNow+`, 0)
		ON CONFLICT (name) DO UPDATE SET joined_at = excluded.joined_at, heartbeat = excluded.heartbeat, applied = 0
		WHERE nodes.heartbeat < excluded.heartbeat - $2`, name, stale.Milliseconds())
	if err != nil {
		return fmt.Errorf("join node %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return keyward.ErrNodeNameTaken
	}
	return nil
}

// Heartbeat records that node name is alive and has applied the change
// log up to applied (registering it again if its row was purged).
func (db *DB) Heartbeat(ctx context.Context, name string, applied int64) (err error) {
	defer db.fail(&err)
	err = lightTx(ctx, db.feed, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO nodes (name, joined_at, heartbeat, applied)
			VALUES ($1, `+dbNow+`, `+dbNow+`, $2)
			ON CONFLICT (name) DO UPDATE SET heartbeat = excluded.heartbeat,
				applied = greatest(nodes.applied, excluded.applied)`, name, applied)
		return err
	})
	return wrap("heartbeat of node "+name, err)
}

// LeaveNode removes node name (a clean stop).
func (db *DB) LeaveNode(ctx context.Context, name string) (err error) {
	defer db.fail(&err)
	_, err = db.feed.Exec(ctx, `WITH gone AS (DELETE FROM sessions WHERE node = $1)
		DELETE FROM nodes WHERE name = $1`, name)
	return wrap("leave node "+name, err)
}

// NodesBehind counts the live nodes (heartbeat within stale) other than
// name that have applied less than seq.
func (db *DB) NodesBehind(ctx context.Context, name string, seq int64, stale time.Duration) (_ int, err error) {
	defer db.fail(&err)
	var n int
	// On the main pool: writers wait here, and must not crowd out the
	// feed's own reads.
	err = db.pool.QueryRow(ctx, `SELECT count(*) FROM nodes WHERE name <> $1 AND applied < $2
		AND heartbeat >= `+dbNow+` - $3`, name, seq, stale.Milliseconds()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("nodes behind: %w", err)
	}
	return n, nil
}

// lightTx runs fn in a transaction whose commit does not wait for the
// write-ahead log to reach the disk (synchronous_commit off): for rows
// that are rewritten every heartbeat anyway (a node's liveness, its
// sessions), so that they add no disk flush for the commits that matter
// to wait behind. A crash loses at most the last few, which the next
// heartbeat writes again.
func lightTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit TO OFF`); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

var _ keyward.NodeStore = (*DB)(nil)
