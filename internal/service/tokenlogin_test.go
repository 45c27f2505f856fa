package service_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

// ttl10 is auth.generate_token's default: a 600 s idle TTL, origin match.
var ttl10 = service.TokenOptions{TTL: 10 * time.Minute, MatchOrigin: true}

// token makes a token for c's session, failing the test on an error.
func (e *env) token(c *keyward.Caller, o service.TokenOptions) string {
	e.tb.Helper()
	tok, err := e.svc.GenerateToken(c, o)
	if err != nil {
		e.tb.Fatalf("generate token: %v", err)
	}
	return tok
}

// loginToken logs in with TOKEN_PLAIN from origin.
func (e *env) loginToken(tok string, origin keyward.Origin) (*keyward.Session, keyward.LoginResponse) {
	c := &keyward.Caller{ConnID: "token-conn", Origin: origin}
	sess, resp := e.svc.LoginToken(e.ctx, c, &conn{}, tok)
	if sess != nil {
		e.mgr.add(sess)
	}
	return sess, resp
}

// TestLoginToken checks TOKEN_PLAIN (accounts.md 10.2, 12.1).
func TestLoginToken(t *testing.T) {
	t.Parallel()
	samePort := keyward.Origin{Addr: netip.AddrPortFrom(secure.Addr.Addr(), 1), Secure: true}
	unix := keyward.Origin{Unix: true, Secure: true}
	tests := []struct {
		name   string
		opts   service.TokenOptions
		made   keyward.Origin // where the token is made (default secure)
		from   keyward.Origin // where it is presented (default secure)
		change func(e *env, c *keyward.Caller)
		want   keyward.LoginResponse
		reason string
	}{
		{name: "OK", opts: ttl10, want: service.Success},
		{name: "OKOtherPort", opts: ttl10, from: samePort, want: service.Success},
		{name: "OKNoOriginMatch", opts: service.TokenOptions{TTL: time.Minute}, from: insecure, want: service.Success},
		{name: "OKUnix", opts: ttl10, made: unix, from: unix, want: service.Success},
		{name: "OKWithinTTL", opts: ttl10, change: advance(9*time.Minute + 59*time.Second), want: service.Success},
		{name: "ErrUnixFromTCP", opts: ttl10, made: unix, want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrTCPFromUnix", opts: ttl10, from: unix, want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrOrigin", opts: ttl10, from: insecure, want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrAttrs", opts: service.TokenOptions{TTL: time.Minute, Attrs: true}, want: service.AuthErr, reason: "Bad token"},
		{name: "ErrIdleExpired", opts: ttl10, change: advance(10 * time.Minute), want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrParentEnded", opts: ttl10, change: func(e *env, c *keyward.Caller) {
			c.Session.End()
			e.svc.SessionEnded(keyward.HeldSession{ConnID: c.ConnID, Session: c.Session, Origin: c.Origin})
		}, want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrPasswordChanged", opts: ttl10, change: func(e *env, c *keyward.Caller) {
			update(e, c.Session.UserID, service.UserUpdate{Password: keyward.Opt[string]{Set: true, Value: "new"}})
		}, want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrPasswordDisabled", opts: ttl10, change: func(e *env, c *keyward.Caller) {
			update(e, c.Session.UserID, service.UserUpdate{PasswordDisabled: keyward.Opt[bool]{Set: true, Value: true}})
		}, want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrLocked", opts: ttl10, change: func(e *env, c *keyward.Caller) {
			update(e, c.Session.UserID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}})
		}, want: service.AuthErr, reason: "Invalid token"},
		{name: "ErrTerminateOthers", opts: ttl10, change: func(e *env, _ *keyward.Caller) {
			e.svc.DropOtherTokens(&keyward.Session{})
		}, want: service.AuthErr, reason: "Invalid token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustOpen(t)
			c := e.login(e.user("alice", "READONLY_ADMIN"))
			if tt.made != (keyward.Origin{}) {
				c.Origin = tt.made
			}
			tok := e.token(c, tt.opts)
			if tt.change != nil {
				tt.change(e, c)
			}
			from := secure
			if tt.from != (keyward.Origin{}) {
				from = tt.from
			}
			sess, resp := e.loginToken(tok, from)
			if resp != tt.want {
				t.Fatalf("response = %s, want %s", resp, tt.want)
			}
			if resp == service.Success {
				if sess.Credential != keyward.CredToken || sess.Parent != c.Session || sess.UserID != c.Session.UserID {
					t.Fatalf("session = %+v", sess)
				}
				return
			}
			recs := e.audit([]any{"event", "=", "AUTHENTICATION"}, []any{"success", "=", false})
			if got := recs[len(recs)-1]["event_data"].(map[string]any)["error"]; got != tt.reason {
				t.Errorf("audit error = %v, want %q", got, tt.reason)
			}
		})
	}
}

func advance(d time.Duration) func(*env, *keyward.Caller) {
	return func(e *env, _ *keyward.Caller) { e.clock.Advance(d) }
}

