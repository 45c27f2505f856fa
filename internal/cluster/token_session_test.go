package cluster_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterTokenEndsWithItsSession: a token made on node 1 that logs in
// on node 2 is destroyed when that session ends there (accounts.md 12.1),
// on every node: node 3 refuses it at once (the token table), node 1 that
// made it once it has applied the change that says so. A token node 1
// made that no ended session used still logs in everywhere.
func TestClusterTokenEndsWithItsSession(t *testing.T) {
	t.Parallel()
	c := newCluster(t, time.Second)
	n1, n2, n3 := c.start("node1"), c.start("node2"), c.start("node3")
	logOnFailure(t, n1, n2, n3)
	admin1 := setupAdmin(t, n1)
	tok, _ := admin1.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)
	kept, _ := admin1.MustResult("auth.generate_token", 600, map[string]any{}, false).(string)

	s2 := apptest.MustDial(t, n2.ws())
	if got := s2.MustResult("auth.login_with_token", tok); got != true {
		t.Fatalf("the token on node 2: %v", got)
	}
	own := s2.MustResult("auth.sessions", []any{[]any{"current", "=", true}}, map[string]any{"get": true}).(map[string]any)
	_ = s2.Conn().CloseNow()
	waitLogoutRecord(t, admin1, own["id"].(string))
	// A write on node 2 answers once every live node has applied it, and
	// with it every change before it: the token's end among them.
	admin2 := adminOn(t, n2)
	admin2.MustResult("user.create", map[string]any{"username": "after", "full_name": "After", "password": "pw",
		"group_create": true})

	for _, n := range []*node{n3, n1, n2} {
		if got := tokenLogin(t, n, tok); got != false {
			t.Fatalf("the token of a session that ended on node 2, on %s: %v", n.name, got)
		}
	}
	if got := tokenLogin(t, n3, kept); got != true {
		t.Fatalf("another token of node 1's session, on node 3: %v", got)
	}
	noErrors(t, n1, n2, n3)
}

// waitLogoutRecord waits until the LOGOUT record of session id is in the
// audit trail the nodes share.
func waitLogoutRecord(t *testing.T, q *apptest.Client, id string) {
	t.Helper()
	eventually(t, hangTimeout, "the LOGOUT record of "+id, func() bool {
		n := q.MustResult("audit.query", map[string]any{"query-filters": []any{[]any{"session", "=", id},
			[]any{"event", "=", "LOGOUT"}}, "query-options": map[string]any{"count": true}})
		return apptest.String(n) == "1"
	})
}
