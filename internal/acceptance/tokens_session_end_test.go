package acceptance_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestTokenEndsWithItsSession: a session that logged in with a token
// (auth.login_with_token or auth.login_ex TOKEN_PLAIN) destroys that token
// when it ends, however it ends (accounts.md 12.1, as TrueNAS 25.10); a
// token of the same generating session that no ended session used keeps
// logging in.
func TestTokenEndsWithItsSession(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) { c.SessionIdleTimeout = 10 * time.Minute })
	maker := srv.MustSetupAdmin(t)
	dial := func() *apptest.Client { return apptest.MustDial(t, srv.WSURL("current")) }
	token := func() string { return maker.MustResult("auth.generate_token", 2592000).(string) }
	// open logs in with tok on a new connection, by either login method,
	// and returns the connection and its session id.
	open := func(t *testing.T, tok string, withLoginEx bool) (*apptest.Client, string) {
		t.Helper()
		c := dial()
		if withLoginEx {
			if got := tokenLogin(c, tok); got != "SUCCESS" {
				t.Fatalf("TOKEN_PLAIN login: %s", got)
			}
		} else if got := c.MustResult("auth.login_with_token", tok); got != true {
			t.Fatalf("auth.login_with_token: %v", got)
		}
		return c, sessionID(t, c)
	}
	ways := []struct {
		name string
		end  func(t *testing.T, c *apptest.Client, id string)
	}{
		{"Logout", func(t *testing.T, c *apptest.Client, _ string) { c.MustResult("auth.logout") }},
		{"Close", func(t *testing.T, c *apptest.Client, _ string) { _ = c.Conn().CloseNow() }},
		{"TerminateSession", func(t *testing.T, _ *apptest.Client, id string) {
			if maker.MustResult("auth.terminate_session", id) != true {
				t.Fatal("terminate_session")
			}
		}},
		{"ReplacedByLogin", func(t *testing.T, c *apptest.Client, _ string) {
			c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		}},
		{"IdleTimeout", func(t *testing.T, c *apptest.Client, _ string) {
			srv.Clock.Advance(6 * time.Minute)
			maker.MustResult("auth.me") // the making session stays active
			srv.Clock.Advance(6 * time.Minute)
			if apptest.Errno(c.Call("auth.me")) != 207 {
				t.Fatal("the token session survived its idle timeout")
			}
			maker.MustResult("auth.me")
		}},
	}
	for _, w := range ways {
		for _, loginEx := range []bool{false, true} {
			name := "Err" + w.name + "LoginWithToken"
			if loginEx {
				name = "Err" + w.name + "TokenPlain"
			}
			t.Run(name, func(t *testing.T) {
				tok, kept := token(), token()
				c, id := open(t, tok, loginEx)
				w.end(t, c, id)
				waitLogout(t, maker, id)
				if got := tokenLogin(dial(), tok); got != "AUTH_ERR" {
					t.Fatalf("the token of an ended session: %s", got)
				}
				if got := tokenLogin(dial(), kept); got != "SUCCESS" {
					t.Fatalf("another token of the same maker: %s", got)
				}
			})
		}
	}
	// Last: it ends every other session. The making session keeps the
	// tokens it made, except the one the ended session logged in with.
	t.Run("ErrTerminateOtherSessions", func(t *testing.T) {
		tok, kept := token(), token()
		_, id := open(t, tok, true)
		if maker.MustResult("auth.terminate_other_sessions") != true {
			t.Fatal("terminate_other_sessions")
		}
		waitLogout(t, maker, id)
		if got := tokenLogin(dial(), tok); got != "AUTH_ERR" {
			t.Fatalf("the token of a terminated session: %s", got)
		}
		if got := tokenLogin(dial(), kept); got != "SUCCESS" {
			t.Fatalf("a token the caller made: %s", got)
		}
	})
}
