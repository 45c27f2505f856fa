// Package storetest is the conformance suite every keyward.Store passes:
// each back end runs it from its own tests (as WTF Dial runs the same
// tests against each implementation), so SQLite and PostgreSQL keep one
// contract.
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward"
)

// Opener opens a handle on t's database. The first call for a test
// creates a fresh database; later calls with the same t open further
// handles on that database (as another node would), for the contract
// between handles. The opener closes its handles when t ends.
type Opener func(t *testing.T) keyward.Store

// Option adjusts the suite to what a back end promises.
type Option func(*config)

type config struct {
	localListen bool
}

// LocalListen is for a back end whose Listen wakes only for commits made
// through the same handle (SQLite: one node per database); other handles'
// commits are found by polling, which the interface allows. Without it
// the suite checks that a commit through another handle wakes a listener.
func LocalListen() Option { return func(c *config) { c.localListen = true } }

// Run runs the whole suite against the stores open opens.
func Run(t *testing.T, open Opener, opts ...Option) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open) })
	t.Run("Keys", func(t *testing.T) { testKeys(t, open) })
	t.Run("Pepper", func(t *testing.T) { testPepper(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("ChangeLog", func(t *testing.T) { testChangeLog(t, open) })
	t.Run("Cluster", func(t *testing.T) { testCluster(t, open, c) })
}

// PerTest makes an Opener from create, which makes a fresh database and
// names it (a path, a URL), and openAt, which opens a handle on a named
// database: every call with the same t opens the database made for it.
func PerTest(create func(t *testing.T) string, openAt func(t *testing.T, name string) keyward.Store) Opener {
	var mu sync.Mutex
	names := map[*testing.T]string{}
	return func(t *testing.T) keyward.Store {
		t.Helper()
		mu.Lock()
		name, ok := names[t]
		mu.Unlock()
		if !ok {
			name = create(t)
			mu.Lock()
			names[t] = name
			mu.Unlock()
			t.Cleanup(func() {
				mu.Lock()
				delete(names, t)
				mu.Unlock()
			})
		}
		return openAt(t, name)
	}
}

// errRollback makes a transaction roll back: a business refusal, which a
// store does not count as a database failure.
var errRollback error = keyward.Errorf(keyward.EINVAL, "storetest: roll back")

// ctxFor returns a context that ends with the test, at the latest after a
// minute.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// must fails t at once on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
