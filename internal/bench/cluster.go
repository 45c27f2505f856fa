package bench

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// The cluster cases (cluster.md 7): two server processes on one
// PostgreSQL database, with the same pepper and distinct node names. A
// change made on node A reaches node B through the database's change log
// (LISTEN/NOTIFY), and A's writer answers once every live node applied it.

// clusterCases names the cases that need a second node, in report order.
var clusterCases = []string{"cluster-revoke", "cluster-event", "cluster-login"}

// runCluster starts node B beside the back end's node A and runs the
// cluster cases: revocation and an event across nodes, and the login rate
// of two nodes next to that of one.
func runCluster(ctx context.Context, o Options, pg *backend) error {
	wanted := false
	for _, name := range clusterCases {
		wanted = wanted || o.runs(name)
	}
	if !wanted {
		return nil
	}
	step("cluster: starting node B")
	b, err := pg.startNode(ctx, "b")
	if err != nil {
		return fmt.Errorf("cluster: node B: %w", err)
	}
	defer b.stop()
	a := pg.srv
	// 200 rounds: with fewer, the p99 the targets name is just the
	// slowest round (one PostgreSQL checkpoint during a commit).
	cases := map[string]func() (*Case, error){
		"cluster-revoke": func() (*Case, error) { return revokeCase(ctx, a, b, "cluster-revoke", rounds(o, 200)) },
		// One subscriber: the figure is the time across nodes, not a fan-out.
		"cluster-event": func() (*Case, error) {
			return eventsCase(ctx, a, b, "cluster-renamed", pg.raws, 1, rounds(o, 200))
		},
		"cluster-login": func() (*Case, error) { return twoNodesCase(ctx, a, b, pg.raws, o.LoginWorkers, o.Duration) },
	}
	for _, name := range clusterCases {
		if !o.runs(name) {
			continue
		}
		step(name)
		c, err := cases[name]()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		c.Nodes = 2
		if name == "cluster-event" {
			c.Note = "one subscriber on node B, key renamed on node A"
		}
		pg.cases[name] = c
	}
	return nil
}

// twoNodesCase measures key logins per second spread over nodes A and B
// next to the same load on node A alone, alternating. The client workers
// are the same in both: only the number of server processes changes.
func twoNodesCase(ctx context.Context, a, b *server, raws []string, workers int, d time.Duration) (*Case, error) {
	rates, lats, err := interleave(d, func(d time.Duration) (float64, *latencies, error) {
		return loginRate(ctx, []*server{a, b}, raws, workers, d)
	}, func(d time.Duration) (float64, *latencies, error) {
		return loginRate(ctx, []*server{a}, raws, workers, d)
	})
	if err != nil {
		return nil, err
	}
	return &Case{Value: rates[0], Unit: "1/s", Baseline: rates[1], Ratio: rates[0] / rates[1],
		P50ms: lats[0].percentile(50), P99ms: lats[0].percentile(99),
		Note: fmt.Sprintf("baseline: node A alone, same %d workers; both nodes and the load share %d CPUs", workers, runtime.NumCPU())}, nil
}