// TestTokenUse checks how using a token changes it: single use, the
// sliding idle TTL, and the end of the session that logged in with it.
func TestTokenUse(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	c := e.login(e.user("alice", "READONLY_ADMIN"))
	t.Run("OKSingleUse", func(t *testing.T) {
		tok := e.token(c, service.TokenOptions{TTL: time.Minute, SingleUse: true})
		if _, resp := e.loginToken(tok, secure); resp != service.Success {
			t.Fatalf("first use: %s", resp)
		}
		if _, resp := e.loginToken(tok, secure); resp != service.AuthErr {
			t.Fatalf("second use: %s", resp)
		}
	})
	t.Run("OKSlidingTTL", func(t *testing.T) {
		tok := e.token(c, ttl10)
		e.clock.Advance(9 * time.Minute)
		sess, resp := e.loginToken(tok, secure)
		if resp != service.Success {
			t.Fatalf("login at 9 min: %s", resp)
		}
		e.clock.Advance(9 * time.Minute)
		if !e.refreshes(sess) { // a call of the token's session is use too
			t.Fatal("token session refused")
		}
		e.clock.Advance(9 * time.Minute)
		if _, resp := e.loginToken(tok, secure); resp != service.Success {
			t.Fatalf("login 27 min after making, 9 after last use: %s", resp)
		}
	})
	t.Run("OKClosedSessionDropsItsToken", func(t *testing.T) {
		tok := e.token(c, ttl10)
		sess, resp := e.loginToken(tok, secure)
		if resp != service.Success {
			t.Fatal(resp)
		}
		kept := e.token(e.caller(&keyward.Caller{ConnID: "t", Origin: secure}, sess), ttl10)
		e.svc.SessionClosed(keyward.HeldSession{ConnID: "t", Session: sess, Origin: secure})
		if _, resp := e.loginToken(tok, secure); resp != service.AuthErr {
			t.Errorf("the token of a closed session: %s", resp)
		}
		if _, resp := e.loginToken(kept, secure); resp != service.Success {
			t.Errorf("a token the closed session made: %s", resp)
		}
	})
	t.Run("OKCap", func(t *testing.T) {
		c := e.login(e.svc.Accounts().UserByName("alice")) // a session without tokens yet
		first := e.token(c, ttl10)
		second := e.token(c, ttl10)
		for range service.MaxTokensPerSession - 1 {
			e.token(c, ttl10)
		}
		if _, resp := e.loginToken(first, secure); resp != service.AuthErr {
			t.Errorf("the oldest token beyond the cap: %s", resp)
		}
		if _, resp := e.loginToken(second, secure); resp != service.Success {
			t.Errorf("the second oldest token: %s", resp)
		}
	})
}

// TestTokenChain checks that token chains stay two deep and carry the key
// of the root session.
func TestTokenChain(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	k, raw := e.key("alice", "k1")
	root, resp := e.loginKey("alice", raw, secure)
	if resp != service.Success {
		t.Fatal(resp)
	}
	sess := root
	for depth := 1; depth <= 3; depth++ {
		c := e.caller(&keyward.Caller{ConnID: "chain", Origin: secure}, sess)
		next, resp := e.loginToken(e.token(c, ttl10), secure)
		if resp != service.Success {
			t.Fatalf("depth %d: %s", depth, resp)
		}
		if next.Parent != root || next.Root() != root || next.APIKeyID != k.ID || next.APIKeyName != "k1" {
			t.Fatalf("depth %d: parent %p (root %p), key %d %q", depth, next.Parent, root, next.APIKeyID, next.APIKeyName)
		}
		sess = next
	}
	if _, err := e.svc.DeleteKey(e.ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if !sess.Ended() || e.refreshes(sess) {
		t.Error("a token session whose chain starts at a deleted key goes on")
	}
}

// TestGenerateToken checks who may make tokens.
func TestGenerateToken(t *testing.T) {
	t.Parallel()
	t.Run("ErrStaleSession", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t)
		u := e.user("alice", "READONLY_ADMIN")
		c := e.login(u)
		update(e, u.ID, service.UserUpdate{Password: keyward.Opt[string]{Set: true, Value: "pw-alice"}})
		if _, err := e.svc.GenerateToken(c, ttl10); !errors.Is(err, service.ErrStaleSession) {
			t.Fatalf("error = %v, want ErrStaleSession", err)
		}
	})
	t.Run("OKOwnPasswordChange", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t)
		u := e.user("alice", "READONLY_ADMIN")
		c := e.login(u)
		old := e.token(c, ttl10)
		_, _, err := e.svc.UpdateUser(e.as(c), u.ID, service.UserUpdate{Password: keyward.Opt[string]{Set: true, Value: "pw-alice"}})
		if err != nil {
			t.Fatal(err)
		}
		c.RunDeferred()
		if _, resp := e.loginToken(old, secure); resp != service.AuthErr {
			t.Errorf("a token made before the change: %s", resp)
		}
		if _, resp := e.loginToken(e.token(c, ttl10), secure); resp != service.Success {
			t.Errorf("a token made after the change: %s", resp)
		}
	})
	t.Run("OKKeySessionAfterPasswordChange", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t)
		u := e.user("alice", "READONLY_ADMIN")
		_, raw := e.key("alice", "k1")
		sess, _ := e.loginKey("alice", raw, secure)
		update(e, u.ID, service.UserUpdate{Password: keyward.Opt[string]{Set: true, Value: "pw-alice"}})
		c := e.caller(&keyward.Caller{ConnID: "k", Origin: secure}, sess)
		if _, resp := e.loginToken(e.token(c, ttl10), secure); resp != service.Success {
			t.Errorf("token of a key session: %s", resp)
		}
	})
	t.Run("ErrEnded", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t)
		c := e.login(e.user("alice", "READONLY_ADMIN"))
		c.Session.End()
		if _, err := e.svc.GenerateToken(c, ttl10); !errors.Is(err, keyward.ErrNotAuthenticated) {
			t.Fatalf("error = %v, want ErrNotAuthenticated", err)
		}
	})
	t.Run("ErrUserGone", func(t *testing.T) {
		t.Parallel()
		e := mustOpen(t)
		u := e.user("alice", "READONLY_ADMIN")
		c := e.login(u)
		if _, err := e.svc.DeleteUser(e.ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.GenerateToken(c, ttl10); !errors.Is(err, keyward.ErrNotAuthenticated) {
			t.Fatalf("error = %v, want ErrNotAuthenticated", err)
		}
	})
}
