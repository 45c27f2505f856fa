package acceptance_test

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

func TestFirstRunSetup(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	c := apptest.MustDial(t, srv.WSURL("current"))
	if got := c.MustResult("user.has_local_administrator_set_up"); got != false {
		t.Fatalf("fresh server: has admin = %v", got)
	}
	t.Run("OK", func(t *testing.T) {
		if got := c.MustResult("user.setup_local_administrator", "admin", "pw"); got != nil {
			t.Fatalf("setup result %v", got)
		}
		if got := c.MustResult("user.has_local_administrator_set_up"); got != true {
			t.Fatal("admin not set up")
		}
	})
	t.Run("ErrSecondSetup", func(t *testing.T) {
		r := c.Call("user.setup_local_administrator", "other", "pw")
		if apptest.Errno(r) != 17 || apptest.ErrorOf(r)["data"].(map[string]any)["reason"] != "[EEXIST] Local administrator is already set up" {
			t.Fatalf("second setup: %s", apptest.String(r))
		}
	})
	t.Run("DoesNotLogIn", func(t *testing.T) {
		if apptest.Errno(c.Call("auth.me")) != 207 {
			t.Fatal("setup logged the caller in")
		}
	})
	t.Run("OKAdminShape", func(t *testing.T) {
		info := c.MustLogin("admin", "pw")["user_info"].(map[string]any)
		if info["pw_uid"] != json.Number("950") || info["pw_gecos"] != "Local Administrator" {
			t.Fatalf("user_info %s", apptest.String(info))
		}
		if !slices.Contains(info["grouplist"].([]any), any(json.Number("544"))) {
			t.Fatalf("admin not in builtin_administrators: %v", info["grouplist"])
		}
	})
}

func TestConcurrentSetupOnlyOneWins(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	var wg sync.WaitGroup
	results := make([]map[string]any, 8)
	for i := range results {
		c := apptest.MustDial(t, srv.WSURL("current"))
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.Call("user.setup_local_administrator", "admin"+string(rune('a'+i)), "pw")
		}()
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		if r["error"] == nil {
			ok++
		} else if apptest.Errno(r) != 17 {
			t.Fatalf("unexpected error %s", apptest.String(r))
		}
	}
	if ok != 1 {
		t.Fatalf("%d setups succeeded, want exactly 1", ok)
	}
}

func TestPasswordLogin(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "reader", "pw-reader", "READONLY_ADMIN")
	locked := apptest.MustUserWithRoles(t, admin, "locked", "pw-locked", "READONLY_ADMIN")
	admin.MustResult("user.update", locked, map[string]any{"locked": true})
	noPw := apptest.MustUserWithRoles(t, admin, "nopw", "pw-nopw", "READONLY_ADMIN")
	admin.MustResult("user.update", noPw, map[string]any{"password_disabled": true})
	apptest.MustUserWithRoles(t, admin, "noroles", "pw-noroles")

	t.Run("OK", func(t *testing.T) {
		c := apptest.MustDial(t, srv.WSURL("current"))
		r := c.MustLogin("admin", apptest.AdminPassword)
		info := r["user_info"].(map[string]any)
		roles := info["privilege"].(map[string]any)["roles"].(map[string]any)["$set"].([]any)
		if r["authenticator"] != "LEVEL_1" || info["pw_name"] != "admin" || !slices.Contains(roles, any("FULL_ADMIN")) {
			t.Fatalf("login result %s", apptest.String(r))
		}
		allow := info["privilege"].(map[string]any)["allowlist"]
		if apptest.String(allow) != `[{"method":"*","resource":"*"}]` {
			t.Fatalf("allowlist %s", apptest.String(allow))
		}
	})
	t.Run("OKWithoutUserInfo", func(t *testing.T) {
		c := apptest.MustDial(t, srv.WSURL("current"))
		r, _ := c.MustResult("auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "reader",
			"password": "pw-reader", "login_options": map[string]any{"user_info": false}}).(map[string]any)
		if r["response_type"] != "SUCCESS" || r["user_info"] != nil {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	for _, tc := range []struct{ name, user, pass string }{
		{"ErrWrongPassword", "reader", "nope"}, {"ErrUnknownUser", "ghost", "pw"},
		{"ErrLocked", "locked", "pw-locked"}, {"ErrPasswordDisabled", "nopw", "pw-nopw"},
		{"ErrNoRoles", "noroles", "pw-noroles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := apptest.MustDial(t, srv.WSURL("current"))
			want := `{"response_type":"AUTH_ERR"}`
			if tc.name == "ErrNoRoles" {
				want = `{"response_type":"DENIED"}` // v26: the right password of an account without API access
				if r := apptest.MustDial(t, srv.WSURL("v25.10.0")).Login(tc.user, tc.pass); apptest.String(r) != `{"response_type":"AUTH_ERR"}` {
					t.Fatalf("v25.10.0: got %s", apptest.String(r))
				}
			}
			if r := c.Login(tc.user, tc.pass); apptest.String(r) != want {
				t.Fatalf("got %s, want %s", apptest.String(r), want)
			}
			if c.MustResult("auth.login", tc.user, tc.pass) != false {
				t.Fatal("auth.login returned true")
			}
		})
	}
	t.Run("OKBoolLogin", func(t *testing.T) {
		c := apptest.MustDial(t, srv.WSURL("v25.04.0"))
		if c.MustResult("auth.login", "reader", "pw-reader") != true {
			t.Fatal("auth.login failed")
		}
		if c.MustResult("core.ping") != "pong" {
			t.Fatal("v25.04.0 ping after login")
		}
	})
}

