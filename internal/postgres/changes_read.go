package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

// keyRow is a key as a change records it: its stored state, with the
// keyed hash and never a raw key.
type keyRow struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	UserID        int64  `json:"user_id"`
	Hash          string `json:"keyhash"`
	SCRAM         string `json:"scram,omitempty"`
	CreatedAt     int64  `json:"created_at"`
	ExpiresAt     *int64 `json:"expires_at"`
	Revoked       bool   `json:"revoked"`
	RevokedReason string `json:"revoked_reason"`
	RevokedAt     int64  `json:"revoked_at"`
	SecretGen     int64  `json:"secret_gen"`
}

// keyJSON encodes k for the changes table (nil for no key).
func keyJSON(k *keyward.APIKey) (any, error) {
	if k == nil {
		return nil, nil
	}
	r := keyRow{ID: k.ID, Name: k.Name, UserID: k.UserID, Hash: k.Hash, SCRAM: k.SCRAM, CreatedAt: k.CreatedAt.UnixMilli(),
		Revoked: k.Revoked, RevokedReason: k.RevokedReason, SecretGen: k.SecretGen}
	if k.ExpiresAt != nil {
		ms := k.ExpiresAt.UnixMilli()
		r.ExpiresAt = &ms
	}
	if !k.RevokedAt.IsZero() {
		r.RevokedAt = k.RevokedAt.UnixMilli()
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode key %d: %w", k.ID, err)
	}
	return string(b), nil
}

// key decodes a keyRow.
func (r *keyRow) key() *keyward.APIKey {
	k := &keyward.APIKey{ID: r.ID, Name: r.Name, UserID: r.UserID, Hash: r.Hash, SCRAM: r.SCRAM,
		CreatedAt: time.UnixMilli(r.CreatedAt).UTC(), Revoked: r.Revoked, RevokedReason: r.RevokedReason,
		SecretGen: r.SecretGen}
	if r.ExpiresAt != nil {
		t := time.UnixMilli(*r.ExpiresAt).UTC()
		k.ExpiresAt = &t
	}
	if r.RevokedAt != 0 {
		k.RevokedAt = time.UnixMilli(r.RevokedAt).UTC()
	}
	return k
}

// ChangesAfter returns up to limit changes with seq > after, in order, or
// keyward.ErrLogTruncated when the log was pruned past after.
func (db *DB) ChangesAfter(ctx context.Context, after int64, limit int) (_ []keyward.Change, err error) {
	defer func() {
		if !errors.Is(err, keyward.ErrLogTruncated) {
			db.fail(&err)
		}
	}()
	var out []keyward.Change
	err = readTxOn(ctx, db.feed, func(tx pgx.Tx) error {
		pruned, err := metaValue(ctx, tx, "changes_pruned_through")
		if err != nil {
			return err
		}
		if after < pruned {
			return keyward.ErrLogTruncated
		}
		out, err = readChanges(ctx, tx, after, limit)
		return err
	})
	return out, err
}

// readChanges reads up to limit changes past after.
func readChanges(ctx context.Context, tx pgx.Tx, after int64, limit int) ([]keyward.Change, error) {
	rows, err := tx.Query(ctx, `SELECT seq, kind, coalesce(msg, ''), coalesce(ref_id, 0), key_row,
		coalesce(session, ''), at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	var out []keyward.Change
	var c keyward.Change
	var kind, msg string
	var row *keyRow
	var at int64
	_, err = pgx.ForEachRow(rows, []any{&c.Seq, &kind, &msg, &c.ID, &row, &c.Session, &at}, func() error {
		c.Kind, c.Msg, c.At, c.Key = keyward.ChangeKind(kind), keyward.EventMsg(msg), time.UnixMilli(at).UTC(), nil
		if row != nil {
			c.Key = row.key()
		}
		out = append(out, c)
		row = nil
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	return out, nil
}
