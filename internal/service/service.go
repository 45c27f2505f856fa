package service

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/password"
)

// SessionManager ends sessions on open connections; the RPC server
// implements it.
type SessionManager interface {
	EndSessions(match func(*keyward.Session) bool) int
}

// Config holds the services' settings.
type Config struct {
	Store keyward.AccountStore
	Audit keyward.AuditStore
	Keys  keyward.KeyStore
	// Log is the store's change log, which this node follows.
	Log keyward.ChangeLog
	// Nodes, for a store several nodes share, registers this node as Node
	// and lets writers wait for the others; nil on one node.
	Nodes keyward.NodeStore
	Node  string
	// Sessions, for a store several nodes share, is the table of every
	// node's sessions; nil on one node.
	Sessions keyward.SessionTable
	// Tokens, for a store several nodes share, is the table of tokens
	// every node accepts; nil on one node.
	Tokens keyward.TokenTable
	// Exclusive, for a store several nodes share, runs background work on
	// one node at a time; nil on one node.
	Exclusive keyward.Exclusive
	// RevocationMaxLag is the longest the node may go without confirming
	// the change log before it fails closed (zero: never fails closed).
	RevocationMaxLag time.Duration
	// SCRAMIterations is the PBKDF2 count of the SCRAM verifiers made
	// from now on (scram.md 9.3); zero means scram.MinIterations.
	SCRAMIterations int
	Verifier        *keys.Verifier
	// InsecureKeyPolicy is "revoke" (the default) or "reject".
	InsecureKeyPolicy string
	Hasher            *password.Hasher
	Logger            *slog.Logger
	Now               func() time.Time
	FailDelay         [2]time.Duration // failed-login delay range; zero: none
	// SessionMaxAge and SessionIdleTimeout end sessions (zero: never).
	SessionMaxAge      time.Duration
	SessionIdleTimeout time.Duration
	AuditRetention     time.Duration
	// Observer is told about logins and key checks; nil records nothing.
	Observer Observer
}

// Service implements the business rules.
type Service struct {
	cfg      Config
	store    keyward.AccountStore
	hasher   *password.Hasher
	log      *slog.Logger
	now      func() time.Time
	snap     atomic.Pointer[snapshot]
	reloadMu sync.Mutex
	sessions atomic.Value // SessionManager
	events   atomic.Value // keyward.Publisher
	tokens   *tokenStore
	keyCache keyCache
	feed     feed
	// instance names this process of the node: tokens it made are in its
	// memory, and a restarted node takes its old ones from the table.
	instance string
	idle     sync.Map // login id -> *atomic.Int64: unix nanos of the last call
	// tabled is what the session table holds of this node's sessions:
	// connection id -> login id (syncSessions, on the Follow goroutine).
	tabled map[string]string
	// dummySeal is dummySealed's verifier, made once.
	dummySealOnce sync.Once
	dummySeal     string
}

// snapshot is the accounts as of one generation, with effective roles
// precomputed: sessions are checked against it on every call without a
// database round trip.
type snapshot struct {
	acc   *keyward.Accounts
	gen   int64
	roles map[int64]keyward.RoleSet // user id -> effective roles
}

// New loads the accounts and returns the services.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	s := &Service{cfg: cfg, store: cfg.Store, hasher: cfg.Hasher, log: cfg.Logger, now: cfg.Now,
		instance: cfg.Node + "/" + uuid.NewString()}
	s.tokens = newTokenStore(s.now)
	if cfg.Tokens != nil {
		s.tokens.gone = s.tokensGone
	}
	s.keyCache.m = map[int64]*keyward.APIKey{}
	if err := s.startFeed(ctx); err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	if _, err := s.reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Attach connects the service to the server that holds the sessions and
// fans events out.
func (s *Service) Attach(m SessionManager, events keyward.Publisher) {
	s.sessions.Store(m)
	s.events.Store(events)
}

func (s *Service) endSessions(match func(*keyward.Session) bool) {
	if m, ok := s.sessions.Load().(SessionManager); ok {
		m.EndSessions(match)
	}
}

// Accounts returns the current accounts snapshot.
func (s *Service) Accounts() *keyward.Accounts { return s.snap.Load().acc }

// Roles returns the effective roles of user id (none for an unknown id).
func (s *Service) Roles(userID int64) keyward.RoleSet { return s.snap.Load().roles[userID] }

// reload reads the accounts and installs the new snapshot.
func (s *Service) reload(ctx context.Context) (*snapshot, error) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	acc, gen, err := s.store.LoadAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("load accounts: %w", err)
	}
	snap := &snapshot{acc: acc, gen: gen, roles: make(map[int64]keyward.RoleSet, len(acc.Users))}
	for _, u := range acc.Users {
		snap.roles[u.ID] = acc.EffectiveRoles(u)
	}
	s.snap.Store(snap)
	return snap, nil
}

// reconcile ends every session and token whose user is gone, locked or
// left without roles (accounts.md 13.3), and the tokens made before the
// user's password changed.
func (s *Service) reconcile(snap *snapshot) {
	invalid := func(sess *keyward.Session) bool { return snap.sessionUser(sess) == nil }
	s.tokens.removeWhere(func(t *token) bool { return snap.tokenUser(t) == nil })
	s.endSessions(invalid)
}

// validUser returns the user with this id and stamp if it may act: it
// exists, is the same account (ids are never reused, and the stamp tells
// apart accounts even if one were), is not locked and has roles.
func (snap *snapshot) validUser(id, stamp int64) *keyward.User {
	u := snap.acc.User(id)
	if u == nil || u.Stamp != stamp || u.Locked || snap.roles[id].Empty() {
		return nil
	}
	return u
}

// sessionUser returns the user a session acts as, or nil when its user
// may no longer act.
func (snap *snapshot) sessionUser(sess *keyward.Session) *keyward.User {
	return snap.validUser(sess.UserID, sess.UserStamp)
}

// tokenUser returns the user a token logs in as, or nil when it may not:
// its user may no longer act, or changed password since the token was made.
func (snap *snapshot) tokenUser(t *token) *keyward.User {
	if t.parent.Ended() {
		return nil // its session was logged out, terminated or invalidated
	}
	u := snap.sessionUser(t.parent)
	if u == nil || u.TokenEpoch != t.epoch {
		return nil
	}
	return u
}

// afterReply runs fn once the current call's response is queued (so a call
// that ends its own session is answered first), or at once outside a call.
func afterReply(ctx context.Context, fn func()) {
	if c := keyward.CallerFrom(ctx); c != nil {
		c.Defer(fn)
		return
	}
	fn()
}

// updateAccounts runs fn in a write transaction on the current accounts,
// then applies the change log up to the change (the new snapshot); sessions
// the change invalidates end after the caller's response is queued.
func (s *Service) updateAccounts(ctx context.Context, fn func(tx keyward.AccountTx, acc *keyward.Accounts) error) error {
	before := s.cfg.Log.LocalSeq()
	err := s.store.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		acc, err := tx.Load(ctx)
		if err != nil {
			return err
		}
		return fn(tx, acc)
	})
	if err != nil {
		_ = s.synced(ctx) // a failed commit may have committed: look either way
		return err
	}
	return s.wrote(ctx, before)
}
