package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/keyward/keyward/internal/client"
)

// The cases that measure how fast a change reaches connections: a
// revoked key's session and login refused, a key's event at every
// subscriber.

// warmRounds are revocation rounds run before the measured ones and not
// counted: the first uses of the servers' connections and statements
// after a start (with KEYWARD_BENCH_TRACE they are printed too).
const warmRounds = 3

// revokeCase deletes a key on node writer while the key's session is open
// on node holder (the same node, or another node of a cluster), and
// measures how long until that session's next call is refused, and until a
// new login on holder fails. Keys are named prefix-<round>.
func revokeCase(ctx context.Context, writer, holder *server, prefix string, rounds int) (*Case, error) {
	admin, err := dialAdmin(ctx, writer)
	if err != nil {
		return nil, err
	}
	defer admin.close()
	sess, login := &latencies{}, &latencies{}
	for i := range warmRounds + rounds {
		s, l, err := revokeOnce(ctx, holder, admin, fmt.Sprintf("%s-%d", prefix, i))
		if err != nil {
			return nil, err
		}
		if i >= warmRounds {
			sess.add(s)
			login.add(l)
		}
	}
	return &Case{Value: sess.percentile(50), Unit: "ms", P99ms: sess.percentile(99), LoginMs: login.percentile(50)}, nil
}

func revokeOnce(ctx context.Context, srv *server, admin *conn, name string) (time.Duration, time.Duration, error) {
	r, err := admin.call(ctx, "api_key.create", map[string]any{"name": name, "username": adminUser})
	if err != nil || r.Error != nil {
		return 0, 0, fmt.Errorf("create key to revoke: %v", err)
	}
	var k struct {
		ID  int64  `json:"id"`
		Key string `json:"key"`
	}
	_ = json.Unmarshal(r.Result, &k)
	s, err := dial(ctx, srv.ws("current"))
	if err != nil {
		return 0, 0, err
	}
	defer s.close()
	if rt, err := s.keyLogin(ctx, k.Key); err != nil || rt != "SUCCESS" {
		return 0, 0, fmt.Errorf("login with the key: %v %s", err, rt)
	}
	done := make(chan error, 1)
	start := time.Now()
	var answered time.Duration
	go func() {
		_, err := admin.call(ctx, "api_key.delete", k.ID)
		answered = time.Since(start)
		done <- err
	}()
	calls := 0
	for {
		r, err := s.call(ctx, "auth.me")
		if err != nil {
			return 0, 0, err
		}
		calls++
		if r.Error != nil && r.Error.Errno() == 207 {
			break
		}
	}
	refused := time.Since(start)
	if err := <-done; err != nil {
		return 0, 0, err
	}
	traceRound(name, start, refused, answered, calls)
	n, err := dial(ctx, srv.ws("current"))
	if err != nil {
		return 0, 0, err
	}
	defer n.close()
	if rt, err := n.keyLogin(ctx, k.Key); err != nil || rt != "AUTH_ERR" {
		return 0, 0, fmt.Errorf("login with a deleted key: %v %s", err, rt)
	}
	return refused, time.Since(start), nil
}

// traceRound prints a slow revocation round to stderr when
// KEYWARD_BENCH_TRACE is set: when it began, how long until the session
// was refused and until the delete was answered, and how many calls the
// session made meanwhile (for finding where a tail comes from).
func traceRound(name string, start time.Time, refused, answered time.Duration, calls int) {
	if os.Getenv("KEYWARD_BENCH_TRACE") == "" || refused < 20*time.Millisecond {
		return
	}
	fmt.Fprintf(os.Stderr, "\ntrace %s: began %s, refused after %s, delete answered after %s, %d calls\n",
		name, start.Format("15:04:05.000"), refused.Round(time.Microsecond), answered.Round(time.Microsecond), calls)
}

// eventsCase subscribes n connections on node subsOn to api_key.query,
// changes one key on node writer (the same node, or another node of a
// cluster), and measures until the last subscriber has the event. The key
// is renamed prefix-<round>.
func eventsCase(ctx context.Context, writer, subsOn *server, prefix string, raws []string, n, rounds int) (*Case, error) {
	subs := make([]*conn, n)
	for i := range subs {
		c, err := dial(ctx, subsOn.ws("current"))
		if err != nil {
			return nil, err
		}
		defer c.close()
		if rt, err := c.keyLogin(ctx, raws[i%len(raws)]); err != nil || rt != "SUCCESS" {
			return nil, fmt.Errorf("subscriber login: %v %s", err, rt)
		}
		if r, err := c.call(ctx, "core.subscribe", "api_key.query"); err != nil || r.Error != nil {
			return nil, fmt.Errorf("subscribe: %v", err)
		}
		subs[i] = c
		progress("events", i+1, n)
	}
	admin, err := dialAdmin(ctx, writer)
	if err != nil {
		return nil, err
	}
	defer admin.close()
	lat := &latencies{}
	for round := range rounds {
		d, err := fanOut(ctx, admin, subs, fmt.Sprintf("%s-%d", prefix, round))
		if err != nil {
			return nil, err
		}
		lat.add(d)
	}
	return &Case{Value: lat.percentile(50), Unit: "ms", P99ms: lat.percentile(99), Subscribers: n}, nil
}

// fanOut renames key 1 to name and waits for every subscriber's notification.
func fanOut(ctx context.Context, admin *conn, subs []*conn, name string) (time.Duration, error) {
	var wg sync.WaitGroup
	errs := make(chan error, len(subs))
	start := time.Now()
	var mu sync.Mutex
	var last time.Time
	for _, s := range subs {
		wg.Go(func() {
			for {
				data, err := s.Read(ctx)
				if err != nil {
					errs <- err
					return
				}
				var r client.Response
				if json.Unmarshal(data, &r) == nil && r.Method == "collection_update" {
					mu.Lock()
					if t := time.Now(); t.After(last) {
						last = t
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	if r, err := admin.call(ctx, "api_key.update", 1, map[string]any{"name": name}); err != nil || r.Error != nil {
		return 0, fmt.Errorf("update for the event: %v", err)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return last.Sub(start), nil
}
