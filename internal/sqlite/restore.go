package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Restored describes a finished restore.
type Restored struct {
	Info
	// Aside is where the database that was replaced now lives ("" when
	// there was none).
	Aside string
}

// Restore replaces the database at dbPath with a copy of file, a backup.
// It refuses while any process has the database open (a running server
// or a data-directory command: see lock.go), and refuses a file that is
// not a sound Keyward database of a schema version this binary knows.
// The directory is created with mode 0700 if missing; the copy gets mode
// 0600. The old database is renamed, never deleted: see setAside.
func Restore(ctx context.Context, file, dbPath string, now time.Time) (*Restored, error) {
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	unlock, err := lock(dbPath, true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	tmp := dbPath + ".restoring"
	if err := copyFile(file, tmp); err != nil {
		return nil, err
	}
	info, err := CheckBackup(ctx, tmp)
	if err != nil {
		removeDB(tmp)
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	removeSidecars(tmp) // empty: the check only read
	aside, err := setAside(dbPath, now)
	if err != nil {
		removeDB(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	return &Restored{Info: *info, Aside: aside}, syncDir(filepath.Dir(dbPath))
}

// CheckBackup checks that the database file at path is sound (PRAGMA
// integrity_check) and a Keyward database (it has schema_migrations) of a
// schema version this binary can open, and describes it.
func CheckBackup(ctx context.Context, path string) (*Info, error) {
	db, err := sql.Open("sqlite", dsn(path)+"&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&result); err != nil {
		return nil, fmt.Errorf("not a Keyward database: %w", err)
	}
	if result != "ok" {
		return nil, fmt.Errorf("the database is damaged: integrity_check says %q", result)
	}
	info, err := inspect(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(info.Version); err != nil {
		return nil, fmt.Errorf("%w: restore it with that Keyward", err)
	}
	return info, nil
}

// copyFile copies src to a new file dst with mode 0600, synced to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	removeDB(dst) // left by an interrupted restore: the lock says none runs
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	_, err = io.Copy(out, in)
	if err = errors.Join(err, out.Sync(), out.Close()); err != nil {
		os.Remove(dst)
		return fmt.Errorf("restore: copy %s: %w", src, err)
	}
	return nil
}

// setAside renames the database at dbPath, if any, to
// <dbPath>.before-restore-<UTC time>, with its -wal and -journal files
// (which may hold committed changes, and which SQLite finds by that new
// name), and deletes its -shm index, which SQLite rebuilds. It returns the
// new name.
func setAside(dbPath string, now time.Time) (string, error) {
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		removeSidecars(dbPath) // stale: they belong to no database
		return "", nil
	}
	aside := dbPath + ".before-restore-" + now.UTC().Format("20060102T150405Z")
	for n := 2; exists(aside); n++ {
		aside = dbPath + ".before-restore-" + now.UTC().Format("20060102T150405Z") + "." + strconv.Itoa(n)
	}
	for _, suffix := range []string{"-wal", "-journal", ""} {
		err := os.Rename(dbPath+suffix, aside+suffix)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("restore: keep the old database: %w", err)
		}
	}
	if err := os.Remove(dbPath + "-shm"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("restore: %w", err)
	}
	return aside, nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// removeDB deletes a database file and the files SQLite keeps beside it.
func removeDB(path string) {
	os.Remove(path)
	removeSidecars(path)
}

// removeSidecars deletes the files SQLite keeps beside a database.
func removeSidecars(path string) {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return errors.Join(d.Sync(), d.Close())
}
