package postgres

import (
	"context"
	"fmt"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keyward/keyward/internal/query"
)

// refold recomputes the case-folded search columns when the Unicode tables
// they were made with differ from this binary's (a Go upgrade), so
// case-insensitive searches never miss a row. It runs under the migration
// lock.
func (db *DB) refold(ctx context.Context, conn *pgxpool.Conn) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var made string
		err := tx.QueryRow(ctx, `SELECT coalesce((SELECT text FROM meta_text WHERE key = 'fold_unicode'), '')`).Scan(&made)
		if err != nil {
			return fmt.Errorf("postgres: refold: %w", err)
		}
		if made == unicode.Version {
			return nil
		}
		for _, t := range []struct{ table, name, fold string }{
			{"api_keys", "name", "name_fold"}, {"users", "username", "username_fold"},
		} {
			if err := refoldTable(ctx, tx, t.table, t.name, t.fold); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO meta_text (key, text) VALUES ('fold_unicode', $1)
			ON CONFLICT (key) DO UPDATE SET text = excluded.text`, unicode.Version)
		if err != nil {
			return fmt.Errorf("postgres: refold: %w", err)
		}
		return nil
	})
}

// refoldTable sets column fold to query.Fold(name) on every row of table
// where it differs.
func refoldTable(ctx context.Context, tx pgx.Tx, table, name, fold string) error {
	rows, err := tx.Query(ctx, `SELECT id, `+name+`, coalesce(`+fold+`, '') FROM `+table)
	if err != nil {
		return fmt.Errorf("postgres: refold %s: %w", table, err)
	}
	b := &pgx.Batch{}
	var id int64
	var text, folded string
	_, err = pgx.ForEachRow(rows, []any{&id, &text, &folded}, func() error {
		if f := query.Fold(text); f != folded {
			b.Queue(`UPDATE `+table+` SET `+fold+` = $1 WHERE id = $2`, f, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: refold %s: %w", table, err)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("postgres: refold %s: %w", table, err)
	}
	return nil
}
