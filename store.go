package keyward

import (
	"context"
	"errors"
	"time"
)

// Filter is a parsed query-filters list (protocol 11.1). Package query
// makes it; a store compiles it to its SQL, or an in-memory collection
// matches entries with it. A nil Filter matches everything.
type Filter interface {
	Match(entry map[string]any) bool
}

// QueryOptions is a parsed query-options object (protocol 11.2): order,
// paging, selection, count and get. Package query makes it.
type QueryOptions interface {
	Shape(entries []map[string]any) (any, error)
}

// KeyStore persists API keys.
type KeyStore interface {
	// FindKey returns key id, or nil when there is none.
	FindKey(ctx context.Context, id int64) (*APIKey, error)
	// QueryKeys runs an api_key.query as the view shows keys.
	QueryKeys(ctx context.Context, v KeyView, f Filter, o QueryOptions) (any, error)
	// KeyIDsByUser returns the ids of each user's keys, ascending.
	KeyIDsByUser(ctx context.Context) (map[int64][]int64, error)
	// KeysGeneration is a number that changes with every committed key write.
	KeysGeneration(ctx context.Context) (int64, error)
	// UpdateKeys runs fn in one write transaction, committed only if fn
	// returns nil.
	UpdateKeys(ctx context.Context, fn func(KeyTx) error) error
	// KeyIDsWithHashPrefix returns the ids of the keys whose keyhash
	// starts with prefix, ascending.
	KeyIDsWithHashPrefix(ctx context.Context, prefix string) ([]int64, error)
	RevokedKeys(ctx context.Context) ([]*APIKey, error)
	InsecureUses(ctx context.Context) ([]InsecureUse, error)
}

// AuditStore keeps the audit trail. Entries are audit records in the
// canonical form of the query engine (api-keys.md 15.2).
type AuditStore interface {
	AddAudit(ctx context.Context, entry map[string]any) error
	QueryAudit(ctx context.Context, f Filter, o QueryOptions) (any, error)
	// PruneAudit deletes the records older than before and says how many.
	PruneAudit(ctx context.Context, before time.Time) (int64, error)
}

// PepperStore keeps what the database knows of the peppers its keys were
// hashed with (api-keys.md 10.2, cluster.md 2).
type PepperStore interface {
	// PepperUsage counts the stored key hashes by pepper id ("" for
	// imported hashes that use none).
	PepperUsage(ctx context.Context) (map[string]int64, error)
	// PepperChecks returns the recorded check value of each pepper id.
	PepperChecks(ctx context.Context) (map[string]string, error)
	// RecordPepperChecks records check values by pepper id (a recorded
	// value is never replaced). It reads the recorded values under the
	// database's write lock and first hands them to check (when not nil),
	// recording nothing if check fails: of nodes starting together, each
	// checks its peppers against what the others recorded.
	RecordPepperChecks(ctx context.Context, checks map[string]string, check func(stored map[string]string) error) error
}

// FirstPepper is a check for RecordPepperChecks that refuses, with
// ErrPepperRecorded, a database that knows a pepper already.
func FirstPepper(stored map[string]string) error {
	if len(stored) > 0 {
		return ErrPepperRecorded
	}
	return nil
}

// Store is a whole Keyward database. internal/sqlite and
// internal/postgres implement it; the wiring picks one from the database
// setting and nothing else knows which.
type Store interface {
	AccountStore
	KeyStore
	AuditStore
	PepperStore
	ChangeLog
	// Ping reports whether the database answers and is fully migrated.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// StoreHooks are what a store tells its owner. The zero value tells
// nothing.
type StoreHooks struct {
	// OnError is told of every database failure once, where it surfaces
	// at the store's edge: not business refusals (a *Error or
	// *ValidationError returned by a transaction's own checks) and not
	// cancelled calls. Metrics count them.
	OnError func(error)
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// IsStoreFailure reports whether err, returned by a store, is a database
// failure (StoreHooks.OnError): not a business refusal, not a cancelled
// call, and not an answer the interface defines (ErrLogTruncated,
// ErrNodeNameTaken).
func IsStoreFailure(err error) bool {
	var ke *Error
	var ve *ValidationError
	return err != nil && !errors.As(err, &ke) && !errors.As(err, &ve) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) &&
		!errors.Is(err, ErrLogTruncated) && !errors.Is(err, ErrNodeNameTaken)
}

// PoolStat is the use of one of a store's connection pools, for metrics.
type PoolStat struct {
	Pool  string // which pool: "read", "write", "feed", "main"
	InUse int
	Open  int
	Max   int
}

// PoolReporter is implemented by stores that can say how busy their
// connection pools are (cluster.md 6: database pool use).
type PoolReporter interface {
	PoolStats() []PoolStat
}
