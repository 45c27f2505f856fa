package acceptance_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/scram"
)

// TestTenThousandKeysSurviveRestart makes 10,000 keys, revokes one and
// deletes another, restarts the server on the same data directory, and
// logs in with every key: all log in but those two, which never do.
//
// 200 keys are created through api_key.create by 8 connections at once;
// the other 9,800 are written through the server's store in one
// transaction, with keyed hashes under the server's pepper and sealed
// SCRAM verifiers, as create makes them: creating every one through the
// API would spend most of the test on their PBKDF2s (50,000 iterations
// each, several times slower under -race), which this test is not about.
func TestTenThousandKeysSurviveRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test logs in with 10,000 keys twice (about a minute under -race); go test without -short runs it, and CI does")
	}
	t.Parallel()
	const n, viaAPI, workers = 10000, 200, 8
	srv := apptest.MustStart(t, trustLoopbackProxy)
	srv.MustSetupAdmin(t)
	raws := make([]string, n)
	ids := make([]int64, n)
	parallel(t, workers, viaAPI, func(c *apptest.Client, i int) {
		ids[i], raws[i] = apptest.MustCreateKey(t, c, fmt.Sprintf("key-%05d", i), apptest.AdminUser)
	}, func(c *apptest.Client) { c.MustLogin(apptest.AdminUser, apptest.AdminPassword) }, srv)
	writeKeys(t, srv, viaAPI, ids, raws)
	revoked, deleted := 17, 4242
	if got := apptest.MustDialHeader(t, srv.WSURL("current"), plainProxy).KeyLogin("admin", raws[revoked]); got != "EXPIRED" {
		t.Fatalf("revoking over an insecure transport: %s", got)
	}
	admin := apptest.MustDial(t, srv.WSURL("current"))
	admin.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	admin.MustResult("api_key.delete", ids[deleted])
	check := func(s *apptest.Server, when string) {
		parallel(t, workers, n, func(c *apptest.Client, i int) {
			want := "SUCCESS"
			if i == revoked || i == deleted {
				want = "AUTH_ERR"
			}
			if got := c.KeyLogin(apptest.AdminUser, raws[i]); got != want {
				t.Errorf("%s: key %d logs in with %s, want %s", when, i, got, want)
			}
		}, nil, s)
	}
	check(srv, "before restart")
	srv.Stop()
	check(apptest.MustStart(t, apptest.InDir(srv.DataDir), trustLoopbackProxy), "after restart")
}

// parallel runs fn for 0..n-1 over `workers` connections to srv, each
// prepared by setup; connections reading tlsProxy headers count as secure.
func parallel(t *testing.T, workers, n int, fn func(*apptest.Client, int), setup func(*apptest.Client), srv *apptest.Server) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range workers {
		c := apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy)
		if setup != nil {
			setup(c)
		}
		wg.Go(func() {
			for i := w; i < n; i += workers {
				fn(c, i)
			}
		})
	}
	wg.Wait()
}

// writeKeys writes keys from..len(ids)-1 of the administrator (user 1)
// through the server's store, as api_key.create would make them.
func writeKeys(t *testing.T, srv *apptest.Server, from int, ids []int64, raws []string) {
	t.Helper()
	peppers, err := keys.ReadFile(filepath.Join(srv.DataDir, "pepper"))
	if err != nil {
		t.Fatal(err)
	}
	pepper := peppers.Current()
	ctx := context.Background()
	err = srv.Store().UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		for i := from; i < len(ids); i++ {
			id, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			secret := keys.NewSecret()
			salted := make([]byte, scram.KeyLen)
			_, _ = rand.Read(salted)
			v, err := scram.FromSaltedPassword(salted[:scram.SaltLen], scram.MinIterations, salted)
			if err != nil {
				return err
			}
			k := &keyward.APIKey{ID: id, Name: fmt.Sprintf("key-%05d", i), UserID: 1, Hash: keys.Hash(pepper, secret),
				SCRAM: scram.Seal(id, v, pepper), CreatedAt: time.Now().UTC().Truncate(time.Second), SecretGen: 1}
			if err := tx.Create(ctx, k); err != nil {
				return err
			}
			ids[i], raws[i] = id, keys.Format(id, secret)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
