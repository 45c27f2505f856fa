package cluster_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem4ListenKilled: the database ends node B's LISTEN
// connection (pg_terminate_backend) while a key is deleted on node A. B
// refuses that key's open session within revocation_max_lag of the
// delete, opens a new LISTEN connection by itself and serves again
// (cluster.md, acceptance 4).
func TestClusterItem4ListenKilled(t *testing.T) {
	t.Parallel()
	c := newCluster(t, time.Second)
	a, b := c.start("node-a"), c.start("node-b")
	logOnFailure(t, a, b)
	admin := setupAdmin(t, a)
	id, raw := apptest.MustCreateKey(t, admin, "doomed", apptest.AdminUser)
	_, spare := apptest.MustCreateKey(t, admin, "spare", apptest.AdminUser)
	sess := keySession(t, b, raw, c.lag)
	if r := sess.Call("auth.me"); r["error"] != nil {
		t.Fatalf("auth.me of the key session on B: %s", apptest.String(r))
	}
	var old int32
	eventually(t, hangTimeout, "B's LISTEN backend in pg_stat_activity", func() bool {
		old = c.listenPID(b.name)
		return old != 0
	})

	c.terminate(old)
	if admin.MustResult("api_key.delete", id) != true {
		t.Fatal("api_key.delete on A did not answer true")
	}
	deleted := time.Now()
	refusedAt := refusedWithin(t, sess, deleted, c.lag)
	t.Logf("B refused the session %v after the delete on A answered", refusedAt.Sub(deleted).Round(time.Millisecond))

	eventually(t, fewSeconds, "B listening again on a new connection", func() bool {
		pid := c.listenPID(b.name)
		return pid != 0 && pid != old
	})
	eventually(t, fewSeconds, "B's /readyz answering 200 again", func() bool {
		code, _ := get(b.url("/readyz"))
		return code == http.StatusOK
	})
	if r := sess.Call("auth.me"); !isEnded(r) {
		t.Errorf("the deleted key's session on B after B caught up: %s, want ENOTAUTHENTICATED", apptest.String(r))
	}
	if r := apptest.MustDial(t, b.ws()).KeyLogin(apptest.AdminUser, raw); r != "AUTH_ERR" {
		t.Errorf("the deleted key logs in on B: %s", r)
	}
	fresh := keySession(t, b, spare, 0)
	if r := fresh.Call("auth.me"); r["error"] != nil {
		t.Errorf("a key session on B after it reconnected: %s", apptest.String(r))
	}
	noErrors(t, a, b)
}

// refusedWithin calls auth.me on sess until the node refuses it (the
// session ended, or the node cannot confirm the change log) and returns
// when the refused call was sent. A call sent more than lag after since
// that succeeds fails the test: the change of since is enforced by then.
func refusedWithin(t *testing.T, sess *apptest.Client, since time.Time, lag time.Duration) time.Time {
	t.Helper()
	for {
		sent := time.Now()
		r := sess.Call("auth.me")
		if isEnded(r) || isUnconfirmed(r) {
			return sent
		}
		if r["error"] != nil {
			t.Fatalf("auth.me: %s, want a result, ENOTAUTHENTICATED or the unconfirmed EFAULT", apptest.String(r))
		}
		if sent.Sub(since) > lag {
			t.Fatalf("a call sent %v after the change still succeeded (revocation_max_lag %v)",
				sent.Sub(since).Round(time.Millisecond), lag)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
