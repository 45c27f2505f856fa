package service

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/scram"
)

// ImportRow is one api_key.query row of a TrueNAS export: a 25.x row has
// keyhash, a 26 row (queried by a FULL_ADMIN) has the SCRAM verifier's
// iterations, salt, stored_key and server_key instead (scram.md 9.9).
type ImportRow struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Username      string     `json:"username"`
	Keyhash       string     `json:"keyhash"`
	Iterations    int        `json:"iterations"`
	Salt          string     `json:"salt"`
	StoredKey     string     `json:"stored_key"`
	ServerKey     string     `json:"server_key"`
	CreatedAt     *time.Time `json:"created_at"`
	ExpiresAt     *time.Time `json:"expires_at"`
	Revoked       bool       `json:"revoked"`
	RevokedReason *string    `json:"revoked_reason"`
}

// MaxImportID bounds imported key ids: later keys take ids above the
// highest one, and an id near the top of int64 would leave none.
const MaxImportID = 1<<31 - 1

// ImportKeys adds keys exported from TrueNAS in one transaction
// (api-keys.md 17): ids, dates and PBKDF2 hashes are kept, so the keys'
// holders keep using them; each skipped row gets one line saying why, in
// the order of rows.
//
// Rows are added in ascending id order whatever the order of the export:
// adding an id raises the id sequence past it, and a lower id added after
// it would be refused as one used before.
func (s *Service) ImportKeys(ctx context.Context, rows []ImportRow) (imported int, skipped []string, err error) {
	acc := s.Accounts()
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rows[a].ID, rows[b].ID) })
	err = s.writeKeys(ctx, func(tx keyward.KeyTx) error {
		why := make([]string, len(rows))
		for _, i := range order {
			var err error
			if why[i], err = s.importRow(ctx, tx, acc, rows[i]); err != nil {
				return err
			}
		}
		imported, skipped = 0, nil
		for i, r := range rows {
			if why[i] != "" {
				skipped = append(skipped, fmt.Sprintf("skipped key %d (%s): %s", r.ID, r.Name, why[i]))
			} else {
				imported++
			}
		}
		return nil
	})
	return imported, skipped, err
}

func (s *Service) importRow(ctx context.Context, tx keyward.KeyTx, acc *keyward.Accounts, r ImportRow) (string, error) {
	if r.ID <= 0 || r.Name == "" {
		return "no id or name", nil
	}
	if r.ID > MaxImportID {
		return fmt.Sprintf("id above %d", MaxImportID), nil
	}
	if existing, err := tx.Find(ctx, r.ID); err != nil || existing != nil {
		return "a key with this id exists", err
	}
	if used, err := tx.IDUsed(ctx, r.ID); err != nil || used {
		return "a key with this id existed before (ids are never reused)", err
	}
	if taken, err := tx.NameTaken(ctx, r.Name, 0); err != nil || taken {
		return "a key with this name exists", err
	}
	owner := acc.UserByName(r.Username)
	if owner == nil {
		return fmt.Sprintf("no local user named %q", r.Username), nil
	}
	k := &keyward.APIKey{ID: r.ID, Name: r.Name, UserID: owner.ID,
		ExpiresAt: truncated(r.ExpiresAt), Revoked: r.Revoked, SecretGen: 1, CreatedAt: s.now().UTC().Truncate(time.Second)}
	if why := s.importVerifier(r, k); why != "" {
		return why, nil
	}
	if r.CreatedAt != nil {
		k.CreatedAt = r.CreatedAt.UTC().Truncate(time.Second)
	}
	if r.Revoked {
		k.RevokedReason, k.RevokedAt = keyward.ReasonUnknown, k.CreatedAt
		if r.RevokedReason != nil && strings.TrimSpace(*r.RevokedReason) != "" {
			k.RevokedReason = *r.RevokedReason
		}
	}
	return "", tx.Create(ctx, k)
}

// importVerifier gives an imported key its SCRAM verifier, which is also
// what its plain logins are checked against until the first one gives it
// a keyed hash (scram.md 9.9): a 25.x PBKDF2 keyhash is SaltedPassword, so
// the verifier is derived from it and the hash dropped; a 26 row's
// verifier is taken as it is. A 26 row its migration revoked (iterations
// 0) comes in revoked, without a verifier, until a reset. It returns why
// a row is skipped, or "".
func (s *Service) importVerifier(r ImportRow, k *keyward.APIKey) string {
	var v scram.Verifier
	switch {
	case r.Keyhash != "":
		var err error
		if v, err = scram.ParsePBKDF2(r.Keyhash); err != nil {
			return "keyhash is not $pbkdf2-sha512$ with 300,000 to 1,000,000 iterations"
		}
	case r.Iterations != 0:
		var ok bool
		if v, ok = verifierOfRow(r); !ok {
			return "no usable verifier"
		}
	case r.Revoked:
		return "" // revoked by TrueNAS 26's migration: no verifier until a reset
	default:
		return "no usable verifier"
	}
	k.SCRAM = s.seal(k.ID, v)
	k.Hash = scramOnlyHash(k.SCRAM)
	return ""
}

// verifierOfRow reads the SCRAM verifier of a TrueNAS 26 row.
func verifierOfRow(r ImportRow) (scram.Verifier, bool) {
	salt, err1 := base64.StdEncoding.DecodeString(r.Salt)
	stored, err2 := base64.StdEncoding.DecodeString(r.StoredKey)
	server, err3 := base64.StdEncoding.DecodeString(r.ServerKey)
	if err1 != nil || err2 != nil || err3 != nil || len(salt) == 0 || len(salt) > scram.MaxSaltLen ||
		len(stored) != scram.KeyLen || len(server) != scram.KeyLen ||
		r.Iterations < scram.MinIterations || r.Iterations > scram.MaxIterations {
		return scram.Verifier{}, false
	}
	return scram.Verifier{Iterations: r.Iterations, Salt: salt, StoredKey: stored, ServerKey: server}, true
}

// ConvertImportedKeys gives keys imported before SCRAM support, which
// still hold a TrueNAS PBKDF2 keyhash, their SCRAM verifier, as an import
// does now (scram.md 9.9: a one-time store migration; it needs the
// pepper, so it runs at start). It returns how many it converted.
func (s *Service) ConvertImportedKeys(ctx context.Context) (int, error) {
	ids, err := s.cfg.Keys.KeyIDsWithHashPrefix(ctx, keys.PBKDF2Prefix)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	n := 0
	err = s.writeKeys(ctx, func(tx keyward.KeyTx) error {
		n = 0
		for _, id := range ids {
			k, err := tx.Find(ctx, id)
			if err != nil {
				return err
			}
			if k == nil || k.SCRAM != "" || !strings.HasPrefix(k.Hash, keys.PBKDF2Prefix) {
				continue
			}
			v, err := scram.ParsePBKDF2(k.Hash)
			if err != nil {
				continue // left as it is: its plain logins still verify the PBKDF2 hash
			}
			k.SCRAM = s.seal(k.ID, v)
			k.Hash = scramOnlyHash(k.SCRAM)
			if err := tx.Update(ctx, k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
