package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

// PepperChecks returns the check value recorded for each pepper id.
func (db *DB) PepperChecks(ctx context.Context) (_ map[string]string, err error) {
	defer db.fail(&err)
	rows, err := db.pool.Query(ctx, `SELECT pepper_id, check_value FROM pepper_checks`)
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

// RecordPepperChecks stores the check values of pepper ids that have none
// yet; a recorded value is never replaced. With first set it records them
// only if no pepper is recorded yet (keyward.ErrPepperRecorded otherwise):
// the write lock makes the check and the insert one step across nodes.
func (db *DB) RecordPepperChecks(ctx context.Context, checks map[string]string, first bool) (err error) {
	defer db.fail(&err)
	return db.update(ctx, func(w *wtx) error {
		if first {
			var known bool
			if err := w.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pepper_checks)`).Scan(&known); err != nil {
				return fmt.Errorf("read pepper checks: %w", err)
			}
			if known {
				return keyward.ErrPepperRecorded
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
