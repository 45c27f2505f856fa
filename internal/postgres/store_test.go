package postgres_test

import (
	"context"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/pgtest"
	"github.com/keyward/keyward/internal/postgres"
	"github.com/keyward/keyward/internal/storetest"
)

// MustOpen opens a handle on the database at url, failing tb on an error
// and on any database failure the store reports; it closes when tb ends.
func MustOpen(tb testing.TB, url string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), url, keyward.StoreHooks{
		OnError: func(err error) { tb.Errorf("store failure: %v", err) },
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, storetest.PerTest(
		func(t *testing.T) string { return pgtest.Fresh(t) },
		func(t *testing.T, url string) keyward.Store { return MustOpen(t, url) },
	))
}
