package keyward

import (
	"context"
	"errors"
	"time"
)

// ChangeKind says what a committed change touched.
type ChangeKind string

// The kinds of change the change log records (cluster.md 4).
const (
	// ChangeKey: API key ID was added, changed or removed; Key is its
	// state after an added or changed change.
	ChangeKey ChangeKind = "key"
	// ChangeAccounts: users, groups or privileges changed; every node
	// reloads the accounts.
	ChangeAccounts ChangeKind = "accounts"
	// ChangeSession: the session of connection Session is to end, on
	// whichever node holds it; Session "*" followed by a connection id
	// ends every session but that connection's, on every node.
	ChangeSession ChangeKind = "session"
)

// Change is one committed change that can affect authentication,
// authorization or an event. Stores append changes in the transaction that
// makes them; every node applies each exactly once, in Seq order.
type Change struct {
	Seq     int64 // monotonic, in commit order
	Kind    ChangeKind
	Msg     EventMsg // for ChangeKey
	ID      int64    // the key, for ChangeKey
	Key     *APIKey  // for ChangeKey added and changed: never a raw key
	Session string   // for ChangeSession
	At      time.Time
}

// ErrLogTruncated is returned by ChangesAfter when the log no longer
// reaches back that far: the reader must reload everything.
var ErrLogTruncated = errors.New("the change log no longer reaches back that far")

// ChangeLog is the store's log of committed changes (cluster.md 4).
//
// KeyTx.Create, Update and Delete append a ChangeKey each; a committed
// UpdateAccounts appends one ChangeAccounts (and a ChangeKey removed for
// each key a deleted user took with it); AppendSessionEnd appends a
// ChangeSession. Sequence numbers are handed out in commit order, so a
// reader that has seen Seq n has seen every change before it.
type ChangeLog interface {
	// ChangesAfter returns up to limit changes with Seq > after, in order,
	// or ErrLogTruncated.
	ChangesAfter(ctx context.Context, after int64, limit int) ([]Change, error)
	// LastChange returns the newest committed Seq (0: none yet).
	LastChange(ctx context.Context) (int64, error)
	// LocalSeq returns the highest Seq committed through this store
	// handle: a writer waits until its node has applied it.
	LocalSeq() int64
	// Listen calls ready once it listens, then wake whenever changes may
	// have been committed, until ctx ends or the listening connection
	// breaks (the error says why). Wake-ups may be lost or repeated:
	// readers still poll.
	Listen(ctx context.Context, ready, wake func()) error
	// AppendSessionEnd records that the session of connection id (or, for
	// "*<id>", every session but that connection's) is to end.
	AppendSessionEnd(ctx context.Context, id string) error
	// PruneChanges deletes the changes older than before, keeping the
	// newest.
	PruneChanges(ctx context.Context, before time.Time) error
}

// ErrNodeNameTaken is returned by JoinNode when a live node already has
// the name.
var ErrNodeNameTaken = errors.New("a live node already has this node_name")

// NodeStore is implemented by stores that several nodes share
// (PostgreSQL): it knows the live nodes, their heartbeats and how far each
// has applied the change log, so that a writer can wait until every live
// node knows its change before it answers.
type NodeStore interface {
	// JoinNode registers this node under name, refusing with
	// ErrNodeNameTaken while another node of that name beat within stale.
	JoinNode(ctx context.Context, name string, stale time.Duration) error
	// Heartbeat records that node name is alive and has applied the change
	// log up to applied.
	Heartbeat(ctx context.Context, name string, applied int64) error
	// LeaveNode removes node name (a clean stop).
	LeaveNode(ctx context.Context, name string) error
	// NodesBehind counts the live nodes (heartbeat within stale) other
	// than name that have applied less than seq.
	NodesBehind(ctx context.Context, name string, seq int64, stale time.Duration) (int, error)
}

// SessionRecord is a session as the sessions table of a cluster lists it
// (cluster.md 3): enough for auth.sessions on another node.
type SessionRecord struct {
	ID         string // the connection id, as auth.sessions shows it
	Node       string
	UserID     int64
	Origin     string
	Secure     bool
	CreatedAt  time.Time
	Credential Credential
	// Data is credentials_data with login ids (API v25.10 on).
	Data map[string]any
}

// SessionTable is implemented by stores that several nodes share: each
// node registers the sessions it holds, and auth.sessions on any node
// lists them all.
type SessionTable interface {
	// PutSessions adds (or replaces) and removes sessions of node.
	PutSessions(ctx context.Context, node string, put []SessionRecord, remove []string) error
	// ListSessions returns the sessions of the live nodes (heartbeat
	// within stale) other than except.
	ListSessions(ctx context.Context, except string, stale time.Duration) ([]SessionRecord, error)
	// PurgeSessions deletes the sessions of nodes not live within stale.
	PurgeSessions(ctx context.Context, stale time.Duration) error
}

// TokenParent is what a cluster's token table keeps of the session that
// generated a token (and of the first session of its chain), so that
// another node can log in with the token as the generating node would.
type TokenParent struct {
	LoginID    string       `json:"login_id"`
	UserID     int64        `json:"user_id"`
	UserStamp  int64        `json:"user_stamp"`
	Username   string       `json:"username"`
	Credential Credential   `json:"credential"`
	LoginAt    time.Time    `json:"login_at"`
	APIKeyID   int64        `json:"api_key_id,omitempty"`
	APIKeyName string       `json:"api_key_name,omitempty"`
	APIKeyGen  int64        `json:"api_key_gen,omitempty"`
	Parent     *TokenParent `json:"parent,omitempty"`
}

// TokenRecord is an auth.generate_token token as a cluster's token table
// keeps it: under the SHA-256 of its text, never the text.
type TokenRecord struct {
	Digest      [32]byte
	Node        string // the node process that made it, which alone keeps it in memory too
	Parent      TokenParent
	TTL         time.Duration
	LastUsed    time.Time
	MatchOrigin bool
	OriginIP    string // "" for the unix socket
	OriginUnix  bool
	SingleUse   bool
	Attrs       bool
	Epoch       int64
}

// TokenTable is implemented by stores that several nodes share: a token
// made on one node logs in on any other, and a single-use token once in
// the whole cluster (cluster.md 3).
type TokenTable interface {
	PutToken(ctx context.Context, t TokenRecord) error
	// TakeToken returns the token if it is within its TTL at now (nil if
	// not), and records the use; with consume, a single-use token is
	// deleted by taking it, so only one caller in the cluster gets it.
	TakeToken(ctx context.Context, digest [32]byte, consume bool, now time.Time) (*TokenRecord, error)
	DeleteTokens(ctx context.Context, digests [][32]byte) error
	// DeleteTokensExcept deletes every token not generated by loginID.
	DeleteTokensExcept(ctx context.Context, loginID string) error
	// PurgeTokens deletes the tokens past their TTL at now.
	PurgeTokens(ctx context.Context, now time.Time) error
}

// Exclusive is implemented by stores that several nodes share: background
// work (audit retention, pruning the change log) runs on one node at a
// time, and a dead node's turn passes to another without operator action
// (cluster.md 3).
type Exclusive interface {
	// Exclusively runs fn unless another node is running the job of that
	// name, and reports whether it ran.
	Exclusively(ctx context.Context, job string, fn func(context.Context) error) (bool, error)
}
