package bench

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/sqlite"
)

// Seeded credentials.
const (
	adminUser     = "admin"
	adminPassword = "bench-admin-password"
)

// seed prepares a data directory with an administrator and n API keys of
// theirs, inserted in one transaction (creating them one by one through
// the API would measure disk syncs, not the cases). It returns the raw keys.
func seed(ctx context.Context, dir string, n int) ([]string, error) {
	cfg := config.Default()
	cfg.DataDir = dir
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	err = a.Service().SetupLocalAdministrator(ctx, adminUser, adminPassword)
	_ = a.Shutdown(ctx)
	if err != nil {
		return nil, err
	}
	peppers, err := keys.ReadFile(filepath.Join(dir, "pepper"))
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "keyward.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	raws := make([]string, n)
	base := time.Now().Add(-time.Duration(n) * time.Second).Truncate(time.Second)
	err = db.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		for i := range n {
			secret := keys.NewSecret()
			k := &keyward.APIKey{Name: fmt.Sprintf("key-%06d", i), UserID: 1, Hash: keys.Hash(peppers.Current(), secret),
				CreatedAt: base.Add(time.Duration(i) * time.Second), SecretGen: 1}
			if err := tx.Create(ctx, k); err != nil {
				return err
			}
			raws[i] = keys.Format(k.ID, secret)
		}
		return nil
	})
	return raws, err
}
