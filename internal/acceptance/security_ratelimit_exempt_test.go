package acceptance_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestSecurityItem8BudgetEdges: auth.login_ex_continue draws on the login
// budget too; an IPv4 client written IPv4-mapped counts as itself; other
// no-auth methods stay unlimited on a logged-in connection; and with the
// default rate_limit_exempt, loopback clients are never limited, also for
// logins on a logged-in connection.
func TestSecurityItem8BudgetEdges(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, limitLogins, trustLoopbackProxy)
	srv.MustSetupAdmin(t)
	from := func(client string) *apptest.Client {
		return apptest.MustDialHeader(t, srv.WSURL("current"), http.Header{"X-Forwarded-For": {client}})
	}
	c := from("192.0.2.7")
	for i := range 20 {
		r := c.Call("auth.login_ex_continue", map[string]any{"mechanism": "OTP_TOKEN", "otp_token": "000000"})
		if limited(r) {
			t.Fatalf("auth.login_ex_continue %d refused early", i+1)
		}
	}
	if r := from("::ffff:192.0.2.7").Call("auth.login", apptest.AdminUser, "wrong"); !limited(r) {
		t.Fatalf("auth.login from the IPv4-mapped form after 20 auth.login_ex_continue: %s", apptest.String(r))
	}
	if r := from("192.0.2.8").Call("auth.login", apptest.AdminUser, "wrong"); limited(r) {
		t.Fatalf("another address: %s", apptest.String(r))
	}

	loggedIn := from("192.0.2.9")
	loggedIn.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	for i := range 25 {
		if r := loggedIn.Call("auth.mechanism_choices"); r["error"] != nil {
			t.Fatalf("auth.mechanism_choices %d on a logged-in connection: %s", i+1, apptest.String(r))
		}
	}

	t.Run("OKLoopbackExemptByDefault", func(t *testing.T) {
		def := apptest.MustStart(t, func(c *config.Config) {
			c.RateLimitCalls, c.RateLimitWindow, c.RateLimitDelay = 20, time.Hour, config.Range{}
		})
		admin := def.MustSetupAdmin(t)
		for i := range 30 {
			if r := admin.Call("auth.login_ex", passwordLogin("wrong")); limited(r) {
				t.Fatalf("loopback login %d on a logged-in connection refused", i+1)
			}
		}
	})
}
