package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
)

// PutToken implements keyward.TokenTable.
func (db *DB) PutToken(ctx context.Context, t keyward.TokenRecord) (err error) {
	defer db.fail(&err)
	_, err = db.pool.Exec(ctx, `INSERT INTO tokens (digest, parent_login, parent, ttl_ms, last_used,
		match_origin, origin_ip, origin_unix, single_use, attrs, epoch, node)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		t.Digest[:], t.Parent.LoginID, t.Parent, t.TTL.Milliseconds(), t.LastUsed.UnixMilli(),
		t.MatchOrigin, t.OriginIP, t.OriginUnix, t.SingleUse, t.Attrs, t.Epoch, t.Node)
	return wrap("put token", err)
}

// tokenColumns are the columns scanToken reads.
const tokenColumns = `parent, ttl_ms, last_used, match_origin, origin_ip, origin_unix, single_use, attrs, epoch, node`

// TakeToken implements keyward.TokenTable: one statement, so of two nodes
// taking a single-use token only one gets it.
func (db *DB) TakeToken(ctx context.Context, digest [32]byte, consume bool, now time.Time) (_ *keyward.TokenRecord, err error) {
	defer db.fail(&err)
	q := `UPDATE tokens SET last_used = $2 WHERE digest = $1 AND last_used + ttl_ms > $2 RETURNING ` + tokenColumns
	if consume {
		q = `WITH taken AS (DELETE FROM tokens WHERE digest = $1 AND single_use AND last_used + ttl_ms > $2
				RETURNING ` + tokenColumns + `),
			used AS (UPDATE tokens SET last_used = $2 WHERE digest = $1 AND NOT single_use AND last_used + ttl_ms > $2
				RETURNING ` + tokenColumns + `)
			SELECT * FROM taken UNION ALL SELECT * FROM used`
	}
	t := &keyward.TokenRecord{Digest: digest}
	var ttl, last int64
	err = db.pool.QueryRow(ctx, q, digest[:], now.UnixMilli()).Scan(&t.Parent, &ttl, &last, &t.MatchOrigin,
		&t.OriginIP, &t.OriginUnix, &t.SingleUse, &t.Attrs, &t.Epoch, &t.Node)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take token: %w", err)
	}
	t.TTL, t.LastUsed = time.Duration(ttl)*time.Millisecond, time.UnixMilli(last).UTC()
	return t, nil
}

// DeleteTokens implements keyward.TokenTable.
func (db *DB) DeleteTokens(ctx context.Context, digests [][32]byte) (err error) {
	defer db.fail(&err)
	ds := make([][]byte, len(digests))
	for i := range digests {
		ds[i] = digests[i][:]
	}
	_, err = db.pool.Exec(ctx, `DELETE FROM tokens WHERE digest = ANY($1)`, ds)
	return wrap("delete tokens", err)
}

// DeleteTokensExcept implements keyward.TokenTable.
func (db *DB) DeleteTokensExcept(ctx context.Context, loginID string) (err error) {
	defer db.fail(&err)
	_, err = db.pool.Exec(ctx, `DELETE FROM tokens WHERE parent_login <> $1`, loginID)
	return wrap("delete tokens", err)
}

// PurgeTokens implements keyward.TokenTable.
func (db *DB) PurgeTokens(ctx context.Context, now time.Time) (err error) {
	defer db.fail(&err)
	_, err = db.pool.Exec(ctx, `DELETE FROM tokens WHERE last_used + ttl_ms <= $1`, now.UnixMilli())
	return wrap("purge tokens", err)
}

var _ keyward.TokenTable = (*DB)(nil)
