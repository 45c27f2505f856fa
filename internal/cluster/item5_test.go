package cluster_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem5DatabaseDown: with writers busy on both nodes, the
// database stops taking connections and ends those it has. Within
// revocation_max_lag every node's /readyz is 503 with a reason (/healthz
// stays 200) and key sessions and logins get the unconfirmed EFAULT. When
// the database takes connections again, the nodes serve again within a few
// seconds without a restart, the open sessions work again, and every
// write they acknowledged is there (cluster.md, acceptance 5).
func TestClusterItem5DatabaseDown(t *testing.T) {
	t.Parallel()
	c := newCluster(t, time.Second)
	nodes := []*node{c.start("node1"), c.start("node2")}
	logOnFailure(t, nodes...)
	admin := setupAdmin(t, nodes[0])
	_, raw := apptest.MustCreateKey(t, admin, "steady", apptest.AdminUser)
	var sessions []*apptest.Client
	for _, n := range nodes {
		sessions = append(sessions, keySession(t, n, raw, c.lag))
	}
	seed := uint64(time.Now().UnixNano())
	ws := []*writer{newWriter(0, nodes[0].ws(), seed), newWriter(1, nodes[1].ws(), seed)}
	halt := startWriters(ws)
	defer halt()
	time.Sleep(500 * time.Millisecond)

	c.cutOff()
	time.Sleep(c.lag) // a node may serve on for revocation_max_lag, not longer
	for i, n := range nodes {
		checkFailedClosed(t, n, sessions[i], raw)
	}

	c.restore()
	up := time.Now()
	for i, n := range nodes {
		eventually(t, time.Until(up.Add(fewSeconds)), n.name+" ready again", func() bool {
			code, _ := get(n.url("/readyz"))
			return code == http.StatusOK
		})
		if r := sessions[i].Call("auth.me"); r["error"] != nil {
			t.Errorf("the key session opened on %s before the outage: %s", n.name, apptest.String(r))
		}
	}
	for _, w := range ws {
		eventually(t, time.Until(up.Add(fewSeconds)), w.name+" writing again", func() bool { return w.ackedSince(up) })
	}
	t.Logf("all ready and writing %v after the database came back", time.Since(up).Round(time.Millisecond))
	halt()

	tl := verify(t, admin, []*apptest.Client{sessions[0], sessions[1]}, ws)
	t.Logf("%d writes acknowledged (%d keys live, %d deleted), %d refused or unanswered", tl.acked, tl.live, tl.deleted, tl.unsure)
}

// checkFailedClosed checks a node that cannot reach the database: /readyz
// 503 with a reason, /healthz 200, the unconfirmed EFAULT for a call of an
// open key session and for a key login.
func checkFailedClosed(t *testing.T, n *node, sess *apptest.Client, raw string) {
	t.Helper()
	if code, body := get(n.url("/readyz")); code != http.StatusServiceUnavailable || !strings.HasPrefix(body, "not ready: ") {
		t.Errorf("%s /readyz with the database down: %d %q, want 503 with a reason", n.name, code, body)
	}
	if code, body := get(n.url("/healthz")); code != http.StatusOK {
		t.Errorf("%s /healthz with the database down: %d %q, want 200", n.name, code, body)
	}
	if r := sess.Call("auth.me"); !isUnconfirmed(r) {
		t.Errorf("%s: a key session's call with the database down: %s, want %q", n.name, apptest.String(r), unconfirmed)
	}
	login := apptest.MustDial(t, n.ws())
	r := login.Call("auth.login_ex", map[string]any{"mechanism": "API_KEY_PLAIN", "username": apptest.AdminUser, "api_key": raw})
	if !isUnconfirmed(r) {
		t.Errorf("%s: a key login with the database down: %s, want %q", n.name, apptest.String(r), unconfirmed)
	}
}
