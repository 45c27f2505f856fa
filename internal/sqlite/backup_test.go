package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/sqlite"
)

// mustKeyDB returns the path of a closed database holding one user and
// n keys hashed with pepper "p1".
func mustKeyDB(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keyward.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	err = db.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		return tx.CreateUser(ctx, &keyward.User{UID: 1000, Username: "alice", FullName: "Alice", GroupID: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		for i := range n {
			k := &keyward.APIKey{Name: "k" + string(rune('a'+i)), UserID: 1, Hash: "$hmac-sha256$p1$x", CreatedAt: time.Now()}
			if err := tx.Create(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func mustMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != want {
		t.Fatalf("%s: mode %#o, want %#o", path, info.Mode().Perm(), want)
	}
}

func TestBackup(t *testing.T) {
	src := mustKeyDB(t, 3)
	out := filepath.Join(t.TempDir(), "backup.db")
	t.Run("OK", func(t *testing.T) {
		info, err := sqlite.Backup(context.Background(), src, out)
		if err != nil {
			t.Fatal(err)
		}
		if info.Version != sqlite.SchemaVersion() || info.Peppers["p1"] != 3 || info.HMACKeys() != 3 {
			t.Fatalf("info %+v", info)
		}
		mustMode(t, out, 0o600)
		if _, err := sqlite.CheckBackup(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		before, _ := os.ReadFile(out)
		_, err := sqlite.Backup(context.Background(), src, out)
		if !errors.Is(err, os.ErrExist) {
			t.Fatalf("backup over an existing file: %v", err)
		}
		if after, _ := os.ReadFile(out); string(after) != string(before) {
			t.Fatal("the existing file changed")
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "keyward.db")
		if _, err := sqlite.Backup(context.Background(), missing, out+"2"); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("backup of a missing database: %v", err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("backup created the database it was asked to copy")
		}
	})
}

func TestRestore(t *testing.T) {
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := sqlite.Backup(context.Background(), mustKeyDB(t, 2), backup); err != nil {
		t.Fatal(err)
	}
	t.Run("OKNewDir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "new", "data")
		dbPath := filepath.Join(dir, "keyward.db")
		r, err := sqlite.Restore(context.Background(), backup, dbPath, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if r.Aside != "" || r.Peppers["p1"] != 2 {
			t.Fatalf("restored %+v", r)
		}
		mustMode(t, dir, 0o700)
		mustMode(t, dbPath, 0o600)
		mustKeys(t, dbPath, 2)
	})
	t.Run("OKKeepsOld", func(t *testing.T) {
		dbPath := mustKeyDB(t, 5)
		for _, suffix := range []string{"-wal", "-shm"} { // as a crash leaves them
			if err := os.WriteFile(dbPath+suffix, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)
		r, err := sqlite.Restore(context.Background(), backup, dbPath, now)
		if err != nil {
			t.Fatal(err)
		}
		if r.Aside != dbPath+".before-restore-20261127T103000Z" {
			t.Fatalf("aside %q", r.Aside)
		}
		mustKeys(t, r.Aside, 5)
		mustKeys(t, dbPath, 2)
		for _, p := range []string{dbPath + "-shm", dbPath + ".restoring"} {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s left behind", p)
			}
		}
		if r, err := sqlite.Restore(context.Background(), backup, dbPath, now); err != nil || r.Aside != dbPath+".before-restore-20261127T103000Z.2" {
			t.Fatalf("second restore in the same second: %v %+v", err, r)
		}
	})
	t.Run("ErrInUse", func(t *testing.T) {
		dbPath := mustKeyDB(t, 5)
		db, err := sqlite.Open(context.Background(), dbPath)
		if err != nil {
			t.Fatal(err)
		}
		_, err = sqlite.Restore(context.Background(), backup, dbPath, time.Now())
		db.Close()
		if !errors.Is(err, sqlite.ErrInUse) || !strings.Contains(err.Error(), "stop it first") {
			t.Fatalf("restore while open: %v", err)
		}
		mustKeys(t, dbPath, 5)
		if _, err := sqlite.Restore(context.Background(), backup, dbPath, time.Now()); err != nil {
			t.Fatalf("restore once closed: %v", err)
		}
	})
	t.Run("ErrNotKeyward", func(t *testing.T) {
		plain := filepath.Join(t.TempDir(), "plain.db")
		raw, err := sql.Open("sqlite", plain)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, raw, `CREATE TABLE t (x)`)
		raw.Close()
		text := filepath.Join(t.TempDir(), "notes.txt")
		if err := os.WriteFile(text, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
			t.Fatal(err)
		}
		for file, want := range map[string]string{
			plain: "not a Keyward database: it has no schema_migrations table",
			text:  "not a Keyward database: file is not a database",
		} {
			dbPath := filepath.Join(t.TempDir(), "keyward.db")
			_, err := sqlite.Restore(context.Background(), file, dbPath, time.Now())
			if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), file+": ") {
				t.Fatalf("restore %s: %v, want %q", file, err, want)
			}
			if left, _ := filepath.Glob(dbPath + "*"); len(left) != 1 || left[0] != dbPath+".lock" {
				t.Fatalf("files left: %q", left)
			}
		}
	})
	t.Run("ErrNewer", func(t *testing.T) {
		newer := filepath.Join(t.TempDir(), "newer.db")
		if _, err := sqlite.Backup(context.Background(), mustKeyDB(t, 1), newer); err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open("sqlite", newer)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, raw, `INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 0)`)
		raw.Close()
		_, err = sqlite.Restore(context.Background(), newer, filepath.Join(t.TempDir(), "keyward.db"), time.Now())
		if err == nil || !strings.Contains(err.Error(), "schema version 99; this one knows up to") {
			t.Fatalf("restore of a newer database: %v", err)
		}
	})
}

// mustKeys checks the number of keys in the database at path.
func mustKeys(t *testing.T, path string, want int) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM api_keys`).Scan(&n); err != nil || n != want {
		t.Fatalf("%s: %d keys (%v), want %d", path, n, err, want)
	}
}
