package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/keyward/keyward"
)

// DB implements the whole store.
var _ keyward.Store = (*DB)(nil)

// DB is an open Keyward database.
type DB struct {
	path  string
	write *sql.DB // one connection: SQLite has one writer at a time
	read  *sql.DB
	// feedRead is one reader of its own for the change log, so that
	// queries holding every pooled reader never keep a node from
	// confirming the log (it would fail closed under load).
	feedRead *sql.DB
	unlock   func() error // releases the shared lock (lock.go)
	// Now is the clock; tests replace it.
	Now func() time.Time
	// OnError is the store's one error hook: it is told of every database
	// failure once, where it surfaces (keyward.StoreHooks.OnError),
	// including a batch of audit records that cannot be written (the
	// writer goes on with the next batch). Set it before use.
	OnError func(error)

	findKeyStmt *sql.Stmt // FindKey, on the readers
	feed        changeFeed

	audits     chan *auditItem // records waiting for the audit writer
	stopped    chan struct{}   // closed by Close
	writerDone chan struct{}   // closed when the audit writer has stopped
	closeOnce  sync.Once
}

// pragmas go in the DSN so every pooled connection gets them; busy_timeout
// comes first so the others wait for locks too.
const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// Open opens (creating it with mode 0600 if needed) the database at path and
// applies pending migrations. It holds a shared lock on path+".lock" until
// Close, so that a restore never replaces a database in use.
func Open(ctx context.Context, path string) (*DB, error) {
	unlock, err := lock(path, false)
	if err != nil {
		return nil, err
	}
	db, err := open(ctx, path)
	if err != nil {
		unlock()
		return nil, err
	}
	db.unlock = unlock
	return db, nil
}

// dsn is the data source name of the database at path, with the pragmas.
func dsn(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
}

func open(ctx context.Context, path string) (*DB, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	dsn := dsn(path)
	db := &DB{path: path, Now: time.Now}
	var err error
	// _txlock=immediate: BEGIN takes the write lock at once, so a
	// transaction never fails half-way upgrading a read lock.
	if db.write, err = sql.Open("sqlite", dsn+"&_txlock=immediate"); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if db.read, err = sql.Open("sqlite", dsn+"&_pragma=query_only(1)"); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	if db.feedRead, err = sql.Open("sqlite", dsn+"&_pragma=query_only(1)"); err != nil {
		db.read.Close()
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.feedRead.SetMaxOpenConns(1)
	if err := db.migrate(ctx); err != nil {
		_ = db.read.Close()
		_ = db.write.Close()
		return nil, err
	}
	if db.findKeyStmt, err = db.read.PrepareContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE id = ?`); err != nil {
		_ = db.read.Close()
		_ = db.write.Close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	db.audits, db.stopped, db.writerDone = make(chan *auditItem, 4096), make(chan struct{}), make(chan struct{})
	go db.auditWriter()
	return db, nil
}

// createPrivate creates the database file with mode 0600 if it is missing,
// so SQLite (and its -wal and -shm files) never widen it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	return f.Close()
}

// Close stops the audit writer and closes the database.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		close(db.stopped)
		<-db.writerDone
		err = errors.Join(db.findKeyStmt.Close(), db.feedRead.Close(), db.read.Close(), db.write.Close(), db.unlock())
	})
	return err
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Ping reports whether the database answers and is fully migrated.
func (db *DB) Ping(ctx context.Context) error {
	v, err := currentVersion(ctx, db.read)
	if err != nil {
		return err
	}
	if want := SchemaVersion(); v != want {
		return fmt.Errorf("database at migration %d, want %d", v, want)
	}
	return nil
}

// fail tells OnError of *err if it is a database failure. Every exported
// method of DB defers it, so each failure is told once, at the edge.
func (db *DB) fail(err *error) {
	if db.OnError != nil && keyward.IsStoreFailure(*err) {
		db.OnError(*err)
	}
}

// plainTx runs fn in a write transaction that appends no changes, so it
// does not look at the change log: migrations (which run before the log
// may exist) and the writes of audit records, pepper checks and pruning,
// which would pay two reads of the log's sequence for nothing.
func (db *DB) plainTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// writeTx runs fn in a write transaction and commits it if fn succeeds.
// When the transaction appended changes, Listen wakes once it committed.
func (db *DB) writeTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	before, err := lastSeq(ctx, tx)
	if err == nil {
		err = fn(tx)
	}
	var after int64
	if err == nil {
		after, err = lastSeq(ctx, tx)
	}
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if after > before {
		db.feed.committed(after)
	}
	return nil
}

// Checkpoint copies the write-ahead log into the database file, so that a
// reader of the file sees everything committed.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// PoolStats implements keyward.PoolReporter.
func (db *DB) PoolStats() []keyward.PoolStat {
	stat := func(name string, d *sql.DB) keyward.PoolStat {
		s := d.Stats()
		return keyward.PoolStat{Pool: name, InUse: s.InUse, Open: s.OpenConnections, Max: s.MaxOpenConnections}
	}
	return []keyward.PoolStat{stat("write", db.write), stat("read", db.read), stat("feed", db.feedRead)}
}
