package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyward/keyward/internal/sqlite"
)

// mustVersions returns the schema_migrations rows of the database at path
// as "version name" lines.
func mustVersions(t *testing.T, path string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s", v, name))
	}
	return out
}

// TestMigrateConcurrentOpen opens one new database from several goroutines
// at once, as servers started together on one data directory would: every
// migration is applied exactly once (a second run of one would fail: its
// CREATE TABLE exists, its version row is a primary key).
func TestMigrateConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keyward.db")
	const n = 6
	errs := make([]error, n)
	dbs := make([]*sqlite.DB, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = sqlite.Open(context.Background(), path) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		dbs[i].Close()
	}
	got := mustVersions(t, path)
	if len(got) != sqlite.SchemaVersion() {
		t.Fatalf("schema_migrations: %q, want %d rows", got, sqlite.SchemaVersion())
	}
	for i, line := range got {
		if !strings.HasPrefix(line, fmt.Sprintf("%d %04d_", i+1, i+1)) {
			t.Fatalf("row %d: %q", i, line)
		}
	}
}

// TestMigrateNewerSchema refuses a database that a newer Keyward migrated
// further, naming both versions, and leaves it as it was.
func TestMigrateNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keyward.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	future := sqlite.SchemaVersion() + 3
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, raw, `INSERT INTO schema_migrations VALUES (?, '0099_future.sql', 0)`, future)
	raw.Close()
	before := mustVersions(t, path)
	_, err = sqlite.Open(context.Background(), path)
	want := fmt.Sprintf("newer Keyward (schema version %d; this one knows up to %d)", future, sqlite.SchemaVersion())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("open: %v, want %q", err, want)
	}
	if after := mustVersions(t, path); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("schema_migrations changed: %q -> %q", before, after)
	}
}

// TestCreateAt makes a database of each older schema version and upgrades
// it with Open.
func TestCreateAt(t *testing.T) {
	for v := 1; v <= sqlite.SchemaVersion(); v++ {
		t.Run(fmt.Sprintf("OK%d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keyward.db")
			if err := sqlite.CreateAt(context.Background(), path, v); err != nil {
				t.Fatal(err)
			}
			if got := mustVersions(t, path); len(got) != v {
				t.Fatalf("CreateAt(%d): %q", v, got)
			}
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("ErrRange", func(t *testing.T) {
		if err := sqlite.CreateAt(context.Background(), filepath.Join(t.TempDir(), "x.db"), 0); err == nil {
			t.Fatal("CreateAt(0) succeeded")
		}
	})
}
