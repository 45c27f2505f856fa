package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

// TestRefreshInvalidation checks accounts.md 13.3: which changes end which
// sessions. alice has a password session, a token session made from it and
// a key session; each case makes one change and says which go on.
func TestRefreshInvalidation(t *testing.T) {
	t.Parallel()
	past := func(e *env, k *keyward.APIKey) { expire(e, k, "") }
	tests := []struct {
		name          string
		change        func(e *env, k *keyward.APIKey)
		password, key bool // the sessions that go on
	}{
		{"OKNoChange", func(*env, *keyward.APIKey) {}, true, true},
		{"OKRenamed", func(e *env, k *keyward.APIKey) {
			update(e, k.UserID, service.UserUpdate{Username: keyward.Opt[string]{Set: true, Value: "alicia"}})
		}, true, true},
		{"OKKeyRenamed", func(e *env, k *keyward.APIKey) {
			updateKey(e, k.ID, service.KeyUpdate{Name: keyward.Opt[string]{Set: true, Value: "renamed"}})
		}, true, true},
		{"OKOtherKeyDeleted", func(e *env, k *keyward.APIKey) {
			other, _ := e.key("alice", "other")
			if _, err := e.svc.DeleteKey(e.ctx, other.ID); err != nil {
				e.tb.Fatal(err)
			}
		}, true, true},
		{"ErrLocked", func(e *env, k *keyward.APIKey) {
			update(e, k.UserID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}})
		}, false, false},
		{"ErrDeleted", func(e *env, k *keyward.APIKey) {
			if _, err := e.svc.DeleteUser(e.ctx, k.UserID, false); err != nil {
				e.tb.Fatal(err)
			}
		}, false, false},
		{"ErrPrivilegeDeleted", func(e *env, k *keyward.APIKey) {
			deletePrivilege(e, "priv-alice")
		}, false, false},
		{"ErrKeyDeleted", func(e *env, k *keyward.APIKey) {
			if _, err := e.svc.DeleteKey(e.ctx, k.ID); err != nil {
				e.tb.Fatal(err)
			}
		}, true, false},
		{"ErrKeyReset", func(e *env, k *keyward.APIKey) {
			updateKey(e, k.ID, service.KeyUpdate{Reset: true})
		}, true, false},
		{"ErrKeyRevoked", func(e *env, k *keyward.APIKey) {
			e.loginKey("alice", keyRaw(e, k), insecure)
		}, true, false},
		{"ErrKeyExpired", past, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustOpen(t)
			pw := e.login(e.user("alice", "READONLY_ADMIN"))
			tok, resp := e.loginToken(e.token(pw, ttl10), secure)
			if resp != service.Success {
				t.Fatal(resp)
			}
			k, raw := e.key("alice", "k1")
			ks, resp := e.loginKey("alice", raw, secure)
			if resp != service.Success {
				t.Fatal(resp)
			}
			tt.change(e, k)
			for _, s := range []struct {
				name string
				sess *keyward.Session
				want bool
			}{{"password", pw.Session, tt.password}, {"token", tok, tt.password}, {"key", ks, tt.key}} {
				name, roles, err := e.svc.Refresh(e.ctx, s.sess, secure)
				if (err == nil) != s.want {
					t.Errorf("%s session: Refresh error %v, want it to go on: %v", s.name, err, s.want)
				}
				if err != nil && !errors.Is(err, keyward.ErrNotAuthenticated) {
					t.Errorf("%s session: error %v, want ErrNotAuthenticated", s.name, err)
				}
				if err == nil && (name != e.svc.Accounts().User(k.UserID).Username || !roles.Has(keyward.ReadonlyAdmin)) {
					t.Errorf("%s session: Refresh = %q %v", s.name, name, roles.Names())
				}
			}
			// Expiry is found at the next call; changes end sessions when they commit.
			if tt.name != "ErrKeyExpired" && (ks.Ended() == tt.key || pw.Session.Ended() == tt.password) {
				t.Errorf("ended: password %v, key %v", pw.Session.Ended(), ks.Ended())
			}
		})
	}
}

