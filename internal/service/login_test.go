package service_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/password"
	"github.com/keyward/keyward/internal/service"
)

// TestLoginPassword checks PASSWORD_PLAIN (accounts.md 10.2): it succeeds
// iff the user exists, is not locked, has password login enabled, the
// password matches and the user has roles.
func TestLoginPassword(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	tests := []struct {
		name   string
		setup  func(e *env) // makes the users the case needs
		user   string
		pw     string
		want   keyward.LoginResponse
		locked *bool // lock state changed before the login
	}{
		{name: "OK", user: "alice", pw: "pw-alice", want: service.Success},
		{name: "OKUnlockedAgain", user: "alice", pw: "pw-alice", want: service.Success, locked: &no},
		{name: "ErrUnknownUser", user: "nobody", pw: "pw-nobody", want: service.AuthErr},
		{name: "ErrWrongPassword", user: "alice", pw: "pw-bob", want: service.AuthErr},
		{name: "ErrEmptyPassword", user: "alice", pw: "", want: service.AuthErr},
		{name: "ErrLocked", user: "alice", pw: "pw-alice", want: service.AuthErr, locked: &yes},
		{name: "ErrNoRoles", user: "norole", pw: "pw-norole", want: service.Denied}, // AUTH_ERR before v26.0.0: the acceptance tests
		{name: "ErrNoRolesWrongPassword", user: "norole", pw: "pw-alice", want: service.AuthErr},
		{name: "ErrPasswordDisabled", user: "nopw", pw: "pw-nopw", want: service.AuthErr,
			setup: func(e *env) {
				u := e.user("nopw", "READONLY_ADMIN")
				update(e, u.ID, service.UserUpdate{PasswordDisabled: keyward.Opt[bool]{Set: true, Value: true}})
			}},
		{name: "ErrNameCase", user: "Alice", pw: "pw-alice", want: service.AuthErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustOpen(t)
			alice := e.user("alice", "READONLY_ADMIN")
			e.user("norole")
			if tt.setup != nil {
				tt.setup(e)
			}
			if tt.locked != nil {
				for _, v := range []bool{true, *tt.locked} {
					update(e, alice.ID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: v}})
				}
			}
			b := &conn{}
			c := &keyward.Caller{ConnID: "c1", Origin: secure}
			sess, resp := e.svc.LoginPassword(e.ctx, c, b, tt.user, tt.pw)
			if resp != tt.want {
				t.Fatalf("response = %s, want %s", resp, tt.want)
			}
			if got, _, _ := e.obs.counts("PASSWORD_PLAIN", tt.want); got != 1 {
				t.Errorf("observer counted %d logins answered %s, want 1", got, tt.want)
			}
			recs := e.audit([]any{"event", "=", "AUTHENTICATION"})
			if len(recs) != 1 || recs[0]["success"] != (tt.want == service.Success) {
				t.Fatalf("audit records = %v, want one with success %v", recs, tt.want == service.Success)
			}
			if tt.want != service.Success {
				if sess != nil || b.Session() != nil {
					t.Fatalf("a refused login left session %v on the connection", b.Session())
				}
				want := "Bad username or password"
				if tt.want == service.Denied {
					want = "User lacks API access."
				}
				if got := recs[0]["event_data"].(map[string]any)["error"]; got != want {
					t.Errorf("audit error = %v, want %q", got, want)
				}
				return
			}
			if sess == nil || b.Session() != sess || sess.UserID != alice.ID || sess.Credential != keyward.CredPassword {
				t.Fatalf("session = %+v on the connection %+v", sess, b.Session())
			}
			if !e.refreshes(sess) {
				t.Error("a new session is refused at its first call")
			}
		})
	}
}

// TestLoginPasswordRecordedName checks that a username that is not one
// (perhaps a secret typed into the wrong field) is recorded redacted.
func TestLoginPasswordRecordedName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, sent, recorded string }{
		{"OKValidName", "ghost", "ghost"},
		{"OKKeyLike", "12-" + strings.Repeat("a", 64), "12-********"},
		{"OKSpaces", "my secret", "********"},
	}
	e := mustOpen(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &keyward.Caller{ConnID: "c-" + tt.name, Origin: secure}
			if _, resp := e.svc.LoginPassword(e.ctx, c, &conn{}, tt.sent, "x"); resp != service.AuthErr {
				t.Fatalf("response = %s", resp)
			}
			if recs := e.audit([]any{"username", "=", tt.recorded}); len(recs) != 1 {
				t.Fatalf("%d records with username %q, want 1", len(recs), tt.recorded)
			}
			if got := service.RecordedUsername(tt.sent); got != tt.recorded {
				t.Errorf("RecordedUsername = %q, want %q", got, tt.recorded)
			}
		})
	}
}

