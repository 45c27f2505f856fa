package rpc_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// unsubscribed is the exact notify_unsubscribed of a subscription to
// collection removed for err.
func unsubscribed(collection string, err *keyward.Error) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","method":"notify_unsubscribed","params":{"collection":%q,`+
		`"error":{"errname":%q,"error":%d,"extra":null,"reason":%q,"trace":null}}}`,
		collection, err.Errno.Name(), err.Errno, err.Reason())
}

// nextTexts reads n messages, sorted (the order among notifications of
// one moment is not defined).
func (c *conn) nextTexts(n int) []string {
	c.t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = c.next()
	}
	slices.Sort(out)
	return out
}

// TestSessionRefresh (protocol.md 7 step 2): a session its authority no
// longer accepts ends at the next call, which goes on unauthenticated; its
// subscriptions go with a notify_unsubscribed each, the authority is told,
// and the connection stays open.
func TestSessionRefresh(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	f.auth.setRoles("alice", keyward.APIKeyRead)
	c := f.dial(t)
	c.login("alice")
	if got := c.result("test.whoami"); !equalJSON(got, map[string]any{"username": "alice", "roles": []string{"API_KEY_READ"}}) {
		t.Fatalf("whoami: %v", got)
	}
	c.result("test.subscribe", "test.keys")
	c.result("test.subscribe", "test.open")

	f.auth.invalidate("alice")
	c.send(`{"jsonrpc":"2.0","id":"who","method":"test.whoami"}`)
	want := []string{unsubscribed("test.keys", keyward.ErrNotAuthenticated), unsubscribed("test.open", keyward.ErrNotAuthenticated)}
	if got := c.nextTexts(2); !slices.Equal(got, want) {
		t.Fatalf("notifications\n got %v\nwant %v", got, want)
	}
	wantCallError(t, c.nextMsg(), keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
	if s := recv(t, f.auth.ended, "SessionEnded"); s.Username != "alice" || !s.Ended() {
		t.Fatalf("SessionEnded told of %+v", s)
	}
	if got := c.result("test.ping"); got != "pong" {
		t.Fatalf("the connection did not stay open: %v", got)
	}
}

// TestRolesRecomputed (protocol.md 7 step 4): effective roles come from
// the authority at every call; a role grants the methods of the roles it
// includes.
func TestRolesRecomputed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	c.login("bob")
	for _, tc := range []struct {
		name  string
		roles []keyward.Role
		ok    bool
	}{
		{"ErrNoRole", nil, false},
		{"OKRole", []keyward.Role{keyward.APIKeyWrite}, true},
		{"OKIncludingRole", []keyward.Role{keyward.FullAdmin}, true},
		{"ErrReadOnly", []keyward.Role{keyward.ReadonlyAdmin, keyward.APIKeyRead}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			f.auth.setRoles("bob", tc.roles...)
			r := c.call("test.keys")
			if !tc.ok {
				wantCallError(t, r, keyward.EACCES, "[EACCES] Not authorized")
			} else if string(r.Result) != `"written"` {
				t.Fatalf("got %s", r.Raw)
			}
		})
	}
}

// TestLogout: a session ended without a reason (auth.logout) removes its
// subscriptions silently; a failed login leaves the connection without one.
func TestLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	c.login("alice")
	c.result("test.subscribe", "test.open")
	if got := c.result("test.logout"); got != true {
		t.Fatalf("logout: %v", got)
	}
	recv(t, f.auth.ended, "SessionEnded")
	c.send(`{"jsonrpc":"2.0","id":1,"method":"test.whoami"}`)
	wantCallError(t, c.nextMsg(), keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
	wantCallError(t, c.call("test.login", "nobody"), keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
	wantCallError(t, c.call("test.whoami"), keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
}

// TestTerminate: a terminated session's connection gets the answer of the
// call that ended it, then closes with 1000 "Session terminated".
func TestTerminate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	t.Run("OKOwnCall", func(t *testing.T) {
		c := f.dial(t)
		c.login("alice")
		if got := c.result("test.terminate"); got != true {
			t.Fatalf("terminate: %v", got)
		}
		c.wantClose(websocket.StatusNormalClosure, "Session terminated")
	})
	t.Run("OKFromAnotherConnection", func(t *testing.T) {
		c := f.dial(t)
		c.login("bob")
		conn := findConn(t, f.srv, "bob")
		sess := conn.Session()
		if !conn.Terminate(sess) {
			t.Fatal("Terminate returned false")
		}
		if conn.Terminate(sess) {
			t.Fatal("a second Terminate returned true")
		}
		c.wantClose(websocket.StatusNormalClosure, "Session terminated")
	})
}

// findConn returns the server's connection logged in as user.
func findConn(t *testing.T, srv *rpc.Server, user string) *rpc.Conn {
	t.Helper()
	for _, c := range srv.Conns() {
		if s := c.Session(); s != nil && s.Username == user {
			return c
		}
	}
	t.Fatalf("no connection of %s", user)
	return nil
}

// TestEndSessions (accounts.md 13.3): the server ends the sessions that
// match, with notify_unsubscribed ENOTAUTHENTICATED; the connections stay
// open and the metrics gauges follow.
func TestEndSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	alice, bob, guest := f.dial(t), f.dial(t), f.dial(t)
	alice.login("alice")
	bob.login("bob")
	alice.result("test.subscribe", "test.open")
	guest.result("test.ping")
	if n, s := f.srv.Stats(); n != 3 || s[keyward.CredPassword] != 2 || len(s) != 1 {
		t.Fatalf("Stats = %d, %v", n, s)
	}
	if n := f.srv.EndSessions(func(s *keyward.Session) bool { return s.Username == "alice" }); n != 1 {
		t.Fatalf("EndSessions ended %d", n)
	}
	if got, want := alice.next(), unsubscribed("test.open", keyward.ErrNotAuthenticated); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	wantCallError(t, alice.call("test.whoami"), keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
	if got := bob.result("test.whoami").(map[string]any)["username"]; got != "bob" {
		t.Fatalf("bob: %v", got)
	}
	if n, s := f.srv.Stats(); n != 3 || s[keyward.CredPassword] != 1 {
		t.Fatalf("Stats after = %d, %v", n, s)
	}
}

// TestSessionClosedWithConnection: a session whose connection closes is
// reported as closed (its generated tokens stay), not as ended.
func TestSessionClosedWithConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	c.login("alice")
	_ = c.Close()
	if s := recv(t, f.auth.closed, "SessionClosed"); s.Username != "alice" {
		t.Fatalf("SessionClosed told of %s", s.Username)
	}
	select {
	case s := <-f.auth.ended:
		t.Fatalf("SessionEnded told of %s", s.Username)
	default:
	}
	eventually(t, "the connection leaving the server", func() bool { return len(f.srv.Conns()) == 0 })
}

