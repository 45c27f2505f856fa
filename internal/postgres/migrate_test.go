package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/pgtest"
	"github.com/keyward/keyward/internal/postgres"
)

// mustConnect opens a plain connection to url, closed when tb ends.
func mustConnect(tb testing.TB, url string) *pgx.Conn {
	tb.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// TestMigrateConcurrentOpen: nodes starting together on an empty
// database migrate it once and all open.
func TestMigrateConcurrentOpen(t *testing.T) {
	url := pgtest.Fresh(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := postgres.Open(context.Background(), url, keyward.StoreHooks{})
			if err == nil {
				err = db.Ping(context.Background())
				_ = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: %v", i, err)
		}
	}
	var n int
	err := mustConnect(t, url).QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n)
	if err != nil || n != postgres.SchemaVersion() {
		t.Errorf("schema_migrations has %d rows (%v), want %d", n, err, postgres.SchemaVersion())
	}
}

// TestMigrateNewerSchema: a database from a newer Keyward is refused with
// both versions named, and Ping of an open handle says it is not at this
// binary's version.
func TestMigrateNewerSchema(t *testing.T) {
	url := pgtest.Fresh(t)
	db, err := postgres.Open(context.Background(), url, keyward.StoreHooks{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	known := postgres.SchemaVersion()
	if _, err := mustConnect(t, url).Exec(context.Background(),
		`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future.sql', 0)`, known+1); err != nil {
		t.Fatal(err)
	}
	_, err = postgres.Open(context.Background(), url, keyward.StoreHooks{})
	want := fmt.Sprintf("the database was written by a newer Keyward (schema version %d; this one knows up to %d)", known+1, known)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Open = %v, want %q", err, want)
	}
	failures := 0
	db2, err := postgres.Open(context.Background(), pgtest.Fresh(t), keyward.StoreHooks{OnError: func(error) { failures++ }})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if err := db2.Ping(context.Background()); err != nil || failures != 0 {
		t.Errorf("Ping of a migrated database = %v (%d failures told)", err, failures)
	}
	if err := db.Ping(context.Background()); err == nil {
		t.Error("Ping of a database at a newer schema succeeded")
	}
}

// TestOpenURL: only postgres:// and postgresql:// URLs are taken, and a
// bad one is not quoted back (it may hold a password).
func TestOpenURL(t *testing.T) {
	for _, url := range []string{"mysql://u:secret@h/db", "postgres://u:secret@h:notaport/db"} {
		_, err := postgres.Open(context.Background(), url, keyward.StoreHooks{})
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v", url, err)
		}
	}
}
