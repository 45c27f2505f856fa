package cluster_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem7Pepper: on a database whose keys were hashed with the
// cluster's pepper, a node given other bytes under the pepper's id refuses
// to start with the message of cluster.md 2, and a node with a pepper of
// another id refuses too; a node with the cluster's pepper starts and the
// keys log in there (cluster.md, acceptance 7).
func TestClusterItem7Pepper(t *testing.T) {
	t.Parallel()
	c := newCluster(t, 2*time.Second)
	n1 := c.start("node1")
	logOnFailure(t, n1)
	admin := setupAdmin(t, n1)
	_, raw := apptest.MustCreateKey(t, admin, "peppered", apptest.AdminUser)
	want := "the pepper does not match this database (its keys were hashed with pepper " + pepperID +
		"): set KEYWARD_PEPPER or the pepper file to the cluster's pepper"

	t.Run("ErrSameIDOtherBytes", func(t *testing.T) {
		if out := c.startErr("node2", pepperID+":"+randomKey()); !strings.Contains(out, want) {
			t.Fatalf("output of a node with other pepper bytes:\n%s\nwant it to say %q", out, want)
		}
	})
	t.Run("ErrOtherID", func(t *testing.T) {
		// The keys need the cluster's pepper, which this node lacks.
		if out := c.startErr("node2", "other:"+randomKey()); !strings.Contains(out, "missing pepper "+pepperID) {
			t.Fatalf("output of a node with a pepper of another id:\n%s\nwant it to name pepper %s", out, pepperID)
		}
	})
	t.Run("OKClusterPepper", func(t *testing.T) {
		n2 := c.start("node2")
		logOnFailure(t, n2)
		if r := keySession(t, n2, raw, c.lag).Call("auth.me"); r["error"] != nil {
			t.Fatalf("auth.me of a key session on a node with the cluster's pepper: %s", apptest.String(r))
		}
	})
}

// TestClusterItem7NodeName: a node with the node_name of a live node
// refuses to start and says so; with a name of its own it starts
// (cluster.md, acceptance 7).
func TestClusterItem7NodeName(t *testing.T) {
	t.Parallel()
	c := newCluster(t, 2*time.Second)
	n1 := c.start("node1")
	logOnFailure(t, n1)
	want := "node_name: node1: " + keyward.ErrNodeNameTaken.Error()
	if out := c.startErr("node1", c.pepper); !strings.Contains(out, want) {
		t.Fatalf("output of a second node named node1:\n%s\nwant it to say %q", out, want)
	}
	if code, body := get(n1.url("/readyz")); code != http.StatusOK {
		t.Fatalf("the live node1 after its namesake was refused: /readyz %d %q", code, body)
	}
	c.start("node2")
}
