package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// PepperChecks returns the check value recorded for each pepper id.
func (db *DB) PepperChecks(ctx context.Context) (map[string]string, error) {
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
// yet; a recorded value is never replaced.
func (db *DB) RecordPepperChecks(ctx context.Context, checks map[string]string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		for id, check := range checks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pepper_checks (pepper_id, check_value, recorded_at)
				VALUES (?, ?, ?) ON CONFLICT (pepper_id) DO NOTHING`, id, check, db.Now().UnixMilli()); err != nil {
				return fmt.Errorf("record pepper check %s: %w", id, err)
			}
		}
		return nil
	})
}
