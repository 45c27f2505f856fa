package acceptance_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestTenThousandKeysSurviveRestart creates 10,000 keys, revokes one and
// deletes another, restarts the server on the same data directory, and
// logs in with every key: all log in but those two, which never do.
func TestTenThousandKeysSurviveRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test creates and logs in with 10,000 keys twice (about a minute under -race); go test without -short runs it, and CI does")
	}
	t.Parallel()
	const n, workers = 10000, 8
	srv := apptest.MustStart(t, trustLoopbackProxy)
	srv.MustSetupAdmin(t)
	raws := make([]string, n)
	ids := make([]int64, n)
	parallel(t, workers, n, func(c *apptest.Client, i int) {
		ids[i], raws[i] = apptest.MustCreateKey(t, c, fmt.Sprintf("key-%05d", i), apptest.AdminUser)
	}, func(c *apptest.Client) { c.MustLogin(apptest.AdminUser, apptest.AdminPassword) }, srv)
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
