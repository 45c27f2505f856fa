package acceptance_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// limitLogins sets a limit of 20 calls a minute, answered at once, with no
// address exempt.
func limitLogins(c *config.Config) {
	c.RateLimitCalls, c.RateLimitWindow, c.RateLimitDelay, c.RateLimitExempt = 20, time.Minute, config.Range{}, nil
}

// limited reports whether a call was refused by the rate limit.
func limited(r map[string]any) bool {
	return apptest.Errno(r) == 16 && apptest.Reason(r) == "[EBUSY] Rate Limit Exceeded"
}

// TestSecurityItem8LoginBudgetShared: every login method draws on one
// budget per address: 10 auth.login_ex and 10 auth.login guesses use it
// up, and auth.login_with_api_key and auth.login_with_token are refused.
// Other no-auth methods keep budgets of their own.
func TestSecurityItem8LoginBudgetShared(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, limitLogins)
	srv.MustSetupAdmin(t)
	c := apptest.MustDialFrom(t, srv.WSURL("current"), "127.0.0.2")
	for i := range 10 {
		if r := c.Call("auth.login_ex", passwordLogin("wrong-"+itoa(i))); limited(r) {
			t.Fatalf("auth.login_ex guess %d refused", i+1)
		}
		if r := c.Call("auth.login", "admin", "wrong-"+itoa(i)); limited(r) {
			t.Fatalf("auth.login guess %d refused", i+1)
		}
	}
	for _, m := range []struct {
		method string
		param  any
	}{{"auth.login_with_api_key", "1-" + itoa(0)}, {"auth.login_with_token", "nope"}, {"auth.login_ex", passwordLogin(apptest.AdminPassword)}} {
		if r := c.Call(m.method, m.param); !limited(r) {
			t.Errorf("%s after 20 guesses by other login methods: %s", m.method, apptest.String(r))
		}
	}
	if r := c.Call("auth.mechanism_choices"); r["error"] != nil {
		t.Errorf("a method that is not a login has a budget of its own: %s", apptest.String(r))
	}
}

// TestSecurityItem8IPv6Slash64: IPv6 clients count by their /64, so a host
// cannot get a fresh budget by changing the low bits of its address.
func TestSecurityItem8IPv6Slash64(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, limitLogins, trustLoopbackProxy)
	srv.MustSetupAdmin(t)
	dial := func(ip string) *apptest.Client {
		return apptest.MustDialHeader(t, srv.WSURL("current"), http.Header{"X-Forwarded-For": {ip}, "X-Forwarded-Proto": {"https"}})
	}
	for i := range 20 {
		if r := dial("2001:db8::"+itoa(i+1)).Call("auth.login_ex", passwordLogin("wrong")); limited(r) {
			t.Fatalf("guess %d from a new address of the /64 refused early", i+1)
		}
	}
	if r := dial("2001:db8::ffff:1").Call("auth.login_ex", passwordLogin("wrong")); !limited(r) {
		t.Errorf("21st guess from the same /64: %s", apptest.String(r))
	}
	if r := dial("2001:db8:0:1::1").Call("auth.login_ex", passwordLogin("wrong")); limited(r) {
		t.Errorf("another /64 shares the budget: %s", apptest.String(r))
	}
}

// TestSecurityItem8AuthenticatedPasswordLogins: password guesses made on
// a connection that is already logged in count against the same budget.
func TestSecurityItem8AuthenticatedPasswordLogins(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, limitLogins)
	srv.MustSetupAdmin(t)
	c := apptest.MustDialFrom(t, srv.WSURL("current"), "127.0.0.2")
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword) // the first of 20
	for i := range 19 {
		if r := c.Call("auth.login", "admin", "wrong-"+itoa(i)); limited(r) {
			t.Fatalf("guess %d on the logged-in connection refused early", i+1)
		}
	}
	if r := c.Call("auth.login_ex", passwordLogin("wrong")); !limited(r) {
		t.Fatalf("21st login call on a logged-in connection: %s", apptest.String(r))
	}
	if r := c.Call("auth.me"); r["error"] != nil {
		t.Fatalf("the refused login ended the session: %s", apptest.String(r))
	}
}
