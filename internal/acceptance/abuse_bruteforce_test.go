package acceptance_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

func keyLogin(key string) map[string]any {
	return map[string]any{"mechanism": "API_KEY_PLAIN", "username": apptest.AdminUser, "api_key": key}
}

// TestBruteForceThrottled guesses passwords and API keys from 127.0.0.2
// with loopback not exempt (protocol.md 13.3): after 20 guesses in the
// window, by any mix of login methods (they share one budget), further
// login calls wait the delay and fail with EBUSY
// and the method does not run, so even the right secret is refused, on
// fresh connections from that address too. Meanwhile 127.0.0.3 logs in
// without waiting for any of it.
func TestBruteForceThrottled(t *testing.T) {
	t.Parallel()
	const delay = 2 * time.Second
	srv := apptest.MustStart(t, func(c *config.Config) {
		c.RateLimitCalls, c.RateLimitWindow = 20, time.Hour
		c.RateLimitDelay, c.RateLimitExempt = config.Range{Min: delay, Max: delay}, nil
	})
	admin := srv.MustSetupAdmin(t)
	_, key := apptest.MustCreateKey(t, admin, "ci", apptest.AdminUser)
	url := srv.WSURL("current")

	// auth.login_ex counts wrong passwords and wrong keys alike.
	guesser := apptest.MustDialFrom(t, url, "127.0.0.2")
	for i := range 10 {
		params := passwordLogin("wrong-" + itoa(i))
		if i%2 == 1 {
			params = keyLogin(apptest.WrongSecret(key))
		}
		if r := guesser.MustResult("auth.login_ex", params).(map[string]any); r["response_type"] != "AUTH_ERR" {
			t.Fatalf("guess %d: %s", i+1, apptest.String(r))
		}
	}
	// auth.login_with_api_key counts in the same budget.
	keyGuesser := apptest.MustDialFrom(t, url, "127.0.0.2")
	for i := range 10 {
		if r := keyGuesser.MustResult("auth.login_with_api_key", apptest.WrongSecret(key)); r != false {
			t.Fatalf("key guess %d: %v", i+1, r)
		}
	}

	// The right secrets now, on the guessing connections and on new ones
	// from the same address: reconnecting does not reset the count.
	throttled := []struct {
		c      *apptest.Client
		method string
		param  any
	}{
		{guesser, "auth.login_ex", passwordLogin(apptest.AdminPassword)},
		{apptest.MustDialFrom(t, url, "127.0.0.2"), "auth.login_ex", keyLogin(key)},
		{keyGuesser, "auth.login_with_api_key", key},
		{apptest.MustDialFrom(t, url, "127.0.0.2"), "auth.login_with_api_key", key},
	}
	sent := time.Now()
	for _, th := range throttled {
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": "right", "method": th.method, "params": []any{th.param}})
		th.c.Send(string(b))
	}
	// Other calls of a throttled connection are not delayed, nor are other
	// addresses: all answer before the throttled logins do.
	if r := guesser.Call("auth.me"); apptest.Errno(r) != 207 {
		t.Fatalf("auth.me on the throttled connection: %s", apptest.String(r))
	}
	bystander := apptest.MustDialFrom(t, url, "127.0.0.3")
	bystander.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	bystander.MustResult("api_key.query", []any{}, map[string]any{"count": true})
	d := time.Since(sent)
	if d >= delay {
		t.Fatalf("127.0.0.3 answered %v after the throttled calls were sent: it waited for them (delay %v)", d, delay)
	}
	t.Logf("127.0.0.3 logged in and queried %v after the throttled calls were sent (delay %v)", d, delay)
	for i, th := range throttled {
		r := th.c.Read()
		if r["id"] != "right" || apptest.Code(r) != -32001 || apptest.Errno(r) != 16 || apptest.Reason(r) != "[EBUSY] Rate Limit Exceeded" {
			t.Fatalf("right secret %d while throttled: %s", i, apptest.String(r))
		}
		if d := time.Since(sent); d < delay {
			t.Fatalf("right secret %d refused after %v, before the %v delay", i, d, delay)
		}
		if r := th.c.Call("auth.me"); apptest.Errno(r) != 207 {
			t.Fatalf("connection %d logged in while throttled: %s", i, apptest.String(r))
		}
	}
	// The refused calls did not run: 127.0.0.2 has exactly the 20 failed
	// guesses in the audit trail, and no success.
	count := func(filters ...any) any {
		return admin.MustResult("audit.query", map[string]any{"query-filters": filters, "query-options": map[string]any{"count": true}})
	}
	fromGuesser := []any{"address", "=", "127.0.0.2"}
	if n := count([]any{"event", "=", "AUTHENTICATION"}, fromGuesser); apptest.String(n) != "20" {
		t.Fatalf("login records from 127.0.0.2: %v, want the 20 guesses", n)
	}
	if n := count([]any{"event", "=", "AUTHENTICATION"}, fromGuesser, []any{"success", "=", true}); apptest.String(n) != "0" {
		t.Fatalf("successful logins from 127.0.0.2: %v", n)
	}
}
