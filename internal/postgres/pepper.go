package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// PepperChecks returns the check value recorded for each pepper id.
func (db *DB) PepperChecks(ctx context.Context) (_ map[string]string, err error) {
	defer db.fail(&err)
	return pepperChecks(ctx, db.pool)
}

// pepperChecks reads the recorded check values through q.
func pepperChecks(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT pepper_id, check_value FROM pepper_checks`)
	if err != nil {
		return nil, fmt.Errorf("read pepper checks: %w", err)
	}
	out := map[string]string{}
	var id, check string
	_, err = pgx.ForEachRow(rows, []any{&id, &check}, func() error {
		out[id] = check
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read pepper checks: %w", err)
	}
	return out, nil
}

// RecordPepperChecks implements keyward.PepperStore: the write lock
// (shared by every node's writers) makes check and the insert one step
// across nodes.
func (db *DB) RecordPepperChecks(ctx context.Context, checks map[string]string, check func(map[string]string) error) (err error) {
	defer db.fail(&err)
	return db.update(ctx, func(w *wtx) error {
		if check != nil {
			stored, err := pepperChecks(ctx, w.tx)
			if err != nil {
				return err
			}
			if err := check(stored); err != nil {
				return err
			}
		}
		b := &pgx.Batch{}
		for id, check := range checks {
			b.Queue(`INSERT INTO pepper_checks (pepper_id, check_value, recorded_at) VALUES ($1, $2, $3)
				ON CONFLICT (pepper_id) DO NOTHING`, id, check, db.now().UnixMilli())
		}
		if err := w.tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("record pepper checks: %w", err)
		}
		return nil
	})
}
