package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

const keyColumns = `id, name, user_id, keyhash, coalesce(scram, ''), created_at, expires_at, revoked, coalesce(revoked_reason, ''),
	coalesce(revoked_at, 0), secret_gen`

// findKeySQL is on every key login; pgx prepares it once per connection
// and reuses it (its statement cache).
const findKeySQL = `SELECT ` + keyColumns + ` FROM api_keys WHERE id = $1`

func scanKey(row pgx.Row) (*keyward.APIKey, error) {
	k := &keyward.APIKey{}
	var created, revokedAt int64
	var expires *int64
	if err := row.Scan(&k.ID, &k.Name, &k.UserID, &k.Hash, &k.SCRAM, &created, &expires, &k.Revoked, &k.RevokedReason,
		&revokedAt, &k.SecretGen); err != nil {
		return nil, err
	}
	k.CreatedAt = time.UnixMilli(created).UTC()
	if expires != nil {
		t := time.UnixMilli(*expires).UTC()
		k.ExpiresAt = &t
	}
	if revokedAt != 0 {
		k.RevokedAt = time.UnixMilli(revokedAt).UTC()
	}
	return k, nil
}

func findKey(ctx context.Context, q querier, id int64) (*keyward.APIKey, error) {
	k, err := scanKey(q.QueryRow(ctx, findKeySQL, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find key %d: %w", id, err)
	}
	return k, nil
}

// FindKey returns the key with that id, or nil.
func (db *DB) FindKey(ctx context.Context, id int64) (_ *keyward.APIKey, err error) {
	defer db.fail(&err)
	return findKey(ctx, db.pool, id)
}

// KeysGeneration returns a number that changes with every committed change
// to keys.
func (db *DB) KeysGeneration(ctx context.Context) (_ int64, err error) {
	defer db.fail(&err)
	return metaValue(ctx, db.pool, "keys_generation")
}

// KeyIDsByUser returns each user's key ids, ascending.
func (db *DB) KeyIDsByUser(ctx context.Context) (_ map[int64][]int64, err error) {
	defer db.fail(&err)
	rows, err := db.pool.Query(ctx, `SELECT user_id, id FROM api_keys ORDER BY user_id, id`)
	if err != nil {
		return nil, fmt.Errorf("key ids: %w", err)
	}
	out := map[int64][]int64{}
	var uid, id int64
	_, err = pgx.ForEachRow(rows, []any{&uid, &id}, func() error {
		out[uid] = append(out[uid], id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("key ids: %w", err)
	}
	return out, nil
}

// keyIDs returns the ids of a user's keys, ascending.
func keyIDs(ctx context.Context, tx pgx.Tx, userID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM api_keys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("key ids of user %d: %w", userID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("key ids of user %d: %w", userID, err)
	}
	return ids, nil
}

// PepperUsage counts the keys whose keyed hash or sealed SCRAM verifier
// needs each pepper id ("" for hashes that need none), each key once per
// pepper.
func (db *DB) PepperUsage(ctx context.Context) (_ map[string]int64, err error) {
	defer db.fail(&err)
	rows, err := db.pool.Query(ctx, `SELECT pepper, count(DISTINCT id) FROM (
		SELECT id, CASE WHEN keyhash LIKE '$hmac-sha256$%' THEN split_part(keyhash, '$', 3) ELSE '' END AS pepper FROM api_keys
		UNION ALL SELECT id, split_part(scram, '$', 5) FROM api_keys WHERE scram IS NOT NULL) p GROUP BY pepper`)
	if err != nil {
		return nil, fmt.Errorf("pepper usage: %w", err)
	}
	out := map[string]int64{}
	var id string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		out[id] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pepper usage: %w", err)
	}
	return out, nil
}

// RevokedKeys returns every revoked key, by id.
func (db *DB) RevokedKeys(ctx context.Context) (_ []*keyward.APIKey, err error) {
	defer db.fail(&err)
	rows, err := db.pool.Query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE revoked ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("revoked keys: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*keyward.APIKey, error) { return scanKey(r) })
	if err != nil {
		return nil, fmt.Errorf("revoked keys: %w", err)
	}
	return out, nil
}

// InsecureUses returns the recorded insecure uses, by key id.
func (db *DB) InsecureUses(ctx context.Context) (_ []keyward.InsecureUse, err error) {
	defer db.fail(&err)
	rows, err := db.pool.Query(ctx, `SELECT i.key_id, k.name, i.address, i.first, i.last
		FROM api_key_insecure_uses i JOIN api_keys k ON k.id = i.key_id ORDER BY i.key_id`)
	if err != nil {
		return nil, fmt.Errorf("insecure uses: %w", err)
	}
	var out []keyward.InsecureUse
	var u keyward.InsecureUse
	var first, last int64
	_, err = pgx.ForEachRow(rows, []any{&u.KeyID, &u.Name, &u.Address, &first, &last}, func() error {
		u.First, u.Last = time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
		out = append(out, u)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insecure uses: %w", err)
	}
	return out, nil
}

// KeyIDsWithHashPrefix returns the ids of the keys whose keyhash starts
// with prefix, ascending.
func (db *DB) KeyIDsWithHashPrefix(ctx context.Context, prefix string) (_ []int64, err error) {
	defer db.fail(&err)
	rows, err := db.pool.Query(ctx, `SELECT id FROM api_keys WHERE left(keyhash, $1) = $2 ORDER BY id`,
		len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("keys by hash prefix: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("keys by hash prefix: %w", err)
	}
	return ids, nil
}
