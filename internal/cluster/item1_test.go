package cluster_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem1KeyAcrossNodes: three nodes on one database. A key made
// on node 1 logs in on nodes 2 and 3; deleting it on node 3 ends its open
// sessions on nodes 1 and 2 before their next call; a subscriber on node 2
// sees the added, changed and removed events of changes made on nodes 1
// and 3, without the plaintext key (cluster.md, acceptance 1).
func TestClusterItem1KeyAcrossNodes(t *testing.T) {
	t.Parallel()
	c := newCluster(t, 2*time.Second)
	n1, n2, n3 := c.start("node1"), c.start("node2"), c.start("node3")
	logOnFailure(t, n1, n2, n3)
	admin1 := setupAdmin(t, n1)
	apptest.MustUserWithRoles(t, admin1, "watcher", "pw-watcher", "READONLY_ADMIN")
	sub := passwordSession(t, n2, "watcher", "pw-watcher", c.lag)
	sub.MustResult("core.subscribe", "api_key.query")
	admin3 := passwordSession(t, n3, apptest.AdminUser, apptest.AdminPassword, c.lag)

	id, raw := apptest.MustCreateKey(t, admin1, "across", apptest.AdminUser)
	secret := raw[strings.IndexByte(raw, '-')+1:]
	added, text := readEvent(t, sub, "added", id)
	if fields, _ := added["fields"].(map[string]any); fields["name"] != "across" || fields["key"] != nil ||
		strings.Contains(text, secret) {
		t.Fatalf("added event on node 2 of a key made on node 1: %s", text)
	}
	var sessions []*apptest.Client
	for _, n := range []*node{n1, n2, n3} {
		s := keySession(t, n, raw, c.lag)
		if r := s.Call("auth.me"); r["error"] != nil {
			t.Fatalf("auth.me of the key session on %s: %s", n.name, apptest.String(r))
		}
		sessions = append(sessions, s)
	}

	admin3.MustResult("api_key.update", id, map[string]any{"name": "across-renamed"})
	changed, text := readEvent(t, sub, "changed", id)
	if fields, _ := changed["fields"].(map[string]any); fields["name"] != "across-renamed" || fields["key"] != nil ||
		strings.Contains(text, secret) {
		t.Fatalf("changed event on node 2 of a rename on node 3: %s", text)
	}

	if admin3.MustResult("api_key.delete", id) != true {
		t.Fatal("api_key.delete on node 3 did not answer true")
	}
	// Before the next call: no waiting here.
	for i, s := range sessions {
		if r := s.Call("auth.me"); !isEnded(r) {
			t.Errorf("the key session on node %d after the key was deleted on node 3: %s, want ENOTAUTHENTICATED", i+1, apptest.String(r))
		}
	}
	removed, text := readEvent(t, sub, "removed", id)
	if removed["fields"] != nil || strings.Contains(text, secret) {
		t.Fatalf("removed event on node 2 of a delete on node 3: %s", text)
	}
	for _, n := range []*node{n1, n2} {
		if r := apptest.MustDial(t, n.ws()).KeyLogin(apptest.AdminUser, raw); r != "AUTH_ERR" {
			t.Errorf("the deleted key logs in on %s: %s", n.name, r)
		}
	}
	noErrors(t, n1, n2, n3)
}
