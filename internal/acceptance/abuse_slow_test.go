package acceptance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/rpc"
)

// eventLog is what a reading subscriber received: when each changed event
// arrived, and how many there were per key.
type eventLog struct {
	mu      sync.Mutex
	arrived []time.Time
	perKey  map[int64]int
}

func (l *eventLog) add(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.arrived = append(l.arrived, time.Now())
	l.perKey[id]++
}

// waitFor waits until n events arrived or the deadline passes and returns
// when the n-th arrived.
func (l *eventLog) waitFor(n int, deadline time.Time) (time.Time, bool) {
	for {
		l.mu.Lock()
		have := len(l.arrived)
		var at time.Time
		if have >= n {
			at = l.arrived[n-1]
		}
		l.mu.Unlock()
		if have >= n {
			return at, true
		}
		if time.Now().After(deadline) {
			return time.Time{}, false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSlowSubscriberDropped floods two subscribers that stop reading
// (protocol.md 2): once more than 4 MiB wait in a connection's outgoing
// queue the server closes it with 1008 "Client too slow" (seen by the one
// that reads again), and lets go of the one that never reads again; another
// subscriber receives every event promptly meanwhile and another client's
// calls keep their latency. Each rename of a user with many keys sends one changed event
// per key: cheap volume to fill the kernel's socket buffers (megabytes on
// loopback) and then the queue.
func TestSlowSubscriberDropped(t *testing.T) {
	t.Parallel()
	// Waiting on the slow clients would cost 5 s (the close handshake's
	// timeout) or 10 s (the write timeout): prompt is well below both.
	const keys, prompt = 100, 3 * time.Second
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	uid := apptest.MustUserWithRoles(t, admin, "owner", "pw-owner", "READONLY_ADMIN")
	for i := range keys {
		admin.MustResult("api_key.create", map[string]any{"name": fmt.Sprintf("%s%03d", strings.Repeat("k", 197), i), "username": "owner"})
	}
	subscriber := func() *apptest.Client {
		c := apptest.MustDial(t, srv.WSURL("current"))
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		c.MustResult("core.subscribe", "api_key.query")
		return c
	}
	slow, good := subscriber(), subscriber()
	subscriber() // mute: never reads
	caller := apptest.MustDial(t, srv.WSURL("current"))
	caller.MustLogin(apptest.AdminUser, apptest.AdminPassword)

	got := &eventLog{perKey: map[int64]int{}}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() { readChanges(good.Conn(), got) })
	var slowest time.Duration
	var callErr error
	wg.Go(func() { slowest, callErr = callLatency(caller.Conn(), done) })
	stop := sync.OnceFunc(func() { close(done); _ = good.Conn().CloseNow(); wg.Wait() })
	defer stop()

	renamed := floodUntilDropped(t, srv, admin, uid)
	dropped := time.Now()
	// The slow client takes its messages at last: the ones its socket held,
	// then the close frame. The mute one cannot be sent its close frame:
	// the server drops it when the close handshake times out (5 s).
	slow.ExpectClose(websocket.StatusPolicyViolation, "Client too slow")
	waitConnections(t, srv, 3, 3*apptest.Timeout/2)
	released := time.Since(dropped)

	lag := checkAllEvents(t, got, renamed, keys)
	stop()
	if callErr != nil || slowest > prompt || lag > prompt {
		t.Fatalf("during the flood another client's slowest call took %v (error %v); the other subscriber's "+
			"worst lag from a rename's answer to its last event was %v; want both under %v", slowest, callErr, lag, prompt)
	}
	t.Logf("%d renames of %d events; mute client released %v after the drop; other subscriber's worst lag %v; "+
		"slowest call of another client %v", len(renamed), keys, released.Round(time.Millisecond), lag, slowest)
}

var queuedRE = regexp.MustCompile(`msg="client too slow" conn=\S+ queued_bytes=(\d+)`)

// floodUntilDropped renames the user until the server has dropped the two
// clients that do not read as too slow and returns when each rename
// answered. Exactly those two must be dropped, with their queues full.
func floodUntilDropped(t *testing.T, srv *apptest.Server, admin *apptest.Client, uid int64) []time.Time {
	t.Helper()
	var renamed []time.Time
	for i := 0; len(queuedRE.FindAllString(srv.Logs(), -1)) < 2; i++ {
		if i == 400 {
			t.Fatalf("%d renames and the subscriber that never reads is still served", i)
		}
		admin.MustResult("user.update", uid, map[string]any{"username": fmt.Sprintf("owner-%026d", i)})
		renamed = append(renamed, time.Now())
	}
	m := queuedRE.FindAllStringSubmatch(srv.Logs(), -1)
	for _, drop := range m {
		if queued, _ := strconv.Atoi(drop[1]); len(m) != 2 || queued < rpc.MaxQueuedBytes-4096 {
			t.Fatalf("want two clients dropped with their %d-byte queues full, got %q", rpc.MaxQueuedBytes, m)
		}
	}
	return renamed
}

// waitConnections waits until the server has n connections.
func waitConnections(t *testing.T, srv *apptest.Server, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for srv.Connections() != n {
		if time.Now().After(deadline) {
			t.Fatalf("server has %d connections, want %d", srv.Connections(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkAllEvents checks that the reading subscriber got every event of
// every rename, and returns the longest time from a rename's answer to its
// last event. Events reach a subscriber in the order they were published,
// so the (i+1)*keys-th is the last of rename i (their fields show the
// owner's name at delivery, which cannot tell the renames apart).
func checkAllEvents(t *testing.T, got *eventLog, renamed []time.Time, keys int) time.Duration {
	t.Helper()
	deadline := time.Now().Add(apptest.Timeout)
	var lag time.Duration
	for i, at := range renamed {
		last, ok := got.waitFor((i+1)*keys, deadline)
		if !ok {
			t.Fatalf("other subscriber did not get the %d events of rename %d", keys, i)
		}
		lag = max(lag, last.Sub(at))
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	if len(got.arrived) != len(renamed)*keys || len(got.perKey) != keys {
		t.Fatalf("other subscriber got %d events for %d keys, want %d for %d", len(got.arrived), len(got.perKey), len(renamed)*keys, keys)
	}
	for id, n := range got.perKey {
		if n != len(renamed) {
			t.Fatalf("other subscriber got %d events for key %d, want %d", n, id, len(renamed))
		}
	}
	return lag
}

// readChanges records the changed events c receives until its connection
// ends.
func readChanges(c *websocket.Conn, got *eventLog) {
	for {
		_, data, err := c.Read(context.Background())
		if err != nil {
			return
		}
		var m struct {
			Params struct {
				Msg string
				ID  int64
			}
		}
		if json.Unmarshal(data, &m) == nil && m.Params.Msg == "changed" {
			got.add(m.Params.ID)
		}
	}
}

// callLatency calls a method on c until done and returns the longest time
// a call took.
func callLatency(c *websocket.Conn, done <-chan struct{}) (time.Duration, error) {
	var slowest time.Duration
	req := []byte(`{"jsonrpc":"2.0","id":1,"method":"api_key.query","params":[[],{"count":true}]}`)
	for {
		select {
		case <-done:
			return slowest, nil
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), apptest.Timeout)
		start := time.Now()
		err := c.Write(ctx, websocket.MessageText, req)
		var data []byte
		if err == nil {
			_, data, err = c.Read(ctx)
		}
		cancel()
		if err != nil {
			return slowest, err
		}
		if string(data) != `{"jsonrpc":"2.0","result":100,"id":1}` {
			return slowest, fmt.Errorf("api_key.query count: %s", data)
		}
		slowest = max(slowest, time.Since(start))
	}
}
