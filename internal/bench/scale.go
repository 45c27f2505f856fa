package bench

import (
	"context"
	"fmt"
	"time"
)

// The cases that measure the server at size: a query over many keys and
// the memory of many idle sessions.

// queryCase times the keys screen's two calls with a name regex: the count,
// then a page of 50 newest first.
func queryCase(ctx context.Context, srv *server, nkeys, rounds int) (*Case, error) {
	c, err := dialAdmin(ctx, srv)
	if err != nil {
		return nil, err
	}
	defer c.close()
	filters := []any{[]any{"name", "~", "(?i)key-0001"}}
	count, page := &latencies{}, &latencies{}
	for i := range rounds {
		for _, q := range []struct {
			opts map[string]any
			lat  *latencies
		}{{map[string]any{"count": true}, count}, {map[string]any{"offset": 0, "limit": 50, "order_by": []any{"-created_at"}}, page}} {
			t := time.Now()
			r, err := c.call(ctx, "api_key.query", filters, q.opts)
			if err != nil || r.Error != nil {
				return nil, fmt.Errorf("query round %d: %v", i, err)
			}
			q.lat.add(time.Since(t))
		}
	}
	return &Case{Value: page.percentile(99), Unit: "ms", P50ms: page.percentile(50), CountP99ms: count.percentile(99), Keys: nkeys}, nil
}

// sessionsCase opens n idle sessions and reports the server's memory
// growth per session.
func sessionsCase(ctx context.Context, srv *server, raws []string, n int) (*Case, error) {
	before, err := srv.rssMiB()
	if err != nil {
		return nil, err
	}
	conns := make([]*conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}()
	for i := range n {
		c, err := dial(ctx, srv.ws("current"))
		if err != nil {
			return nil, fmt.Errorf("session %d: %w", i, err)
		}
		conns = append(conns, c)
		if rt, err := c.keyLogin(ctx, raws[i%len(raws)]); err != nil || rt != "SUCCESS" {
			return nil, fmt.Errorf("session %d login: %v %s", i, err, rt)
		}
		progress("sessions", i+1, n)
	}
	time.Sleep(time.Second) // let the server settle
	after, err := srv.rssMiB()
	if err != nil {
		return nil, err
	}
	return &Case{Value: (after - before) * 1024 / float64(n), Unit: "KiB", Sessions: n}, nil
}
