package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/keyward/keyward"
)

// DB is an open Keyward database on PostgreSQL.
type DB struct {
	pool *pgxpool.Pool
	// feed is a small pool of its own for the change log and the node
	// heartbeats, so that queries holding every pooled connection never
	// keep a node from confirming the log (it would fail closed under
	// load).
	feed  *pgxpool.Pool
	hooks keyward.StoreHooks
	// localSeq is the highest change sequence committed through this DB.
	localSeq atomic.Int64

	audits     chan *auditItem // records waiting for the audit writer
	stopped    chan struct{}   // closed by Close
	writerDone chan struct{}   // closed when the audit writer has stopped
	closeOnce  sync.Once
}

// Open connects to the database at url (postgres:// or postgresql://, in
// libpq syntax; PG* environment variables fill what it leaves out, as pgx
// reads them) and applies pending migrations.
func Open(ctx context.Context, url string, hooks keyward.StoreHooks) (*DB, error) {
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, errors.New("postgres: the database URL must start with postgres:// or postgresql://")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message can quote the URL, password and all.
		return nil, errors.New("postgres: the database URL cannot be parsed")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = int32(max(8, 4*runtime.NumCPU()))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	// The feed's connections are kept open from the start: a node's first
	// read of the change log after a notification (its first revocation)
	// must not wait for a connection to be made (bench: 77-92 ms for the
	// first rounds of cluster-revoke, 5 ms after).
	feedCfg := cfg.Copy()
	feedCfg.MaxConns, feedCfg.MinConns = 3, 3
	feed, err := pgxpool.NewWithConfig(ctx, feedCfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := &DB{pool: pool, feed: feed, hooks: hooks}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		feed.Close()
		return nil, err
	}
	db.audits, db.stopped, db.writerDone = make(chan *auditItem, 4096), make(chan struct{}), make(chan struct{})
	go db.auditWriter()
	return db, nil
}

// Close writes the queued audit records and closes the pool.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.stopped)
		<-db.writerDone
		db.pool.Close()
		db.feed.Close()
	})
	return nil
}

// Ping reports whether the database answers and is fully migrated.
func (db *DB) Ping(ctx context.Context) (err error) {
	defer db.fail(&err)
	v, err := currentVersion(ctx, db.pool)
	if err != nil {
		return err
	}
	if want := SchemaVersion(); v != want {
		return fmt.Errorf("database at migration %d, want %d", v, want)
	}
	return nil
}

// now is the store's clock.
func (db *DB) now() time.Time {
	if db.hooks.Now != nil {
		return db.hooks.Now()
	}
	return time.Now()
}

// fail tells OnError of *err if it is a database failure. Every exported
// method of DB defers it, so each failure is told once, at the edge.
func (db *DB) fail(err *error) {
	if db.hooks.OnError != nil && keyward.IsStoreFailure(*err) {
		db.hooks.OnError(*err)
	}
}

// querier is what the pool, a connection and a transaction share.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// writeTx runs fn in a transaction and commits it if fn succeeds.
func (db *DB) writeTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// readTx runs fn in a read-only transaction that sees one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return readTxOn(ctx, db.pool, fn)
}

// readTxOn runs fn in a read-only transaction on pool.
func readTxOn(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return fn(tx)
}

var _ keyward.Store = (*DB)(nil)

// PoolStats implements keyward.PoolReporter.
func (db *DB) PoolStats() []keyward.PoolStat {
	stat := func(name string, p *pgxpool.Pool) keyward.PoolStat {
		s := p.Stat()
		return keyward.PoolStat{Pool: name, InUse: int(s.AcquiredConns()), Open: int(s.TotalConns()), Max: int(s.MaxConns())}
	}
	return []keyward.PoolStat{stat("main", db.pool), stat("feed", db.feed)}
}
