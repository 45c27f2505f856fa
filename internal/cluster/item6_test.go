package cluster_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestClusterItem6KillUnderLoad: two writers on each of three nodes
// create, rename and delete keys; node 3 is killed with SIGKILL at a
// random moment. The writers on nodes 1 and 2 keep writing, and once they
// stop, every write any node acknowledged is there, seen from nodes 1 and
// 2 (cluster.md, acceptance 6).
func TestClusterItem6KillUnderLoad(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	c := newCluster(t, 2*time.Second)
	nodes := []*node{c.start("node1"), c.start("node2"), c.start("node3")}
	logOnFailure(t, nodes...)
	admin := setupAdmin(t, nodes[0])
	var ws []*writer
	for i := range 6 {
		w := newWriter(i, nodes[i/2].ws(), seed)
		w.once = i/2 == 2
		ws = append(ws, w)
	}
	halt := startWriters(ws)
	defer halt()

	// Kill node 3 at a random moment once its writers have had a write
	// acknowledged (a create costs a 50,000-iteration PBKDF2, slow under
	// -race: a fixed delay could end before any).
	start := time.Now()
	eventually(t, fewSeconds, "a write acknowledged on node3", func() bool { return ws[4].acks.Load()+ws[5].acks.Load() > 0 })
	time.Sleep(time.Duration(rand.New(rand.NewPCG(seed, 99)).IntN(501)) * time.Millisecond)
	delay := time.Since(start)
	nodes[2].Kill()
	killed := time.Now()
	for _, w := range ws[:4] {
		eventually(t, c.lag+fewSeconds, w.name+" writing after the kill", func() bool { return w.ackedSince(killed) })
	}
	time.Sleep(500 * time.Millisecond)
	halt()

	logins := []*apptest.Client{adminOn(t, nodes[0]), adminOn(t, nodes[1])}
	tl := verify(t, admin, logins, ws)
	t.Logf("killed node3 after %v: %d writes acknowledged (%d keys live, %d deleted), %d refused or unanswered",
		delay, tl.acked, tl.live, tl.deleted, tl.unsure)
	if killedAcks := ws[4].acks.Load() + ws[5].acks.Load(); killedAcks == 0 {
		t.Errorf("the writers on node3 had no write acknowledged before the kill")
	}
	noErrors(t, nodes[:2]...)
}
