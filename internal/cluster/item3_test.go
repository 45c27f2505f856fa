package cluster_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem3TokensAcrossNodes: a single-use token made on node 1
// logs in once on node 2 and is refused on node 3; a token for many uses
// logs in on every node until its session logs out on node 1, after which
// no node takes it (cluster.md, acceptance 3).
func TestClusterItem3TokensAcrossNodes(t *testing.T) {
	t.Parallel()
	c := newCluster(t, time.Second)
	n1, n2, n3 := c.start("node1"), c.start("node2"), c.start("node3")
	logOnFailure(t, n1, n2, n3)
	admin1 := setupAdmin(t, n1)

	once, _ := admin1.MustResult("auth.generate_token", 600, map[string]any{}, false, true).(string)
	if got := tokenLogin(t, n2, once); got != true {
		t.Fatalf("the single-use token on node 2: %v", got)
	}
	if got := tokenLogin(t, n3, once); got != false {
		t.Fatalf("the single-use token again, on node 3: %v", got)
	}
	if got := tokenLogin(t, n1, once); got != false {
		t.Fatalf("the single-use token again, on node 1 that made it: %v", got)
	}

	many, _ := admin1.MustResult("auth.generate_token", 600, map[string]any{}, false, false).(string)
	for _, n := range []*node{n2, n3, n1} {
		if got := tokenLogin(t, n, many); got != true {
			t.Fatalf("the token on %s: %v", n.name, got)
		}
	}
	if got := admin1.MustResult("auth.logout"); got != true {
		t.Fatalf("auth.logout on node 1: %v", got)
	}
	for _, n := range []*node{n2, n3, n1} {
		if got := tokenLogin(t, n, many); got != false {
			t.Fatalf("the token of a session that logged out, on %s: %v", n.name, got)
		}
	}
	noErrors(t, n1, n2, n3)
}

// tokenLogin logs in with a token on a new connection to n and returns
// auth.login_with_token's answer.
func tokenLogin(t *testing.T, n *node, token string) any {
	t.Helper()
	c := apptest.MustDial(t, n.ws())
	return c.MustResult("auth.login_with_token", token)
}
