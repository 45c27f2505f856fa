package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// PepperChecks returns the check value recorded for each pepper id.
func (db *DB) PepperChecks(ctx context.Context) (_ map[string]string, err error) {
	defer db.fail(&err)
	return pepperChecks(ctx, db.read)
}

// rowsQueryer is a *sql.DB or *sql.Tx.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func pepperChecks(ctx context.Context, q rowsQueryer) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT pepper_id, check_value FROM pepper_checks`)
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

// RecordPepperChecks implements keyward.PepperStore: the write
// transaction holds SQLite's write lock while check looks at what is
// recorded.
func (db *DB) RecordPepperChecks(ctx context.Context, checks map[string]string, check func(map[string]string) error) (err error) {
	defer db.fail(&err)
	return db.plainTx(ctx, func(tx *sql.Tx) error {
		if check != nil {
			stored, err := pepperChecks(ctx, tx)
			if err != nil {
				return err
			}
			if err := check(stored); err != nil {
				return err
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