// TestShutdownAndDrop: Shutdown closes every connection with 1001 and
// refuses later ones the same way; DropAll drops them without a close
// frame.
func TestShutdownAndDrop(t *testing.T) {
	t.Parallel()
	t.Run("OKDropAll", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, rpc.Config{})
		c := f.dial(t)
		c.login("alice")
		f.srv.DropAll()
		if code, _ := c.closed(); code != -1 {
			t.Fatalf("closed with %d, want no close frame", code)
		}
		recv(t, f.auth.closed, "SessionClosed")
	})
	t.Run("OKShutdown", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, rpc.Config{})
		a, b := f.dial(t), f.dial(t)
		b.login("bob")
		eventually(t, "both connections served", func() bool { return len(f.srv.Conns()) == 2 })
		f.srv.Shutdown()
		a.wantClose(websocket.StatusGoingAway, "Server shutting down")
		b.wantClose(websocket.StatusGoingAway, "Server shutting down")
		f.dial(t).wantClose(websocket.StatusGoingAway, "Server shutting down")
		f.srv.Events().Publish(keyward.Event{Collection: "test.open", Msg: keyward.EventAdded}) // does not block
	})
}

// TestCompareAndSwapSession: a login that failed its last check puts the
// previous session back only if no other login replaced it meanwhile.
func TestCompareAndSwapSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	c.login("alice")
	conn := findConn(t, f.srv, "alice")
	alice, bob := conn.Session(), &keyward.Session{Username: "bob"}
	if conn.CompareAndSwapSession(bob, nil) {
		t.Fatal("swapped a session the connection does not hold")
	}
	if !conn.CompareAndSwapSession(alice, bob) {
		t.Fatal("did not swap the session the connection holds")
	}
	if got := c.result("test.whoami").(map[string]any)["username"]; got != "bob" {
		t.Fatalf("whoami: %v", got)
	}
}

// TestFailClosed (cluster.md 4): while the authority cannot confirm
// credentials, logins and every call of a session get its EFAULT, the
// session is neither refreshed nor ended, and calls before login still
// work; once confirmed again the same session goes on.
func TestFailClosed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	f.auth.setRoles("alice", keyward.APIKeyRead)
	c := f.dial(t)
	c.login("alice")
	guest := f.dial(t)
	down := keyward.Errorf(keyward.EFAULT, "Keyward cannot confirm credentials with the database; retry shortly")
	f.auth.setUnconfirmed(down)
	wantCallError(t, c.call("test.whoami"), keyward.EFAULT, "[EFAULT] Keyward cannot confirm credentials with the database; retry shortly")
	wantCallError(t, guest.call("test.login", "alice"), keyward.EFAULT, "[EFAULT] Keyward cannot confirm credentials with the database; retry shortly")
	if got := guest.result("test.ping"); got != "pong" {
		t.Fatalf("ping before login while unconfirmed: %v", got)
	}
	select {
	case s := <-f.auth.ended:
		t.Fatalf("the session of %s ended while unconfirmed", s.Username)
	default:
	}
	f.auth.setUnconfirmed(nil)
	if got := c.result("test.whoami"); !equalJSON(got, map[string]any{"username": "alice", "roles": []string{"API_KEY_READ"}}) {
		t.Fatalf("whoami once confirmed again: %v", got)
	}
}
