package postgres

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/keyward/keyward"
)

// Exclusively implements keyward.Exclusive with a session advisory lock on
// a connection held for the job: PostgreSQL releases it when the
// connection ends, so a node that dies mid-job frees it.
func (db *DB) Exclusively(ctx context.Context, job string, fn func(context.Context) error) (_ bool, err error) {
	defer db.fail(&err)
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("job %s: %w", job, err)
	}
	defer conn.Release()
	h := fnv.New64a()
	h.Write([]byte("keyward job " + job))
	key := int64(h.Sum64())
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		return false, fmt.Errorf("job %s: %w", job, err)
	}
	if !got {
		return false, nil
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); uerr != nil {
			conn.Conn().Close(context.WithoutCancel(ctx)) // a lock we cannot release goes with its connection
		}
	}()
	return true, fn(ctx)
}

var _ keyward.Exclusive = (*DB)(nil)