// TestLoginPasswordRehash checks that a hash made with other parameters is
// replaced at the next successful login, without ending the user's tokens.
func TestLoginPasswordRehash(t *testing.T) {
	t.Parallel()
	e := mustOpen(t, func(c *service.Config) {
		c.Hasher = password.NewHasher(password.Params{Memory: 128, Time: 1, Threads: 1})
	})
	u := e.user("alice", "READONLY_ADMIN")
	if !strings.Contains(u.PasswordHash, "m=128,") {
		t.Fatalf("hash %q not made with m=128", u.PasswordHash)
	}
	cfg := e.cfg
	cfg.Hasher = password.NewHasher(cheap)
	svc := e.newService(cfg) // the same database, restarted with new parameters
	c := &keyward.Caller{ConnID: "c1", Origin: secure}
	if _, resp := svc.LoginPassword(e.ctx, c, &conn{}, "alice", "pw-alice"); resp != service.Success {
		t.Fatalf("response = %s", resp)
	}
	after := svc.Accounts().User(u.ID)
	if !strings.Contains(after.PasswordHash, "m=64,") || after.TokenEpoch != u.TokenEpoch {
		t.Fatalf("after login: hash %q, token epoch %d (was %d)", after.PasswordHash, after.TokenEpoch, u.TokenEpoch)
	}
	if _, resp := svc.LoginPassword(e.ctx, c, &conn{}, "alice", "pw-alice"); resp != service.Success {
		t.Fatalf("second login: %s", resp)
	}
}

// TestLoginEstablish checks the re-check after the session is installed:
// a change that commits while the credential is checked refuses the login
// and puts the connection's previous session back.
func TestLoginEstablish(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(e *env, u *keyward.User)
		want   keyward.LoginResponse
	}{
		{"OKRenamedFullName", func(e *env, u *keyward.User) {
			update(e, u.ID, service.UserUpdate{FullName: keyward.Opt[string]{Set: true, Value: "A"}})
		}, service.Success},
		{"ErrLocked", func(e *env, u *keyward.User) {
			update(e, u.ID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}})
		}, service.AuthErr},
		{"ErrDeleted", func(e *env, u *keyward.User) {
			if _, err := e.svc.DeleteUser(e.ctx, u.ID, false); err != nil {
				e.tb.Fatal(err)
			}
		}, service.AuthErr},
		{"ErrRolesRemoved", func(e *env, u *keyward.User) {
			update(e, u.ID, service.UserUpdate{Group: keyward.Opt[int64]{Set: true, Value: e.admin.GroupID}})
		}, service.AuthErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustOpen(t)
			u := e.user("alice", "READONLY_ADMIN")
			prev := &keyward.Session{LoginID: "previous"}
			b := &conn{sess: prev}
			b.onSet = func() { tt.change(e, u) }
			c := &keyward.Caller{ConnID: "c1", Origin: secure}
			sess, resp := e.svc.LoginPassword(e.ctx, c, b, "alice", "pw-alice")
			if resp != tt.want {
				t.Fatalf("response = %s, want %s", resp, tt.want)
			}
			if tt.want == service.Success {
				if b.Session() != sess {
					t.Fatal("the new session is not on the connection")
				}
				return
			}
			if sess != nil || b.Session() != prev {
				t.Fatalf("refused login left %+v on the connection, want the previous session", b.Session())
			}
		})
	}
}

// update changes a user as the operator, failing the test on an error.
func update(e *env, id int64, in service.UserUpdate) *keyward.User {
	e.tb.Helper()
	_, after, err := e.svc.UpdateUser(e.ctx, id, in)
	if err != nil {
		e.tb.Fatalf("update user %d: %v", id, err)
	}
	return after
}
