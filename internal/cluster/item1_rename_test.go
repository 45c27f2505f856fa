package cluster_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem1RenameAcrossNodes: renaming a user on node 1 sends the
// changed events of the user's keys, with the new username, to a
// subscriber on node 2 (cluster.md 4: events come from the change log on
// every node; a key's entry shows its owner's current name).
func TestClusterItem1RenameAcrossNodes(t *testing.T) {
	t.Parallel()
	c := newCluster(t, 2*time.Second)
	n1, n2 := c.start("node1"), c.start("node2")
	logOnFailure(t, n1, n2)
	admin1 := setupAdmin(t, n1)
	uid := apptest.MustUserWithRoles(t, admin1, "owner", "pw-owner", "READONLY_ADMIN")
	id, _ := apptest.MustCreateKey(t, admin1, "owned", "owner")
	sub := passwordSession(t, n2, apptest.AdminUser, apptest.AdminPassword, c.lag)
	sub.MustResult("core.subscribe", "api_key.query")

	admin1.MustResult("user.update", uid, map[string]any{"username": "renamed-owner"})
	changed, text := readEvent(t, sub, "changed", id)
	if fields, _ := changed["fields"].(map[string]any); fields["username"] != "renamed-owner" {
		t.Fatalf("changed event on node 2 of a rename on node 1: %s", text)
	}
	noErrors(t, n1, n2)
}
