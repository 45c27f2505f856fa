package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// keyTx implements keyward.KeyTx.
type keyTx struct{ w *wtx }

// UpdateKeys runs fn in one write transaction; each key created, updated
// or deleted appends a ChangeKey at its end.
func (db *DB) UpdateKeys(ctx context.Context, fn func(keyward.KeyTx) error) (err error) {
	defer db.fail(&err)
	return db.update(ctx, func(w *wtx) error { return fn(&keyTx{w: w}) })
}

// Find returns the key with that id, or nil.
func (t *keyTx) Find(ctx context.Context, id int64) (*keyward.APIKey, error) {
	return findKey(ctx, t.w.tx, id)
}

// NameTaken reports whether a key other than except has that name.
func (t *keyTx) NameTaken(ctx context.Context, name string, except int64) (bool, error) {
	var taken bool
	err := t.w.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM api_keys WHERE name = $1 AND id <> $2)`,
		name, except).Scan(&taken)
	if err != nil {
		return false, fmt.Errorf("check key name: %w", err)
	}
	return taken, nil
}

func millis(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// Create inserts a key; a zero k.ID takes the next id, and a given one
// raises the sequence past it.
func (t *keyTx) Create(ctx context.Context, k *keyward.APIKey) error {
	if err := t.takeID(ctx, k); err != nil {
		return err
	}
	iters, salt := keyward.SCRAMParams(k.SCRAM)
	_, err := t.w.tx.Exec(ctx, `INSERT INTO api_keys (id, name, name_fold, user_id, keyhash, scram, scram_iterations,
		scram_salt, created_at, expires_at, revoked, revoked_reason, revoked_at, secret_gen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		k.ID, k.Name, query.Fold(k.Name), k.UserID, k.Hash, nullString(k.SCRAM), iters, salt, k.CreatedAt.UnixMilli(), millis(k.ExpiresAt), k.Revoked,
		nullString(k.RevokedReason), millis(&k.RevokedAt), max(k.SecretGen, 1))
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	return t.changed(ctx, keyward.EventAdded, k.ID)
}

// changed records a change of key id with its stored state after it.
func (t *keyTx) changed(ctx context.Context, msg keyward.EventMsg, id int64) error {
	after, err := findKey(ctx, t.w.tx, id)
	if err != nil {
		return err
	}
	t.w.keyChange(msg, id, after)
	return nil
}

// takeID sets k.ID to the next key id when zero, else records that k.ID
// is used.
func (t *keyTx) takeID(ctx context.Context, k *keyward.APIKey) error {
	if k.ID == 0 {
		id, err := t.w.nextID(ctx, "api_keys")
		k.ID = id
		return err
	}
	_, err := t.w.tx.Exec(ctx, `UPDATE id_sequences SET last = greatest(last, $1) WHERE name = 'api_keys'`, k.ID)
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	return nil
}

// NextID implements keyward.KeyTx: it takes the next id of the sequence.
func (t *keyTx) NextID(ctx context.Context) (int64, error) { return t.w.nextID(ctx, "api_keys") }

// IDUsed implements keyward.KeyTx: id_sequences keeps the highest key id
// ever given out.
func (t *keyTx) IDUsed(ctx context.Context, id int64) (bool, error) {
	var used bool
	err := t.w.tx.QueryRow(ctx, `SELECT $1 <= (SELECT last FROM id_sequences WHERE name = 'api_keys')
		OR EXISTS (SELECT 1 FROM api_keys WHERE id = $1)`, id).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("check key id: %w", err)
	}
	return used, nil
}

// Update writes every field of k.
func (t *keyTx) Update(ctx context.Context, k *keyward.APIKey) error {
	iters, salt := keyward.SCRAMParams(k.SCRAM)
	tag, err := t.w.tx.Exec(ctx, `UPDATE api_keys SET name = $1, name_fold = $2, keyhash = $3, scram = $10, scram_iterations = $11, scram_salt = $12, expires_at = $4,
		revoked = $5, revoked_reason = $6, revoked_at = $7, secret_gen = $8 WHERE id = $9`,
		k.Name, query.Fold(k.Name), k.Hash, millis(k.ExpiresAt), k.Revoked, nullString(k.RevokedReason),
		millis(&k.RevokedAt), k.SecretGen, k.ID, nullString(k.SCRAM), iters, salt)
	if err != nil {
		return fmt.Errorf("update key %d: %w", k.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return t.changed(ctx, keyward.EventChanged, k.ID)
}

// Delete removes a key.
func (t *keyTx) Delete(ctx context.Context, id int64) error {
	tag, err := t.w.tx.Exec(ctx, `DELETE FROM api_keys WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete key %d: %w", id, err)
	}
	if tag.RowsAffected() > 0 {
		t.w.keyChange(keyward.EventRemoved, id, nil)
	}
	return nil
}

// RecordInsecureUse notes a refused use over an insecure transport.
func (t *keyTx) RecordInsecureUse(ctx context.Context, id int64, address string, at time.Time) error {
	_, err := t.w.tx.Exec(ctx, `INSERT INTO api_key_insecure_uses (key_id, address, first, last) VALUES ($1, $2, $3, $3)
		ON CONFLICT (key_id) DO UPDATE SET address = excluded.address, last = excluded.last`, id, address, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("record insecure use of key %d: %w", id, err)
	}
	return nil
}

// ClearInsecureUse forgets refused insecure uses of a key (at reset).
func (t *keyTx) ClearInsecureUse(ctx context.Context, id int64) error {
	if _, err := t.w.tx.Exec(ctx, `DELETE FROM api_key_insecure_uses WHERE key_id = $1`, id); err != nil {
		return fmt.Errorf("clear insecure use of key %d: %w", id, err)
	}
	return nil
}
