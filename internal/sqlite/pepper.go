package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/keyward/keyward"
)

// PepperChecks returns the check value recorded for each pepper id.
func (db *DB) PepperChecks(ctx context.Context) (_ map[string]string, err error) {
	defer db.fail(&err)
	rows, err := db.read.QueryContext(ctx, `SELECT pepper_id, check_value FROM pepper_checks`)
	if err != nil {
		return nil, fmt.Errorf("read pepper checks: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, check string
		if err := rows.Scan(&id, &check); err != nil {
			return nil, fmt.Errorf("read pepper checks: %w", err)
		}
		out[id] = check
	}
	return out, rows.Err()
}

// RecordPepperChecks stores the check values of pepper ids that have none
// yet; a recorded value is never replaced. With first set it records them
// only if no pepper is recorded yet (keyward.ErrPepperRecorded otherwise).
func (db *DB) RecordPepperChecks(ctx context.Context, checks map[string]string, first bool) (err error) {
	defer db.fail(&err)
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if first {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pepper_checks`).Scan(&n); err != nil {
				return fmt.Errorf("read pepper checks: %w", err)
			}
			if n > 0 {
				return keyward.ErrPepperRecorded
			}
		}
		for id, check := range checks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pepper_checks (pepper_id, check_value, recorded_at)
				VALUES (?, ?, ?) ON CONFLICT (pepper_id) DO NOTHING`, id, check, db.Now().UnixMilli()); err != nil {
				return fmt.Errorf("record pepper check %s: %w", id, err)
			}
		}
		return nil
	})
}
