package cluster_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// tally counts what verify checked: the acknowledged writes, the keys
// that must be there and those that must not, and the writes answered
// with an error or not at all (which may or may not have happened).
type tally struct {
	acked, live, deleted, unsure int
}

// verify checks every writer's record against the cluster, after the
// writers stopped: through admin, every acknowledged key is listed under a
// name it may have and logs in on every node of logins; no acknowledged
// delete is listed or logs in; a listed key that no writer acknowledged
// is one whose create went unanswered.
func verify(t *testing.T, admin *apptest.Client, logins []*apptest.Client, ws []*writer) tally {
	t.Helper()
	listed := map[int64]string{}
	for _, e := range admin.MustResult("api_key.query").([]any) {
		m := e.(map[string]any)
		id, _ := apptest.Int(m["id"])
		listed[id] = m["name"].(string)
	}
	var tl tally
	known := map[int64]bool{}
	unknown := map[string]bool{}
	for _, w := range ws {
		tl.acked += int(w.acks.Load())
		tl.unsure += int(w.fails.Load())
		for name := range w.unknown {
			unknown[name] = true
		}
		for id, k := range w.live {
			known[id] = true
			tl.live++
			name, ok := listed[id]
			if !ok || !k.names[name] {
				t.Errorf("%s: acknowledged key %d: listed %v as %q, want one of %v", w.name, id, ok, name, k.names)
				continue
			}
			for i, c := range logins {
				if r := c.KeyLogin(apptest.AdminUser, k.raw); r != "SUCCESS" {
					t.Errorf("%s: acknowledged key %d on node %d: login %s", w.name, id, i+1, r)
				}
			}
		}
		for id, k := range w.maybe {
			known[id] = true
			if name, ok := listed[id]; ok && !k.names[name] {
				t.Errorf("%s: key %d (delete unanswered) listed as %q, want one of %v", w.name, id, name, k.names)
			}
		}
		for id, raw := range w.deleted {
			tl.deleted++
			if name, ok := listed[id]; ok {
				t.Errorf("%s: deleted key %d is still listed as %q", w.name, id, name)
			}
			if r := logins[0].KeyLogin(apptest.AdminUser, raw); r != "AUTH_ERR" {
				t.Errorf("%s: deleted key %d: login %s", w.name, id, r)
			}
		}
	}
	for id, name := range listed {
		if strings.HasPrefix(name, "load-") && !known[id] && !unknown[name] {
			t.Errorf("key %d %q is listed but no write made it", id, name)
		}
	}
	return tl
}
