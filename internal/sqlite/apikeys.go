package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/sqlq"
)

const keyColumns = `id, name, user_id, keyhash, coalesce(scram, ''), created_at, expires_at, revoked, coalesce(revoked_reason, ''),
	coalesce(revoked_at, 0), secret_gen`

func scanKey(row interface{ Scan(...any) error }) (*keyward.APIKey, error) {
	k := &keyward.APIKey{}
	var created, revokedAt int64
	var expires sql.NullInt64
	if err := row.Scan(&k.ID, &k.Name, &k.UserID, &k.Hash, &k.SCRAM, &created, &expires, &k.Revoked, &k.RevokedReason,
		&revokedAt, &k.SecretGen); err != nil {
		return nil, err
	}
	k.CreatedAt = time.UnixMilli(created).UTC()
	if expires.Valid {
		t := time.UnixMilli(expires.Int64).UTC()
		k.ExpiresAt = &t
	}
	if revokedAt != 0 {
		k.RevokedAt = time.UnixMilli(revokedAt).UTC()
	}
	return k, nil
}

func findKey(ctx context.Context, q queryer, id int64) (*keyward.APIKey, error) {
	k, err := scanKey(q.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find key %d: %w", id, err)
	}
	return k, nil
}

// FindKey returns the key with that id, or nil. It is on every key login,
// so its statement is prepared once (per pooled connection) and reused.
func (db *DB) FindKey(ctx context.Context, id int64) (_ *keyward.APIKey, err error) {
	defer db.fail(&err)
	k, err := scanKey(db.findKeyStmt.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find key %d: %w", id, err)
	}
	return k, nil
}

// KeysGeneration returns a number that changes with every committed change
// to keys.
func (db *DB) KeysGeneration(ctx context.Context) (_ int64, err error) {
	defer db.fail(&err)
	var gen int64
	if err := db.read.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'keys_generation'`).Scan(&gen); err != nil {
		return 0, fmt.Errorf("read keys generation: %w", err)
	}
	return gen, nil
}

// KeyIDsByUser returns each user's key ids, ascending.
func (db *DB) KeyIDsByUser(ctx context.Context) (_ map[int64][]int64, err error) {
	defer db.fail(&err)
	rows, err := db.read.QueryContext(ctx, `SELECT user_id, id FROM api_keys ORDER BY user_id, id`)
	if err != nil {
		return nil, fmt.Errorf("key ids: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var uid, id int64
		if err := rows.Scan(&uid, &id); err != nil {
			return nil, fmt.Errorf("key ids: %w", err)
		}
		out[uid] = append(out[uid], id)
	}
	return out, rows.Err()
}

func keyIDs(ctx context.Context, tx *sql.Tx, userID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM api_keys WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("key ids of user %d: %w", userID, err)
	}
	return scanIDs(rows)
}

// scanIDs reads a column of ids and closes rows.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// PepperUsage counts the keys whose keyed hash or sealed SCRAM verifier
// needs each pepper id ("" for hashes that need none), each key once per
// pepper.
func (db *DB) PepperUsage(ctx context.Context) (_ map[string]int64, err error) {
	defer db.fail(&err)
	return pepperUsage(ctx, db.read)
}

// pepperUsage is PepperUsage on any database, also one from before the
// api_keys table (migration 3), which has no keys, or before the scram
// column (migration 9). A key counts once per pepper, whether its keyed
// hash, its SCRAM verifier or both need it.
func pepperUsage(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	out := map[string]int64{}
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'api_keys'`).Scan(&n)
	if err != nil || n == 0 {
		return out, err
	}
	scram := "NULL"
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('api_keys') WHERE name = 'scram'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("pepper usage: %w", err)
	}
	if n > 0 {
		scram = "scram"
	}
	rows, err := db.QueryContext(ctx, `SELECT keyhash, coalesce(`+scram+`, '') FROM api_keys`)
	if err != nil {
		return nil, fmt.Errorf("pepper usage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var hash, sealed string
		if err := rows.Scan(&hash, &sealed); err != nil {
			return nil, err
		}
		for _, id := range keyward.KeyPeppers(hash, sealed) {
			out[id]++
		}
	}
	return out, rows.Err()
}

// keyTable is the key query table with SQLite's true.
func keyTable(v keyward.KeyView) *sqlq.Table { return sqlq.KeyTable(v, "1") }

// QueryKeys runs an api_key.query in SQL, as the view shows keys.
func (db *DB) QueryKeys(ctx context.Context, v keyward.KeyView, f keyward.Filter, o keyward.QueryOptions) (_ any, err error) {
	defer db.fail(&err)
	return db.runQuery(ctx, keyTable(v), "api_keys k JOIN users u ON u.id = k.user_id", f, o)
}

// KeyIDsWithHashPrefix returns the ids of the keys whose keyhash starts
// with prefix, ascending.
func (db *DB) KeyIDsWithHashPrefix(ctx context.Context, prefix string) (_ []int64, err error) {
	defer db.fail(&err)
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM api_keys WHERE substr(keyhash, 1, ?) = ? ORDER BY id`,
		len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("keys by hash prefix: %w", err)
	}
	return scanIDs(rows)
}
