package acceptance_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// burstCall is message i (1-based) of a burst of 100 calls on one
// connection: a failed login that holds the connection's login line for
// the failure delay, 19 logins that wait behind it, then 80 calls over the
// limit, every tenth of them a notification.
func burstCall(i int) (text string, notification bool) {
	method, params := "core.ping", []any{}
	switch {
	case i == 1:
		method, params = "auth.login_ex", []any{passwordLogin("wrong-password")}
	case i <= 20 || i%2 == 0:
		method, params = "auth.login_ex", []any{passwordLogin(apptest.AdminPassword)}
	}
	req := map[string]any{"jsonrpc": "2.0", "method": method, "params": params}
	notification = i > 20 && i%10 == 0
	if !notification {
		req["id"] = i
	}
	b, _ := json.Marshal(req)
	return string(b), notification
}

func passwordLogin(password string) map[string]any {
	return map[string]any{"mechanism": "PASSWORD_PLAIN", "username": apptest.AdminUser, "password": password}
}

// TestInFlightLimitUnderLoad sends 100 calls at once on each of several
// connections (protocol.md 13.2): on each, exactly the calls that arrive
// while 20 are in flight are refused with -32000 before anything else is
// answered (notifications silently), the 20 admitted ones are answered
// normally, a connection refused logins can still log in, and another
// connection's 20 calls at once all run meanwhile.
func TestInFlightLimitUnderLoad(t *testing.T) {
	t.Parallel()
	const failDelay = 1500 * time.Millisecond
	srv := apptest.MustStart(t, func(c *config.Config) { c.LoginFailDelay = config.Range{Min: failDelay, Max: failDelay} })
	srv.MustSetupAdmin(t)
	busy := make([]*apptest.Client, 4)
	for i := range busy {
		busy[i] = apptest.MustDial(t, srv.WSURL("current"))
	}
	calm := apptest.MustDial(t, srv.WSURL("current"))
	calm.MustLogin(apptest.AdminUser, apptest.AdminPassword)

	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range busy {
		wg.Go(func() {
			for i := 1; i <= 100; i++ {
				text, _ := burstCall(i)
				c.Send(text)
			}
		})
	}
	wg.Wait()
	// A calm connection runs 20 calls at once while the busy ones wait on
	// their failed logins: the limit is per connection.
	for i := 1; i <= 20; i++ {
		calm.Send(`{"jsonrpc":"2.0","id":` + itoa(i) + `,"method":"core.ping"}`)
	}
	for range 20 {
		if r := calm.Read(); r["result"] != "pong" {
			t.Fatalf("calm connection: %s", apptest.String(r))
		}
	}
	if d := time.Since(start); d >= failDelay {
		t.Fatalf("calm connection answered after %v, not before the busy ones' %v failure delay", d, failDelay)
	}
	// Each connection's answers are in its stream in the order sent, so
	// reading them one connection after another loses nothing.
	for n, c := range busy {
		checkBurst(t, n, c, start, failDelay)
	}
}

// checkBurst reads one connection's answers to its burst: the refusals
// first, in order, then the admitted calls in order; then it checks that
// nothing else was sent and that the connection is logged in.
func checkBurst(t *testing.T, n int, c *apptest.Client, start time.Time, failDelay time.Duration) {
	t.Helper()
	const tooMany = `{"code":-32000,"message":"Maximum number of concurrent calls (20) has exceeded"}`
	for i := 21; i <= 100; i++ {
		if _, notification := burstCall(i); notification {
			continue
		}
		r := c.Read()
		if r["id"] != apptest.Number(int64(i)) || apptest.String(r["error"]) != tooMany {
			t.Fatalf("connection %d, call %d: want -32000 at once, got %s", n, i, apptest.String(r))
		}
	}
	for i := 1; i <= 20; i++ {
		r := c.Read()
		want := "SUCCESS"
		if i == 1 {
			want = "AUTH_ERR"
			if d := time.Since(start); d < failDelay {
				t.Fatalf("connection %d: failed login answered after %v, before its %v delay", n, d, failDelay)
			}
		}
		res, _ := r["result"].(map[string]any)
		if r["id"] != apptest.Number(int64(i)) || res["response_type"] != want {
			t.Fatalf("connection %d, call %d: want %s, got %s", n, i, want, apptest.String(r))
		}
	}
	// The next message answers the next call: nothing was sent for the
	// refused notifications, and a login still works after refused ones.
	c.Send(`{"jsonrpc":"2.0","id":"probe","method":"core.ping"}`)
	if r := c.Read(); r["id"] != "probe" || r["result"] != "pong" {
		t.Fatalf("connection %d: extra message %s", n, apptest.String(r))
	}
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
}