// updateKey changes a key as the operator, failing the test on an error.
func updateKey(e *env, id int64, in service.KeyUpdate) (after *keyward.APIKey, raw string) {
	e.tb.Helper()
	_, issued, err := e.svc.UpdateKey(e.ctx, id, in)
	if err != nil {
		e.tb.Fatalf("update key %d: %v", id, err)
	}
	return issued.Key, issued.Raw
}

// keyRaw returns the raw text of a key the env made.
func keyRaw(e *env, k *keyward.APIKey) string {
	raw, _ := e.raws.Load(k.ID)
	return raw.(string)
}

// deletePrivilege deletes the privilege named name as the operator.
func deletePrivilege(e *env, name string) {
	e.tb.Helper()
	for _, p := range e.svc.Accounts().Privileges {
		if p.Name == name {
			if _, err := e.svc.DeletePrivilege(e.ctx, p.ID); err != nil {
				e.tb.Fatal(err)
			}
			return
		}
	}
	e.tb.Fatalf("no privilege %s", name)
}

// TestSessionLifetime checks session_max_age and session_idle_timeout
// (accounts.md 13.2) on the fake clock.
func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		maxAge   time.Duration
		idle     time.Duration
		calls    []time.Duration // time since the previous call (the first: since login)
		lastGoes bool
	}{
		{"OKNoLimits", 0, 0, []time.Duration{1000 * time.Hour}, true},
		{"OKBeforeMaxAge", time.Hour, 0, []time.Duration{59 * time.Minute}, true},
		{"ErrMaxAge", time.Hour, 0, []time.Duration{30 * time.Minute, 30 * time.Minute}, false},
		{"OKActive", 0, 10 * time.Minute, []time.Duration{9 * time.Minute, 9 * time.Minute, 9 * time.Minute}, true},
		{"ErrIdleSinceLogin", 0, 10 * time.Minute, []time.Duration{10 * time.Minute}, false},
		{"ErrIdleSinceCall", 0, 10 * time.Minute, []time.Duration{5 * time.Minute, 10 * time.Minute}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustOpen(t, func(c *service.Config) { c.SessionMaxAge, c.SessionIdleTimeout = tt.maxAge, tt.idle })
			c := e.login(e.user("alice", "READONLY_ADMIN"))
			for i, d := range tt.calls {
				e.clock.Advance(d)
				if got, want := e.refreshes(c.Session), i < len(tt.calls)-1 || tt.lastGoes; got != want {
					t.Fatalf("call %d after %v: goes on %v, want %v", i, d, got, want)
				}
			}
		})
	}
}

// TestOwnSessionEndsAfterReply checks that a call ending its caller's own
// session ends it only once the response is queued (accounts.md 13.3).
func TestOwnSessionEndsAfterReply(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	u := e.user("alice", "READONLY_ADMIN")
	c := e.login(u)
	_, _, err := e.svc.UpdateUser(e.as(c), u.ID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Session.Ended() {
		t.Fatal("the session ended before the response was queued")
	}
	c.RunDeferred()
	if !c.Session.Ended() {
		t.Fatal("the session goes on after the response")
	}
}

// TestCurrentUsername checks that a session names its user as of now, and
// keeps its login name once the user is gone.
func TestCurrentUsername(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	u := e.user("alice", "READONLY_ADMIN")
	c := e.login(u)
	update(e, u.ID, service.UserUpdate{Username: keyward.Opt[string]{Set: true, Value: "alicia"}})
	if got := e.svc.CurrentUsername(c.Session); got != "alicia" {
		t.Errorf("after rename: %q", got)
	}
	if _, err := e.svc.DeleteUser(e.ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := e.svc.CurrentUsername(c.Session); got != "alice" {
		t.Errorf("after delete: %q, want the name at login", got)
	}
}
