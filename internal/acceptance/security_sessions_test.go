package acceptance_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestSecurityItem3RenamedSessionUsesCurrentName: a READONLY_ADMIN alice
// is renamed alice_old and a new user takes the name alice. The old
// session acts as alice_old: it may not create or reset the new alice's
// keys, and its audit records name alice_old.
func TestSecurityItem3RenamedSessionUsesCurrentName(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	oldID := apptest.MustUserWithRoles(t, admin, "alice", "pw-a", "READONLY_ADMIN")
	old := apptest.MustDial(t, srv.WSURL("current"))
	old.MustLogin("alice", "pw-a")
	admin.MustResult("user.update", oldID, map[string]any{"username": "alice_old"})
	// The new alice is a read-only administrator through the built-in group.
	admin.MustResult("user.create", map[string]any{"username": "alice", "full_name": "New Alice",
		"password": "pw-new", "group": 2})
	keyID, _ := apptest.MustCreateKey(t, admin, "new-alice-key", "alice")

	if r := old.Call("api_key.create", map[string]any{"name": "stolen", "username": "alice"}); apptest.Errno(r) != 13 {
		t.Fatalf("the renamed user created a key for the new alice: %s", apptest.String(r))
	}
	if r := old.Call("api_key.update", keyID, map[string]any{"reset": true}); apptest.Errno(r) != 13 {
		t.Fatalf("the renamed user reset the new alice's key: %s", apptest.String(r))
	}
	r := old.Call("api_key.create", map[string]any{"name": "own", "username": "alice_old"})
	if r["error"] != nil {
		t.Fatalf("the renamed user could not create a key of its own: %s", apptest.String(r))
	}
	if msg := apptest.String(old.Call("api_key.create", map[string]any{"name": "x", "username": "admin"})); !strings.Contains(msg, "alice_old:") {
		t.Errorf("the refusal does not name the current user: %s", msg)
	}
	records := admin.MustResult("audit.query", map[string]any{"query-filters": []any{
		[]any{"event", "=", "METHOD_CALL"}, []any{"event_data.method", "=", "api_key.create"}, []any{"success", "=", true}},
		"query-options": map[string]any{"limit": 100}}).([]any)
	for _, rec := range records {
		m := rec.(map[string]any)
		data := m["event_data"].(map[string]any)["params"]
		if strings.Contains(apptest.String(data), `"own"`) && m["username"] != "alice_old" {
			t.Errorf("audit record of the renamed user's call names %v", m["username"])
		}
	}
	sessions := admin.MustResult("auth.sessions").([]any)
	if !strings.Contains(apptest.String(sessions), `"username":"alice_old"`) {
		t.Errorf("auth.sessions does not show the renamed user's current name: %s", apptest.String(sessions))
	}
}

// TestSecurityItem4KeyLoginRacingDeleteOrReset: a key login racing the
// deletion or reset of its key may answer SUCCESS (it began first), but
// the session is then refused at its next call: the revocation wins.
func TestSecurityItem4KeyLoginRacingDeleteOrReset(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	const tries = 200
	won := 0
	for i := range tries {
		id, raw := apptest.MustCreateKey(t, admin, fmt.Sprintf("race-%d", i), "admin")
		c := apptest.MustDial(t, srv.WSURL("current"))
		change := `{"jsonrpc":"2.0","id":8000,"method":"api_key.delete","params":[` + fmt.Sprint(id) + `]}`
		if i%2 == 1 {
			change = `{"jsonrpc":"2.0","id":8000,"method":"api_key.update","params":[` + fmt.Sprint(id) + `,{"reset":true}]}`
		}
		login, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 9000, "method": "auth.login_ex",
			"params": []any{map[string]any{"mechanism": "API_KEY_PLAIN", "username": "admin", "api_key": raw}}})
		// The change is sent first and the login a little later, by a
		// different amount each try, so that some logins read the key just
		// before the change commits (a commit waits for the disk).
		admin.Send(change)
		time.Sleep(time.Duration(i%20) * 100 * time.Microsecond)
		c.Send(string(login))
		if r := admin.Read(); r["error"] != nil {
			t.Fatalf("try %d: %s", i, apptest.String(r))
		}
		if readLogin(t, c) != "SUCCESS" {
			continue
		}
		won++
		if r := c.Call("auth.me"); apptest.Errno(r) != 207 {
			t.Fatalf("try %d: a session of a key deleted or reset during its login still works: %s", i, apptest.String(r))
		}
	}
	t.Logf("%d of %d logins answered SUCCESS before the revocation; every one was refused at its next call", won, tries)
}

// TestSecurityItem9TokensEndWithPassword: a token whose generating
// connection has closed stops logging in after the user's password
// changes, after password login is disabled, and after
// auth.terminate_other_sessions.
func TestSecurityItem9TokensEndWithPassword(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id := apptest.MustUserWithRoles(t, admin, "tess", "pw-1", "READONLY_ADMIN", "AUTH_SESSIONS_WRITE")
	pass := "pw-1"
	// tokenFor logs tess in on a connection that then closes, as a web page
	// does before it reloads, and returns the token it made.
	tokenFor := func() string {
		c := apptest.MustDial(t, srv.WSURL("current"))
		c.MustLogin("tess", pass)
		tok := c.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)
		c.Conn().CloseNow()
		return tok
	}
	works := func(tok string) bool {
		return tokenLogin(apptest.MustDial(t, srv.WSURL("current")), tok) == "SUCCESS"
	}

	tok := tokenFor()
	if !works(tok) {
		t.Fatal("a fresh token does not log in")
	}
	t.Run("ErrPasswordChanged", func(t *testing.T) {
		tok := tokenFor()
		admin.MustResult("user.update", id, map[string]any{"password": "pw-2"})
		pass = "pw-2"
		if works(tok) {
			t.Fatal("a token logged in after its user's password changed")
		}
		if !works(tokenFor()) {
			t.Fatal("a token made after the change does not log in")
		}
	})
	t.Run("ErrPasswordDisabled", func(t *testing.T) {
		tok := tokenFor()
		admin.MustResult("user.update", id, map[string]any{"password_disabled": true})
		if works(tok) {
			t.Fatal("a token logged in after password login was disabled")
		}
		admin.MustResult("user.update", id, map[string]any{"password_disabled": false})
	})
	t.Run("ErrTerminateOtherSessions", func(t *testing.T) {
		tok := tokenFor()
		c := apptest.MustDial(t, srv.WSURL("current"))
		c.MustLogin("tess", pass)
		mine := c.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)
		c.MustResult("auth.terminate_other_sessions")
		if works(tok) {
			t.Fatal("a token logged in after auth.terminate_other_sessions")
		}
		if !works(mine) {
			t.Fatal("the caller's own session's token was destroyed")
		}
	})
}
