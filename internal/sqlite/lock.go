//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrInUse means the database is open in another process (a running
// server or a data-directory command), so it cannot be replaced.
var ErrInUse = errors.New("the database is in use")

// lockPath is the lock file beside a database. It is a file of its own:
// SQLite's POSIX locks on the database file would be dropped by closing
// any other descriptor of it.
func lockPath(dbPath string) string { return dbPath + ".lock" }

// lock takes a flock on the database's lock file without waiting: shared
// for every process that opens the database, exclusive for a restore.
// The kernel releases it when the process ends, so it never goes stale.
// The returned func releases it.
func lock(dbPath string, exclusive bool) (func() error, error) {
	path := lockPath(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err = flock(f, how|syscall.LOCK_NB)
	if err == nil {
		return f.Close, nil
	}
	f.Close()
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if exclusive {
		return nil, fmt.Errorf("%s: %w by a running Keyward server or command: stop it first", dbPath, ErrInUse)
	}
	return nil, fmt.Errorf("%s is being restored: start again when the restore has finished", dbPath)
}

// flock retries when a signal interrupts the call.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
