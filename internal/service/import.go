package service

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
)

// ImportRow is one api_key.query row of a TrueNAS export.
type ImportRow struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Username      string     `json:"username"`
	Keyhash       string     `json:"keyhash"`
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
	if _, _, _, ok := keys.ParsePBKDF2(r.Keyhash); !ok {
		return "keyhash is not $pbkdf2-sha512$ with 300,000 to 1,000,000 iterations", nil
	}
	k := &keyward.APIKey{ID: r.ID, Name: r.Name, UserID: owner.ID, Hash: r.Keyhash,
		ExpiresAt: truncated(r.ExpiresAt), Revoked: r.Revoked, SecretGen: 1, CreatedAt: s.now().UTC().Truncate(time.Second)}
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
