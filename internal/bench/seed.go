package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/scram"
)

// Seeded credentials.
const (
	adminUser     = "admin"
	adminPassword = "bench-admin-password"
)

// pepperEnv formats p as KEYWARD_PEPPER. Every server of a run gets it, so
// the nodes of a cluster share their pepper as cluster.md 1 requires.
func pepperEnv(p keys.Pepper) string { return p.ID + ":" + base64.StdEncoding.EncodeToString(p.Key) }

// seed creates an administrator and n API keys of theirs in the database
// the settings name (SQLite in dir, or the PostgreSQL database), and
// returns the raw keys. It goes through the server's own assembly and the
// keyward.Store it opened, so it names no back end; the keys are inserted
// in one transaction (creating them one by one through the API would
// measure commits, not the cases).
func seed(ctx context.Context, dir, database string, pepper keys.Pepper, n int) ([]string, error) {
	cfg := config.Default()
	cfg.DataDir, cfg.Database, cfg.Pepper, cfg.NodeName = dir, database, pepperEnv(pepper), "bench-seed"
	var parts app.Parts
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler), app.WithParts(&parts))
	if err != nil {
		return nil, err
	}
	raws, err := seedKeys(ctx, a, parts.Store, pepper, n)
	return raws, errors.Join(err, a.Shutdown(ctx))
}

// seedVerifier is a sealed SCRAM verifier for a seeded key, as every key
// Keyward creates has one (without it, a key's first plain login makes
// one, and the login case would measure that). It is derived from a
// random SaltedPassword instead of the secret: 100,000 real ones would
// take half an hour of PBKDF2, and no case logs in by SCRAM with a seeded
// key.
func seedVerifier(id int64, pepper keys.Pepper) string {
	salted := make([]byte, scram.KeyLen)
	_, _ = rand.Read(salted)
	salt := make([]byte, scram.SaltLen)
	_, _ = rand.Read(salt)
	v, err := scram.FromSaltedPassword(salt, scram.MinIterations, salted)
	if err != nil {
		panic(err) // fixed, valid parameters
	}
	return scram.Seal(id, v, pepper)
}

func seedKeys(ctx context.Context, a *app.App, db keyward.Store, pepper keys.Pepper, n int) ([]string, error) {
	if err := a.Service().SetupLocalAdministrator(ctx, adminUser, adminPassword); err != nil {
		return nil, err
	}
	acc, _, err := db.LoadAccounts(ctx)
	if err != nil {
		return nil, err
	}
	admin := acc.UserByName(adminUser)
	if admin == nil {
		return nil, errors.New("the administrator was not created")
	}
	raws := make([]string, n)
	base := time.Now().Add(-time.Duration(n) * time.Second).Truncate(time.Second)
	err = db.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		for i := range n {
			secret := keys.NewSecret()
			k := &keyward.APIKey{Name: fmt.Sprintf("key-%06d", i), UserID: admin.ID, Hash: keys.Hash(pepper, secret),
				CreatedAt: base.Add(time.Duration(i) * time.Second), SecretGen: 1}
			id, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			k.ID, k.SCRAM = id, seedVerifier(id, pepper)
			if err := tx.Create(ctx, k); err != nil {
				return err
			}
			raws[i] = keys.Format(k.ID, secret)
			progress("seeding", i+1, n)
		}
		return nil
	})
	return raws, err
}
