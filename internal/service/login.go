package service

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/keyward/keyward"
)

// Login response types (accounts.md 10.2), as the service's functions
// return them.
const (
	Success = keyward.LoginSuccess
	AuthErr = keyward.LoginAuthErr
	Expired = keyward.LoginExpired
)

// Binder is the connection a login runs on (the RPC layer's Conn): a
// successful login installs its session there before answering.
type Binder interface {
	Session() *keyward.Session
	SetSession(s *keyward.Session)
	CompareAndSwapSession(old, new *keyward.Session) bool
}

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
		LoginID: uuid.NewString(), UserID: u.ID, UserStamp: u.Stamp, Username: u.Username,
		Credential: cred, LoginAt: s.now().UTC(),
	}
}

// establish finishes a login whose credential was accepted: it installs
// sess on the connection, then checks once more that the session's user
// (and key) still allow it, and only then records and answers SUCCESS.
// A change that committed while the credential was being checked either
// shows in that check, and the login fails with refuse, or comes after the
// session was installed, and then ends it like any other open session.
func (s *Service) establish(ctx context.Context, c *keyward.Caller, b Binder, sess *keyward.Session,
	refuse func() (*keyward.Session, keyward.LoginResponse)) (*keyward.Session, keyward.LoginResponse) {
	prev := b.Session()
	for !b.CompareAndSwapSession(prev, sess) {
		prev = b.Session() // the previous session ended meanwhile
	}
	if !s.sessionValid(sess) {
		b.CompareAndSwapSession(sess, prev)
		return refuse()
	}
	if prev != nil {
		s.sessionReplaced(c, prev)
	}
	s.login(ctx, c, sess.Credential, sess.Username, s.CredentialsJSON(sess, true), "", Success)
	return sess, Success
}

// sessionValid reports whether sess may act now: its user (by id and
// stamp) and the key at the root of its chain still allow it.
func (s *Service) sessionValid(sess *keyward.Session) bool {
	return s.snap.Load().sessionUser(sess) != nil && s.keySessionValid(sess)
}

// LoginPassword checks a PASSWORD_PLAIN login. It succeeds iff the user
// exists, is not locked, has password login enabled, the password matches
// and the user has roles, and all of that still holds once the password
// has been checked. Unknown users cost one verification too.
func (s *Service) LoginPassword(ctx context.Context, c *keyward.Caller, b Binder, username, pw string) (*keyward.Session, keyward.LoginResponse) {
	u := s.Accounts().UserByName(username)
	hash := ""
	if u != nil && !u.PasswordDisabled {
		hash = u.PasswordHash
	}
	ok, rehash, err := s.hasher.Verify(ctx, pw, hash)
	if err != nil && ctx.Err() == nil {
		s.log.Error("verify password", "user_id", userID(u), "error", err)
	}
	answer := func(errText string, resp keyward.LoginResponse) func() (*keyward.Session, keyward.LoginResponse) {
		return func() (*keyward.Session, keyward.LoginResponse) {
			shown := RecordedUsername(username)
			s.login(ctx, c, keyward.CredPassword, shown, map[string]any{"credentials": string(keyward.CredPassword),
				"credentials_data": map[string]any{"username": shown}}, errText, resp)
			return nil, resp
		}
	}
	refuse := answer("Bad username or password", AuthErr)
	if !ok || u == nil {
		return refuse()
	}
	// The check took a while: the user may have been deleted, locked,
	// renamed or given a new password meanwhile.
	snap := s.snap.Load()
	cur, denied := snap.validUser(u.ID, u.Stamp), false
	if cur == nil && deniedAnswer(c) == Denied {
		cur = snap.roleless(u.ID, u.Stamp)
		denied = cur != nil
	}
	if cur == nil || cur.PasswordDisabled || cur.PasswordHash != u.PasswordHash || cur.Username != username {
		return refuse()
	}
	if denied {
		return answer(lacksAPIAccess, Denied)()
	}
	if rehash {
		s.rehashPassword(ctx, cur.ID, pw)
	}
	sess := s.newSession(cur, keyward.CredPassword)
	sess.TokenEpoch.Store(cur.TokenEpoch)
	return s.establish(ctx, c, b, sess, refuse)
}

func userID(u *keyward.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// rehashPassword stores a hash with the current parameters. It is the same
// password, so the user's tokens stay valid. The write runs to its end
// under a context the client cannot cancel.
func (s *Service) rehashPassword(ctx context.Context, id int64, pw string) {
	hash := s.hasher.Hash(pw)
	ctx = context.WithoutCancel(ctx)
	err := s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
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

// Refresh implements the RPC layer's per-call session check: it returns the
// session user's current name and effective roles, or
// keyward.ErrNotAuthenticated when the session has ended.
func (s *Service) Refresh(_ context.Context, sess *keyward.Session, _ keyward.Origin) (string, keyward.RoleSet, error) {
	snap := s.snap.Load()
	now := s.now()
	u := snap.sessionUser(sess)
	keyValid, err := s.keySessionCheck(sess, now)
	if err != nil && u != nil {
		return "", 0, ErrUnconfirmed // the store failed: refuse this call, keep the session
	}
	if u == nil || !keyValid || s.expired(sess, now) {
		// The RPC layer ends the session on this answer and records it.
		s.dropSessionTokens(sess)
		return "", 0, keyward.ErrNotAuthenticated
	}
	if sess.Credential == keyward.CredToken {
		s.tokens.touch(sess.TokenDigest)
	}
	return u.Username, snap.roles[u.ID], nil
}

// CurrentUsername returns the name of the user sess acts as, as of now:
// users may be renamed while logged in. A session whose user is gone keeps
// the name it logged in with.
func (s *Service) CurrentUsername(sess *keyward.Session) string {
	if u := s.Accounts().User(sess.UserID); u != nil && u.Stamp == sess.UserStamp {
		return u.Username
	}
	return sess.Username
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
