package service

import (
	"context"
	"time"

	"github.com/keyward/keyward"
)

// LoginToken checks a TOKEN_PLAIN login (accounts.md 10.2, 12.1).
func (s *Service) LoginToken(ctx context.Context, c *keyward.Caller, b Binder, text string) (*keyward.Session, keyward.LoginResponse) {
	failed := func(reason string) func() (*keyward.Session, keyward.LoginResponse) {
		return func() (*keyward.Session, keyward.LoginResponse) {
			s.login(ctx, c, keyward.CredToken, "", map[string]any{"credentials": string(keyward.CredToken),
				"credentials_data": map[string]any{"token": Redacted}}, reason, AuthErr)
			return nil, AuthErr
		}
	}
	id := tokenDigest(text)
	t := s.tokens.take(id, false)
	if t == nil {
		t = s.sharedToken(ctx, id) // made on another node of a cluster
	}
	if t == nil {
		return failed("Invalid token")()
	}
	if t.attrs {
		return failed("Bad token")()
	}
	if t.matchOrigin && !sameOrigin(t.origin, c.Origin) {
		return failed("Invalid token")()
	}
	u := s.snap.Load().tokenUser(t)
	if u == nil || !s.keySessionValid(t.parent) {
		return failed("Invalid token")()
	}
	if !s.consumeToken(ctx, id, t) {
		return failed("Invalid token")()
	}
	s.tokens.touch(id)
	sess := s.newSession(u, keyward.CredToken)
	// The chain is kept two deep: a session that logged in with a token
	// made by a token session names the first session of the chain as its
	// parent. The web UI makes a new token after every token login, and
	// each reload would otherwise add a level to every audit record.
	sess.Parent, sess.TokenDigest = t.parent, id
	if t.parent.Parent != nil {
		sess.Parent = t.parent.Root()
	}
	sess.TokenEpoch.Store(t.epoch)
	root := t.parent.Root()
	sess.APIKeyID, sess.APIKeyName = root.APIKeyID, root.APIKeyName
	return s.establish(ctx, c, b, sess, failed("Invalid token"))
}

// sameOrigin: the same client address, or both on the unix socket.
func sameOrigin(a, b keyward.Origin) bool {
	if a.Unix || b.Unix {
		return a.Unix && b.Unix
	}
	return a.Addr.Addr() == b.Addr.Addr()
}

// TokenOptions are the parameters of auth.generate_token.
type TokenOptions struct {
	TTL         time.Duration
	Attrs       bool // attrs is non-empty
	MatchOrigin bool
	SingleUse   bool
}

// ErrStaleSession refuses a token to a session opened before its user's
// password changed.
var ErrStaleSession = keyward.Errorf(keyward.EPERM,
	"The password of this account changed after this session logged in: log in again to make tokens")

// GenerateToken makes a token for the caller's session. The token is
// added, then the session is checked once more, so a token made while the
// session ends, its user is locked or deleted, or another session calls
// auth.terminate_other_sessions never outlives that.
func (s *Service) GenerateToken(c *keyward.Caller, o TokenOptions) (string, error) {
	sess := c.Session
	u := s.snap.Load().sessionUser(sess)
	if u == nil {
		return "", keyward.ErrNotAuthenticated
	}
	epoch := sess.TokenEpoch.Load()
	if sess.Root().Credential == keyward.CredAPIKey {
		epoch = u.TokenEpoch // a key session is not bound to the password
	}
	if epoch != u.TokenEpoch {
		return "", ErrStaleSession
	}
	text, id := s.tokens.add(&token{
		parent: sess, parentConn: c.ConnID, ttl: o.TTL, matchOrigin: o.MatchOrigin,
		origin: c.Origin, singleUse: o.SingleUse, attrs: o.Attrs, epoch: epoch,
	})
	if err := s.shareToken(context.Background(), id, &token{parent: sess, ttl: o.TTL, lastUsed: s.now(),
		matchOrigin: o.MatchOrigin, origin: c.Origin, singleUse: o.SingleUse, attrs: o.Attrs, epoch: epoch}); err != nil {
		s.tokens.remove(id)
		return "", err
	}
	if sess.Ended() || s.snap.Load().tokenUser(&token{parent: sess, epoch: epoch}) == nil || !s.keySessionValid(sess) {
		s.tokens.remove(id)
		return "", keyward.ErrNotAuthenticated
	}
	return text, nil
}

// SessionEnded records the end of a session (its LOGOUT record) and
// destroys the tokens it generated and the token it logged in with. The
// RPC layer calls it once when a session ends by logout, termination or
// invalidation.
func (s *Service) SessionEnded(h keyward.HeldSession) {
	s.dropSessionTokens(h.Session)
	s.auditLogout(h)
}

// SessionClosed records the end of a session whose connection closed and
// destroys the token it logged in with; the tokens it generated stay until
// their TTL (a web page reloading logs in again with one).
func (s *Service) SessionClosed(h keyward.HeldSession) {
	s.dropLoginToken(h.Session)
	s.auditLogout(h)
}

// sessionReplaced records the end of a session that a new login on its
// connection replaced, and destroys the token it logged in with, as when
// its connection closes.
func (s *Service) sessionReplaced(c *keyward.Caller, prev *keyward.Session) {
	s.SessionClosed(keyward.HeldSession{ConnID: c.ConnID, Session: prev, Origin: c.Origin})
}

// dropSessionTokens destroys the tokens sess generated and the token it
// logged in with.
func (s *Service) dropSessionTokens(sess *keyward.Session) {
	s.tokens.removeWhere(func(t *token) bool { return t.parent == sess })
	s.dropLoginToken(sess)
}

// dropLoginToken destroys the token a TOKEN session logged in with (also
// in a cluster's token table) and forgets the session's idle timer.
func (s *Service) dropLoginToken(sess *keyward.Session) {
	if sess.Credential == keyward.CredToken {
		if !s.tokens.remove(sess.TokenDigest) {
			s.unshareToken(sess.TokenDigest) // made on another node: not in this node's memory
		}
	}
	s.idle.Delete(sess.LoginID)
}

// DropOtherTokens destroys every token except those generated by keep:
// auth.terminate_other_sessions ends the other sessions, and the tokens
// that could open them again go with them, also those whose generating
// connection has already closed.
func (s *Service) DropOtherTokens(keep *keyward.Session) {
	s.tokens.removeWhere(func(t *token) bool { return t.parent != keep })
	if s.cfg.Tokens != nil {
		ctx, cancel := context.WithTimeout(context.Background(), tokenWait)
		defer cancel()
		if err := s.cfg.Tokens.DeleteTokensExcept(ctx, keep.LoginID); err != nil {
			s.log.Warn("delete other tokens", "error", err)
		}
	}
}
