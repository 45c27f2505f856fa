package rpc_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/rpc"
)

// blockCall is the text of a test.block call whose id is its n.
func blockCall(n int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"test.block","params":[%d]}`, n, n)
}

// fill sends MaxCallsInFlight blocking calls and waits until
// MaxCallsRunning of them run.
func (f *fixture) fill(c *conn) {
	c.t.Helper()
	for n := 1; n <= rpc.MaxCallsInFlight; n++ {
		c.send(blockCall(n))
	}
	for range rpc.MaxCallsRunning {
		recv(c.t, f.started, "a blocked call starting")
	}
}

// TestCallsInFlight (protocol.md 13.2): ten calls of a connection run at
// once, the rest wait in arrival order, and a call arriving while twenty
// are in flight is answered at once with -32000 (a notification is
// dropped silently).
func TestCallsInFlight(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	f.fill(c)
	c.send(`{"jsonrpc":"2.0","id":"over","method":"test.ping"}`)
	tooMany := protoErr(rpc.CodeTooManyCalls, "Maximum number of concurrent calls (20) has exceeded", `"over"`)
	if got := c.next(); got != tooMany {
		t.Fatalf("got %s, want %s", got, tooMany)
	}
	c.send(`{"jsonrpc":"2.0","method":"test.ping"}`)
	c.send(`{"jsonrpc":"2.0","id":"over","method":"test.ping"}`)
	if got := c.next(); got != tooMany {
		t.Fatalf("after a notification over the limit got %s, want %s", got, tooMany)
	}
	// The reader has handled every message: had an eleventh call started,
	// it would have said so by now.
	select {
	case n := <-f.started:
		t.Fatalf("call %d started while ten ran", n)
	default:
	}
	var order, answered []int64
	for i := range rpc.MaxCallsInFlight {
		f.gate <- struct{}{} // one running call ends...
		answered = append(answered, blockAnswer(c))
		if i < rpc.MaxCallsInFlight-rpc.MaxCallsRunning {
			order = append(order, recv(t, f.started, "a waiting call starting")) // ...and the next waiting one starts
		}
	}
	slices.Sort(answered)
	if len(slices.Compact(answered)) != rpc.MaxCallsInFlight {
		t.Fatalf("answered %v, want each of the twenty calls once", answered)
	}
	if got := c.result("test.ping"); got != "pong" {
		t.Fatalf("after the calls ended: %v", got)
	}
	if want := []int64{11, 12, 13, 14, 15, 16, 17, 18, 19, 20}; !slices.Equal(order, want) {
		t.Fatalf("waiting calls started in the order %v, want %v", order, want)
	}
}

// blockAnswer reads the answer of a test.block call and returns its n.
func blockAnswer(c *conn) int64 {
	c.t.Helper()
	r := c.nextMsg()
	var n int64
	if r.Error != nil || json.Unmarshal(r.Result, &n) != nil || string(r.ID) != fmt.Sprint(n) {
		c.t.Fatalf("want the answer of a test.block call, got %s", r.Raw)
	}
	return n
}

// TestCallsCancelledWithConnection: calls still running when their
// connection ends are cancelled.
func TestCallsCancelledWithConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	c.send(blockCall(7))
	recv(t, f.started, "the call starting")
	_ = c.CloseNow()
	if n := recv(t, f.cancelled, "the call's cancellation"); n != 7 {
		t.Fatalf("cancelled call %d", n)
	}
}

// TestLoginLine (protocol.md 13.2): the login calls of a connection run
// one at a time in arrival order while other calls go on; a login refused
// by the in-flight limit does not hold up later ones.
func TestLoginLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{})
	c := f.dial(t)
	users := []string{"ann", "ben", "cat"}
	for i, u := range users {
		c.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"test.login","params":[%q,true]}`, i+1, u))
	}
	for i, u := range users {
		if got := recv(t, f.logins.entered, "a login starting"); got != u {
			t.Fatalf("login %s started before %s", got, u)
		}
		if i == 0 {
			// Other calls are not held up by the line.
			if got := c.result("test.echo", "meanwhile"); got != "meanwhile" {
				t.Fatalf("test.echo: %v", got)
			}
		}
		f.gate <- struct{}{}
		if r := c.nextMsg(); string(r.ID) != fmt.Sprint(i+1) || string(r.Result) != "true" {
			t.Fatalf("want login %d to succeed, got %s", i+1, r.Raw)
		}
	}
	if n := f.logins.most(); n != 1 {
		t.Fatalf("%d logins ran at once", n)
	}
	// Each login replaced the session before it.
	if got := c.result("test.whoami").(map[string]any)["username"]; got != "cat" {
		t.Fatalf("logged in as %v, want cat", got)
	}

	f.fill(c)
	c.send(`{"jsonrpc":"2.0","id":"refused","method":"test.login","params":["dan"]}`)
	if r := c.nextMsg(); r.Error == nil || r.Error.Code != rpc.CodeTooManyCalls {
		t.Fatalf("login over the limit: %s", r.Raw)
	}
	for range rpc.MaxCallsInFlight {
		f.gate <- struct{}{}
		blockAnswer(c)
	}
	c.login("eve")
}

// TestRateLimitOfServer (protocol.md 13.3): calls of no-auth methods on a
// connection not logged in count per method and client address, login
// calls share one budget on any connection, calls needing a login made
// without one have a budget too, and NoRateLimit methods have none.
func TestRateLimitOfServer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{RateLimit: rpc.NewRateLimiter(rpc.RateLimitConfig{Calls: 1, Window: time.Hour})})
	c, other := f.dial(t), f.dial(t)
	busy := func(r *client.Response) {
		t.Helper()
		wantCallError(t, r, keyward.EBUSY, "[EBUSY] Rate Limit Exceeded")
	}
	if got := c.result("test.ping"); got != "pong" {
		t.Fatalf("first test.ping: %v", got)
	}
	busy(c.call("test.ping"))
	busy(other.call("test.ping")) // the same address
	if got := c.result("test.echo", 1); got != 1.0 {
		t.Fatalf("test.echo has its own budget: %v", got)
	}
	for range 3 {
		if got := c.result("test.free"); got != "free" {
			t.Fatalf("test.free: %v", got)
		}
	}
	wantCallError(t, c.call("test.whoami"), keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
	busy(c.call("test.keys"))

	c.login("alice")
	if got := c.result("test.ping"); got != "pong" {
		t.Fatalf("logged in, test.ping is not limited: %v", got)
	}
	busy(c.call("test.login", "bob"))
	busy(other.call("test.login", "bob"))
	if got := c.result("test.whoami").(map[string]any)["username"]; got != "alice" {
		t.Fatalf("a refused login changed the session: %v", got)
	}
	if n := f.obs.limited.Load(); n != 5 {
		t.Fatalf("observer counted %d refusals, want 5", n)
	}
}
