package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/sqlite"
	"github.com/keyward/keyward/internal/storetest"
)

// openAt opens a handle on the database at path, failing tb on an error
// and on any database failure the store reports; it closes when tb ends.
func openAt(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	db.OnError = func(err error) { tb.Errorf("store failure: %v", err) }
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// TestStore runs the store conformance suite on SQLite, whose Listen wakes
// for its own handle's commits (one node per database).
func TestStore(t *testing.T) {
	storetest.Run(t, storetest.PerTest(
		func(t *testing.T) string { return filepath.Join(t.TempDir(), "keyward.db") },
		func(t *testing.T, path string) keyward.Store { return openAt(t, path) },
	), storetest.LocalListen())
}
