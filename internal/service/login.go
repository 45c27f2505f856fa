package service

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/keyward/keyward"
)

// Login response types (accounts.md 10.2).
const (
	Success = "SUCCESS"
	AuthErr = "AUTH_ERR"
	Expired = "EXPIRED"
)

// FailDelay waits the failed-login delay: a random time in the configured
// range. Only the calling goroutine waits.
func (s *Service) FailDelay(ctx context.Context) {
	lo, hi := s.cfg.FailDelay[0], s.cfg.FailDelay[1]
	d := lo
	if hi > lo {
		d += rand.N(hi - lo + 1)
	}
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func (s *Service) newSession(u *keyward.User, cred keyward.Credential) *keyward.Session {
	return &keyward.Session{
		LoginID: uuid.NewString(), UserID: u.ID, Username: u.Username,
		Credential: cred, LoginAt: s.now().UTC(),
	}
}

// LoginPassword checks a PASSWORD_PLAIN login. It succeeds iff the user
// exists, is not locked, has password login enabled, the password matches
// and the user has roles. Unknown users cost one verification too.
func (s *Service) LoginPassword(ctx context.Context, c *keyward.Caller, username, pw string) (*keyward.Session, string) {
	snap := s.snap.Load()
	u := snap.acc.UserByName(username)
	hash := ""
	if u != nil && !u.PasswordDisabled {
		hash = u.PasswordHash
	}
	ok, rehash, err := s.hasher.Verify(ctx, pw, hash)
	if err != nil && ctx.Err() == nil {
		s.log.Error("verify password", "user_id", userID(u), "error", err)
	}
	failed := map[string]any{"credentials": string(keyward.CredPassword), "credentials_data": map[string]any{"username": username}}
	if !ok || u == nil || !snap.userValid(u.ID) {
		s.login(ctx, c, keyward.CredPassword, username, failed, "Bad username or password", AuthErr)
		return nil, AuthErr
	}
	if rehash {
		s.rehashPassword(ctx, u.ID, pw)
	}
	sess := s.newSession(u, keyward.CredPassword)
	s.login(ctx, c, keyward.CredPassword, username, CredentialsJSON(sess, true), "", Success)
	return sess, Success
}

func userID(u *keyward.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// rehashPassword stores a hash with the current parameters.
func (s *Service) rehashPassword(ctx context.Context, id int64, pw string) {
	hash := s.hasher.Hash(pw)
	err := s.updateAccounts(context.WithoutCancel(ctx), func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		u := acc.User(id)
		if u == nil {
			return nil
		}
		cp := *u
		cp.PasswordHash = hash
		return tx.UpdateUser(ctx, &cp)
	})
	if err != nil {
		s.log.Warn("re-hash password", "user_id", id, "error", err)
	}
}

// LoginToken checks a TOKEN_PLAIN login (accounts.md 10.2).
func (s *Service) LoginToken(ctx context.Context, c *keyward.Caller, text string) (*keyward.Session, string) {
	failed := func(reason string) (*keyward.Session, string) {
		s.login(ctx, c, keyward.CredToken, "", map[string]any{"credentials": string(keyward.CredToken),
			"credentials_data": map[string]any{"token": Redacted}}, reason, AuthErr)
		return nil, AuthErr
	}
	id := tokenDigest(text)
	t := s.tokens.take(id, false)
	if t == nil {
		return failed("Invalid token")
	}
	if t.attrs {
		return failed("Bad token")
	}
	if t.matchOrigin && !sameOrigin(t.origin, c.Origin) {
		return failed("Invalid token")
	}
	snap := s.snap.Load()
	u := snap.acc.User(t.parent.UserID)
	if u == nil || !snap.userValid(u.ID) || !s.rootValid(t.parent) {
		return failed("Invalid token")
	}
	if s.tokens.take(id, true) == nil {
		return failed("Invalid token")
	}
	s.tokens.touch(id)
	sess := s.newSession(u, keyward.CredToken)
	sess.Parent, sess.TokenDigest = t.parent, id
	root := t.parent.Root()
	sess.APIKeyID, sess.APIKeyName = root.APIKeyID, root.APIKeyName
	s.login(ctx, c, keyward.CredToken, u.Username, CredentialsJSON(sess, true), "", Success)
	return sess, Success
}

// sameOrigin: the same client address, or both on the unix socket.
func sameOrigin(a, b keyward.Origin) bool {
	if a.Unix || b.Unix {
		return a.Unix && b.Unix
	}
	return a.Addr.Addr() == b.Addr.Addr()
}

// rootValid reports whether the credential at the root of a session's
// token chain is still valid. Password sessions depend only on their user,
// which the caller checks.
func (s *Service) rootValid(sess *keyward.Session) bool { return s.keySessionValid(sess) }

// TokenOptions are the parameters of auth.generate_token.
type TokenOptions struct {
	TTL         time.Duration
	Attrs       bool // attrs is non-empty
	MatchOrigin bool
	SingleUse   bool
}

// GenerateToken makes a token for the caller's session.
func (s *Service) GenerateToken(c *keyward.Caller, o TokenOptions) string {
	return s.tokens.add(&token{
		parent: c.Session, parentConn: c.ConnID, ttl: o.TTL, matchOrigin: o.MatchOrigin,
		origin: c.Origin, singleUse: o.SingleUse, attrs: o.Attrs,
	})
}

// SessionEnded destroys the tokens a session generated. Call it when a
// session ends by logout or termination.
func (s *Service) SessionEnded(sess *keyward.Session) {
	s.tokens.removeWhere(func(t *token) bool { return t.parent == sess })
	s.idle.Delete(sess.LoginID)
}

// Refresh implements the RPC layer's per-call session check: it returns the
// session's current effective roles, or keyward.ErrNotAuthenticated when
// the session has ended.
func (s *Service) Refresh(_ context.Context, sess *keyward.Session, _ keyward.Origin) (keyward.RoleSet, error) {
	snap := s.snap.Load()
	now := s.now()
	if !snap.userValid(sess.UserID) || !s.keySessionValidAt(sess, now) || s.expired(sess, now) {
		s.SessionEnded(sess)
		return 0, keyward.ErrNotAuthenticated
	}
	if sess.Credential == keyward.CredToken {
		s.tokens.touch(sess.TokenDigest)
	}
	return snap.roles[sess.UserID], nil
}

// expired applies session_max_age and session_idle_timeout, recording this
// call as activity.
func (s *Service) expired(sess *keyward.Session, now time.Time) bool {
	if s.cfg.SessionMaxAge > 0 && now.Sub(sess.LoginAt) >= s.cfg.SessionMaxAge {
		return true
	}
	if s.cfg.SessionIdleTimeout <= 0 {
		return false
	}
	v, _ := s.idle.LoadOrStore(sess.LoginID, new(atomic.Int64))
	last := v.(*atomic.Int64)
	prev := last.Swap(now.UnixNano())
	if prev == 0 {
		prev = sess.LoginAt.UnixNano()
	}
	return now.Sub(time.Unix(0, prev)) >= s.cfg.SessionIdleTimeout
}