// TestLoginDataErrors: the login_data rules of v25.10.x (v26.0.0:
// TestV26LoginOptions).
func TestLoginDataErrors(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	c := apptest.MustDial(t, srv.WSURL("v25.10.0"))
	r := c.Call("auth.login_ex", map[string]any{"mechanism": "OTP_TOKEN", "otp_token": "1"})
	if apptest.Errno(r) != 22 || !strings.Contains(apptest.String(r), "[EINVAL] OTP_TOKEN: no authentication in progress") {
		t.Fatalf("OTP: %s", apptest.String(r))
	}
	r = c.Call("auth.login_ex", map[string]any{"mechanism": "SCRAM"})
	want := `[["login_data","Input tag 'SCRAM' found using 'mechanism' does not match any of the expected tags: ` +
		`\u003cAuthMech.API_KEY_PLAIN: 'API_KEY_PLAIN'\u003e, \u003cAuthMech.PASSWORD_PLAIN: 'PASSWORD_PLAIN'\u003e, ` +
		`\u003cAuthMech.TOKEN_PLAIN: 'TOKEN_PLAIN'\u003e, \u003cAuthMech.OTP_TOKEN: 'OTP_TOKEN'\u003e",22]]`
	if got := apptest.String(apptest.ErrorOf(r)["data"].(map[string]any)["extra"]); got != want {
		t.Fatalf("SCRAM: %s", got)
	}
	r = c.Call("auth.login_ex", map[string]any{"username": "a"})
	if got := apptest.String(apptest.ErrorOf(r)["data"].(map[string]any)["extra"]); got != `[["login_data.mechanism","Field required",22]]` {
		t.Fatalf("no mechanism: %s", got)
	}
	r = c.Call("auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "a", "password": "b",
		"login_options": map[string]any{"reconnect_token": "x"}})
	if got := apptest.String(apptest.ErrorOf(r)["data"].(map[string]any)["extra"]); got != `[["login_data.PASSWORD_PLAIN.login_options.reconnect_token","Extra inputs are not permitted",22]]` {
		t.Fatalf("reconnect_token: %s", got)
	}
	if got := apptest.String(c.MustResult("auth.mechanism_choices")); got != `["API_KEY_PLAIN","TOKEN_PLAIN","PASSWORD_PLAIN"]` {
		t.Fatalf("mechanism_choices %s", got)
	}
}
