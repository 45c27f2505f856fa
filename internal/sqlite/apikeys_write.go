package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// keyTx implements keyward.KeyTx.
type keyTx struct{ tx *sql.Tx }

// UpdateKeys runs fn in one write transaction.
func (db *DB) UpdateKeys(ctx context.Context, fn func(keyward.KeyTx) error) (err error) {
	defer db.fail(&err)
	return db.writeTx(ctx, func(tx *sql.Tx) error { return fn(&keyTx{tx: tx}) })
}

// Find returns the key with that id, or nil.
func (t *keyTx) Find(ctx context.Context, id int64) (*keyward.APIKey, error) {
	return findKey(ctx, t.tx, id)
}

// NameTaken reports whether a key other than except has that name.
func (t *keyTx) NameTaken(ctx context.Context, name string, except int64) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM api_keys WHERE name = ? AND id != ?`, name, except).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check key name: %w", err)
	}
	return n > 0, nil
}

func millis(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// Create inserts a key; a zero k.ID takes the next id.
func (t *keyTx) Create(ctx context.Context, k *keyward.APIKey) error {
	var id any
	if k.ID != 0 {
		id = k.ID
	}
	iters, salt := keyward.SCRAMParams(k.SCRAM)
	res, err := t.tx.ExecContext(ctx, `INSERT INTO api_keys (id, name, name_fold, user_id, keyhash, scram, scram_iterations,
		scram_salt, created_at, expires_at, revoked, revoked_reason, revoked_at, secret_gen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, k.Name, query.Fold(k.Name), k.UserID, k.Hash, nullString(k.SCRAM), iters, salt, k.CreatedAt.UnixMilli(), millis(k.ExpiresAt), k.Revoked,
		nullString(k.RevokedReason), millis(&k.RevokedAt), max(k.SecretGen, 1))
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	k.ID, err = res.LastInsertId()
	return err
}

// NextID implements keyward.KeyTx: AUTOINCREMENT gives the next key one
// above the highest id ever given out, which only this transaction (the
// one writer) can change before its Create.
func (t *keyTx) NextID(ctx context.Context) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'api_keys'), 0),
		coalesce((SELECT max(id) FROM api_keys), 0)) + 1`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("next key id: %w", err)
	}
	return id, nil
}

// IDUsed implements keyward.KeyTx: AUTOINCREMENT keeps the highest id
// ever given out in sqlite_sequence.
func (t *keyTx) IDUsed(ctx context.Context, id int64) (bool, error) {
	var used bool
	err := t.tx.QueryRowContext(ctx, `SELECT ? <= coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'api_keys'), 0)
		OR EXISTS (SELECT 1 FROM api_keys WHERE id = ?)`, id, id).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("check key id: %w", err)
	}
	return used, nil
}

// Update writes every field of k.
func (t *keyTx) Update(ctx context.Context, k *keyward.APIKey) error {
	iters, salt := keyward.SCRAMParams(k.SCRAM)
	_, err := t.tx.ExecContext(ctx, `UPDATE api_keys SET name = ?, name_fold = ?, keyhash = ?, scram = ?, scram_iterations = ?,
		scram_salt = ?, expires_at = ?, revoked = ?, revoked_reason = ?, revoked_at = ?, secret_gen = ? WHERE id = ?`,
		k.Name, query.Fold(k.Name), k.Hash, nullString(k.SCRAM), iters, salt, millis(k.ExpiresAt), k.Revoked, nullString(k.RevokedReason),
		millis(&k.RevokedAt), k.SecretGen, k.ID)
	if err != nil {
		return fmt.Errorf("update key %d: %w", k.ID, err)
	}
	return nil
}

// Delete removes a key.
func (t *keyTx) Delete(ctx context.Context, id int64) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM api_keys WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete key %d: %w", id, err)
	}
	return nil
}

// RecordInsecureUse notes a refused use over an insecure transport.
func (t *keyTx) RecordInsecureUse(ctx context.Context, id int64, address string, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO api_key_insecure_uses (key_id, address, first, last) VALUES (?, ?, ?, ?)
		ON CONFLICT (key_id) DO UPDATE SET address = excluded.address, last = excluded.last`, id, address, at.UnixMilli(), at.UnixMilli())
	if err != nil {
		return fmt.Errorf("record insecure use of key %d: %w", id, err)
	}
	return nil
}

// ClearInsecureUse forgets refused insecure uses of a key (at reset).
func (t *keyTx) ClearInsecureUse(ctx context.Context, id int64) error {
	_, err := t.tx.ExecContext(ctx, `DELETE FROM api_key_insecure_uses WHERE key_id = ?`, id)
	return err
}

// RevokedKeys returns every revoked key, by id.
func (db *DB) RevokedKeys(ctx context.Context) (_ []*keyward.APIKey, err error) {
	defer db.fail(&err)
	rows, err := db.read.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE revoked ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("revoked keys: %w", err)
	}
	defer rows.Close()
	var out []*keyward.APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// InsecureUses returns the recorded insecure uses, by key id.
func (db *DB) InsecureUses(ctx context.Context) (_ []keyward.InsecureUse, err error) {
	defer db.fail(&err)
	rows, err := db.read.QueryContext(ctx, `SELECT i.key_id, k.name, i.address, i.first, i.last
		FROM api_key_insecure_uses i JOIN api_keys k ON k.id = i.key_id ORDER BY i.key_id`)
	if err != nil {
		return nil, fmt.Errorf("insecure uses: %w", err)
	}
	defer rows.Close()
	var out []keyward.InsecureUse
	for rows.Next() {
		var u keyward.InsecureUse
		var first, last int64
		if err := rows.Scan(&u.KeyID, &u.Name, &u.Address, &first, &last); err != nil {
			return nil, err
		}
		u.First, u.Last = time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
		out = append(out, u)
	}
	return out, rows.Err()
}
