package cluster_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterGroupMembershipAcrossNodes: a group made and filled on node 1
// gives its members the roles of the privilege listing its gid on node 2,
// on the open session there (group writes go through the change log), and
// emptying it ends that session when no role is left.
func TestClusterGroupMembershipAcrossNodes(t *testing.T) {
	t.Parallel()
	c := newCluster(t, 2*time.Second)
	n1, n2 := c.start("node1"), c.start("node2")
	logOnFailure(t, n1, n2)
	admin1 := setupAdmin(t, n1)
	apptest.MustUserWithRoles(t, admin1, "member", "pw-member", "READONLY_ADMIN")
	member := admin1.MustResult("user.query", []any{[]any{"username", "=", "member"}}, map[string]any{"get": true}).(map[string]any)
	writers := admin1.MustResult("group.create", map[string]any{"name": "writers"})
	gid := admin1.MustResult("group.get_instance", writers).(map[string]any)["gid"]
	admin1.MustResult("privilege.create", map[string]any{"name": "Writers", "local_groups": []any{gid},
		"roles": []any{"ACCOUNT_WRITE"}, "web_shell": false})
	sess := passwordSession(t, n2, "member", "pw-member", c.lag)
	if r := sess.Call("group.get_next_gid"); r["error"] != nil {
		t.Fatalf("a read-only administrator on node 2: %s", apptest.String(r))
	}

	admin1.MustResult("group.update", writers, map[string]any{"users": []any{member["id"]}})
	eventually(t, c.lag, "node 2 applying a membership added on node 1", func() bool {
		return sess.Call("group.update", writers, map[string]any{})["error"] == nil
	})
	admin1.MustResult("group.update", writers, map[string]any{"users": []any{}})
	eventually(t, c.lag, "node 2 applying a membership removed on node 1", func() bool {
		return apptest.Errno(sess.Call("group.update", writers, map[string]any{})) == 13
	})
	noErrors(t, n1, n2)
}
