package cluster_test

import (
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem2SessionsAcrossNodes: auth.sessions on any node lists the
// sessions of all three nodes; auth.terminate_session on node 1 ends a
// session held by node 2, whose connection closes with 1000 `Session
// terminated`, and auth.terminate_other_sessions on node 3 ends the rest
// everywhere (cluster.md, acceptance 2).
func TestClusterItem2SessionsAcrossNodes(t *testing.T) {
	t.Parallel()
	c := newCluster(t, time.Second)
	n1, n2, n3 := c.start("node1"), c.start("node2"), c.start("node3")
	logOnFailure(t, n1, n2, n3)
	admin1 := setupAdmin(t, n1)
	admin2 := passwordSession(t, n2, apptest.AdminUser, apptest.AdminPassword, c.lag)
	admin3 := passwordSession(t, n3, apptest.AdminUser, apptest.AdminPassword, c.lag)
	ids := map[string]string{}
	for name, cl := range map[string]*apptest.Client{"node1": admin1, "node2": admin2, "node3": admin3} {
		ids[name] = currentSessionID(t, cl)
	}
	// Sessions are registered at each heartbeat (revocation_max_lag / 4):
	// every node lists all three within a few of them.
	for name, cl := range map[string]*apptest.Client{"node1": admin1, "node2": admin2, "node3": admin3} {
		eventually(t, 5*time.Second, "auth.sessions on "+name+" lists every node's session", func() bool {
			listed := sessionIDs(t, cl)
			return slices.Contains(listed, ids["node1"]) && slices.Contains(listed, ids["node2"]) &&
				slices.Contains(listed, ids["node3"])
		})
	}
	// Another node's session looks as a local one does: login_at a date.
	for _, e := range admin1.MustResult("auth.sessions", []any{[]any{"id", "=", ids["node2"]}}).([]any) {
		data, _ := e.(map[string]any)["credentials_data"].(map[string]any)
		if at, _ := data["login_at"].(map[string]any); at["$date"] == nil {
			t.Errorf("credentials_data of node 2's session on node 1: %v", data)
		}
	}
	if got := admin1.MustResult("auth.terminate_session", ids["node2"]); got != true {
		t.Fatalf("auth.terminate_session on node 1 of node 2's session: %v", got)
	}
	admin2.ExpectClose(websocket.StatusNormalClosure, "Session terminated")
	if got := admin1.MustResult("auth.terminate_session", "no-such-session"); got != false {
		t.Fatalf("auth.terminate_session of an unknown id: %v", got)
	}
	if got := admin3.MustResult("auth.terminate_other_sessions"); got != true {
		t.Fatalf("auth.terminate_other_sessions on node 3: %v", got)
	}
	admin1.ExpectClose(websocket.StatusNormalClosure, "Session terminated")
	if r := admin3.Call("auth.me"); r["error"] != nil {
		t.Fatalf("the caller's own session after terminate_other_sessions: %s", apptest.String(r))
	}
	noErrors(t, n1, n2, n3)
}

// currentSessionID returns the id auth.sessions gives the caller's own
// session.
func currentSessionID(t *testing.T, cl *apptest.Client) string {
	t.Helper()
	got := cl.MustResult("auth.sessions", []any{[]any{"current", "=", true}}, map[string]any{"get": true})
	m, _ := got.(map[string]any)
	id, _ := m["id"].(string)
	if id == "" {
		t.Fatalf("auth.sessions current: %v", got)
	}
	return id
}

// sessionIDs returns the ids auth.sessions lists.
func sessionIDs(t *testing.T, cl *apptest.Client) []string {
	t.Helper()
	list, _ := cl.MustResult("auth.sessions").([]any)
	var out []string
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			id, _ := m["id"].(string)
			out = append(out, id)
		}
	}
	return out
}

// TestClusterItem2FreshSessions (attack finding): sessions that logged in
// on another node since its last heartbeat are ended too, by id and by
// terminate_other_sessions; an id in the form of the "every session but"
// change ends nothing.
func TestClusterItem2FreshSessions(t *testing.T) {
	t.Parallel()
	c := newCluster(t, 4*time.Second) // heartbeats 1 s apart: the sessions below are not registered yet
	n1, n2 := c.start("node1"), c.start("node2")
	logOnFailure(t, n1, n2)
	admin1 := setupAdmin(t, n1)
	byID := passwordSession(t, n2, apptest.AdminUser, apptest.AdminPassword, c.lag)
	others := passwordSession(t, n2, apptest.AdminUser, apptest.AdminPassword, c.lag)
	if got := admin1.MustResult("auth.terminate_session", "*"+currentSessionID(t, admin1)); got != false {
		t.Fatalf("auth.terminate_session of \"*<own id>\": %v", got)
	}
	if r := others.Call("auth.me"); r["error"] != nil {
		t.Fatalf("a session after terminate_session(\"*…\"): %s", apptest.String(r))
	}
	admin1.MustResult("auth.terminate_session", currentSessionID(t, byID))
	byID.ExpectClose(websocket.StatusNormalClosure, "Session terminated")
	if got := admin1.MustResult("auth.terminate_other_sessions"); got != true {
		t.Fatalf("auth.terminate_other_sessions: %v", got)
	}
	others.ExpectClose(websocket.StatusNormalClosure, "Session terminated")
	noErrors(t, n1, n2)
}
