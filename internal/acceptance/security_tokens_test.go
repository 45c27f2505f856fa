package acceptance_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/service"
)

// pipelineTokens sends n auth.generate_token calls (ids 7000...) without
// waiting; collectTokens reads their answers and returns the tokens made.
func pipelineTokens(c *apptest.Client, n int) {
	for i := range n {
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 7000 + i, "method": "auth.generate_token",
			"params": []any{600, map[string]any{}, false}})
		c.Send(string(b))
	}
}

func collectTokens(t *testing.T, c *apptest.Client, n int) []string {
	t.Helper()
	var out []string
	for got := 0; got < n; {
		m := c.Read()
		id, ok := apptest.Int(m["id"])
		if !ok || id < 7000 || id >= int64(7000+n) {
			continue
		}
		got++
		if s, ok := m["result"].(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestSecurityAttackTokensDuringLock (attack finding F4): tokens a session
// makes while its user is being locked never log in, also after the user
// is unlocked.
func TestSecurityAttackTokensDuringLock(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id := apptest.MustUserWithRoles(t, admin, "bob", "pw-b", "READONLY_ADMIN")
	for round := range 20 {
		bob := apptest.MustDial(t, srv.WSURL("current"))
		bob.MustLogin("bob", "pw-b")
		pipelineTokens(bob, 300)
		admin.MustResult("user.update", id, map[string]any{"locked": true})
		tokens := collectTokens(t, bob, 300)
		admin.MustResult("user.update", id, map[string]any{"locked": false})
		for _, tok := range tokens {
			if got := tokenLogin(apptest.MustDial(t, srv.WSURL("current")), tok); got != "AUTH_ERR" {
				t.Fatalf("round %d: a token made while bob was locked logs in after the unlock: %s", round, got)
			}
		}
	}
}

// TestSecurityAttackTokensDuringTerminate (attack finding F4): a session
// that makes tokens while another calls auth.terminate_other_sessions
// keeps none that logs in.
func TestSecurityAttackTokensDuringTerminate(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	victim := srv.MustSetupAdmin(t)
	for round := range 20 {
		thief := apptest.MustDial(t, srv.WSURL("current"))
		thief.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		pipelineTokens(thief, 300)
		victim.MustResult("auth.terminate_other_sessions")
		var tokens []string
		func() {
			defer func() { _ = recover() }()
			tokens = collectTokensUntilClosed(thief, 300)
		}()
		for _, tok := range tokens {
			if got := tokenLogin(apptest.MustDial(t, srv.WSURL("current")), tok); got != "AUTH_ERR" {
				t.Fatalf("round %d: a token made during terminate_other_sessions logs in: %s", round, got)
			}
		}
	}
}

// collectTokensUntilClosed is collectTokens for a connection the server
// closes meanwhile: it returns what arrived before the close.
func collectTokensUntilClosed(c *apptest.Client, n int) []string {
	var out []string
	for got := 0; got < n; {
		data, err := c.ReadRaw(apptest.Timeout)
		if err != nil {
			return out
		}
		var m map[string]any
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		if _, ok := m["id"].(float64); !ok {
			continue
		}
		got++
		if s, ok := m["result"].(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestSecurityAttackTokenSessions covers the other token findings: a token
// dies with a session that logged in with it (F9), token chains stay two
// deep (F6), a session keeps at most MaxTokensPerSession tokens (F7), and
// a session opened before a password change makes no more tokens (F8).
func TestSecurityAttackTokenSessions(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	dial := func() *apptest.Client { return apptest.MustDial(t, srv.WSURL("current")) }
	t.Run("ErrTokenAfterItsSessionLoggedOut", func(t *testing.T) {
		tok := admin.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)
		c := dial()
		if tokenLogin(c, tok) != "SUCCESS" {
			t.Fatal("token login failed")
		}
		c.MustResult("auth.logout")
		if got := tokenLogin(dial(), tok); got != "AUTH_ERR" {
			t.Fatalf("the token of a session that logged out: %s", got)
		}
		tok = admin.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)
		c = dial()
		if tokenLogin(c, tok) != "SUCCESS" {
			t.Fatal("token login failed")
		}
		c.Conn().CloseNow()
		waitFor(t, "the token to die with its session's connection", func() bool { return tokenLogin(dial(), tok) == "AUTH_ERR" })
	})
	t.Run("OKChainTwoDeep", func(t *testing.T) {
		c := admin
		for range 5 {
			tok := c.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)
			c = dial()
			if tokenLogin(c, tok) != "SUCCESS" {
				t.Fatal("token login failed")
			}
		}
		s := c.MustResult("auth.sessions", []any{[]any{"current", "=", true}}, map[string]any{"get": true}).(map[string]any)
		text := apptest.String(s["credentials_data"])
		if strings.Count(text, `"parent"`) != 1 || !strings.Contains(text, `"credentials":"LOGIN_PASSWORD"`) {
			t.Fatalf("a fifth token session's credentials: %s", text)
		}
	})
	t.Run("ErrMoreThanMaxTokens", func(t *testing.T) {
		c := dial()
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		first := c.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)
		for range service.MaxTokensPerSession {
			c.MustResult("auth.generate_token", 600, map[string]any{}, false)
		}
		if got := tokenLogin(dial(), first); got != "AUTH_ERR" {
			t.Fatalf("the oldest of %d tokens of one session: %s", service.MaxTokensPerSession+1, got)
		}
	})
	t.Run("ErrStaleSessionMakesNoTokens", func(t *testing.T) {
		id := apptest.MustUserWithRoles(t, admin, "carol", "pw-c1", "READONLY_ADMIN")
		carol := dial()
		carol.MustLogin("carol", "pw-c1")
		admin.MustResult("user.update", id, map[string]any{"password": "pw-c2"})
		r := carol.Call("auth.generate_token", 600, map[string]any{}, false)
		if apptest.Errno(r) != 1 || !strings.Contains(apptest.String(r), "log in again to make tokens") {
			t.Fatalf("a session from before the password change made a token: %s", apptest.String(r))
		}
		// A session that changes its own user's password goes on.
		self := dial()
		self.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		me := self.MustResult("auth.me").(map[string]any)
		uid, _ := apptest.Int(me["pw_uid"])
		users := self.MustResult("user.query", []any{[]any{"uid", "=", uid}}, map[string]any{"get": true}).(map[string]any)
		self.MustResult("user.update", users["id"], map[string]any{"password": apptest.AdminPassword})
		self.MustResult("auth.generate_token", 600, map[string]any{}, false)
	})
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 100 {
		if cond() {
			return
		}
		sleepMillis(50)
	}
	t.Fatalf("waited in vain for %s", what)
}

// TestSecurityAttackImportIDBound (attack finding F11): an imported key id
// near the top of int64 is skipped, so later keys still get ids.
func TestSecurityAttackImportIDBound(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	n, skipped, err := srv.App.Service().ImportKeys(t.Context(), []service.ImportRow{{ID: 1<<63 - 1, Name: "huge",
		Username: "admin", Keyhash: "$pbkdf2-sha512$500000$c2FsdHNhbHQ=$aGFzaA=="}})
	if err != nil || n != 0 || len(skipped) != 1 || !strings.Contains(skipped[0], fmt.Sprint("id above ", service.MaxImportID)) {
		t.Fatalf("import of id 2^63-1: %d %v %v", n, skipped, err)
	}
	apptest.MustCreateKey(t, admin, "after", "admin")
}

func sleepMillis(n int) { time.Sleep(time.Duration(n) * time.Millisecond) }
