package cluster_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// setupAdmin runs first-run setup on n and returns a connection to n
// logged in as the administrator.
func setupAdmin(t *testing.T, n *node) *apptest.Client {
	t.Helper()
	c := apptest.MustDial(t, n.ws())
	if r := c.Call("user.setup_local_administrator", apptest.AdminUser, apptest.AdminPassword); r["error"] != nil {
		t.Fatalf("setup on %s: %s", n.name, apptest.String(r))
	}
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	return c
}

// adminOn returns a connection to n logged in as the administrator.
func adminOn(t *testing.T, n *node) *apptest.Client {
	t.Helper()
	c := apptest.MustDial(t, n.ws())
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	return c
}

// keySession logs in on n with a key of the administrator, on a new
// connection. A change made on another node is enforced here within
// revocation_max_lag (cluster.md 4), so a refused login is retried for
// that long.
func keySession(t *testing.T, n *node, raw string, lag time.Duration) *apptest.Client {
	t.Helper()
	c := apptest.MustDial(t, n.ws())
	deadline := time.Now().Add(lag)
	for {
		r := c.KeyLogin(apptest.AdminUser, raw)
		if r == "SUCCESS" {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("key login on %s: %s after %v", n.name, r, lag)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// passwordSession logs in on n as user on a new connection, retrying a
// refused login for lag as keySession does.
func passwordSession(t *testing.T, n *node, user, pass string, lag time.Duration) *apptest.Client {
	t.Helper()
	c := apptest.MustDial(t, n.ws())
	deadline := time.Now().Add(lag)
	for {
		r := c.Login(user, pass)
		if r["response_type"] == "SUCCESS" {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("login of %s on %s: %s after %v", user, n.name, apptest.String(r), lag)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// isUnconfirmed reports whether an answer is the -32001 EFAULT of a node
// that cannot confirm the change log.
func isUnconfirmed(r map[string]any) bool {
	return apptest.Code(r) == -32001 && apptest.Errno(r) == 14 && apptest.Reason(r) == unconfirmed
}

// isEnded reports whether an answer says the session has ended
// (ENOTAUTHENTICATED).
func isEnded(r map[string]any) bool { return apptest.Errno(r) == 207 }

// readEvent reads c's messages until a collection_update of the key id
// with the message msg arrives and returns its params and raw text.
// Other messages are skipped; an event of msg "added" or "removed" that
// is not the one awaited fails the test (the events of one key come in
// order).
func readEvent(t *testing.T, c *apptest.Client, msg string, id int64) (map[string]any, string) {
	t.Helper()
	for {
		data, err := c.ReadRaw(apptest.Timeout)
		if err != nil {
			t.Fatalf("waiting for the %s event of key %d: %v", msg, id, err)
		}
		m := apptest.Decode(t, data)
		if m["method"] != "collection_update" {
			continue
		}
		p := m["params"].(map[string]any)
		got, _ := apptest.Int(p["id"])
		if p["msg"] == msg && got == id {
			return p, string(data)
		}
		if p["msg"] != "changed" {
			t.Fatalf("waiting for the %s event of key %d, got %s", msg, id, data)
		}
	}
}
