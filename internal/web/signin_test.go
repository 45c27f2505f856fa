package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

func TestFirstRunSetup(t *testing.T) { // web-ui acceptance 1
	t.Parallel()
	srv := apptest.MustStart(t)
	u := MustOpenUI(t, srv)
	u.WaitText("page-title", "Welcome to Keyward")
	if v := Eval[string](u, q("input-setup-username")+".value"); v != "admin" {
		t.Fatalf("default username %q", v)
	}
	u.Type("input-setup-password", "first-password")
	u.Type("input-setup-confirm-password", "other-password")
	u.Wait("mismatch message", `document.body.innerText.includes("Passwords do not match")`)
	if !Eval[bool](u, q("button-create-account")+".disabled") {
		t.Fatal("Create Account enabled with mismatched passwords")
	}
	shot(t, u.ctx, "setup")
	do(t, u.ctx, clearInput("input-setup-confirm-password"))
	u.Type("input-setup-confirm-password", "first-password")
	u.Click("button-create-account")
	u.Visible("table-api-keys")
	if got := u.Text("page-title"); got != "User API Keys" {
		t.Fatalf("landed on %q", got)
	}
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.MustLogin("admin", "first-password")
}

func TestSignIn(t *testing.T) { // web-ui acceptance 2, 4, 6
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := MustOpenUI(t, srv)
	u.Wait("connected form", q("button-log-in")+" && !"+q("input-username")+".disabled")
	if got := u.Text("insecure-connection-warning"); got != "You are using an insecure connection. Switch to HTTPS for secure access." {
		t.Fatalf("warning %q", got)
	}
	u.Type("input-username", "admin")
	u.Type("input-password", "wrong")
	u.Click("button-log-in")
	u.Wait("error", q("signin-error")+".innerText === 'Wrong username or password. Please try again.'")
	if v := Eval[string](u, q("input-password")+".value"); v != "" {
		t.Fatal("password not cleared")
	}
	u.Wait("password focused", "document.activeElement === "+q("input-password"))
	u.SignIn("", apptest.AdminPassword) // the username is still typed
	u.WaitSent("auth.generate_token", `[300,{},true,true]`)
	u.Wait("token stored", "localStorage.getItem('keyward.token')")

	// A reload signs in again with the token, without the form.
	u.ClearSent()
	u.Go("/credentials/users/api-keys")
	u.Visible("table-api-keys")
	tokenLogins := 0
	for _, c := range u.Sent() {
		if c.Method == "auth.login_ex" && strings.Contains(jsonOf(c.Params), `"TOKEN_PLAIN"`) {
			tokenLogins++
		}
	}
	if tokenLogins != 1 {
		t.Fatalf("%d token logins after reload; sent %v", tokenLogins, u.Sent())
	}

	// The user menu, then Log Out.
	u.Click("button-user-menu")
	if got := u.Text("button-user-menu"); got != "admin" {
		t.Fatalf("menu trigger shows %q", got)
	}
	if href := Eval[string](u, q("link-my-api-keys")+".getAttribute('href')"); href != "/credentials/users/api-keys?userName=admin" {
		t.Fatalf("My API Keys href %q", href)
	}
	items := Eval[string](u, "[...document.querySelectorAll('.user-menu [role=menuitem]')].map(e => e.innerText).join('|')")
	if items != "My API Keys|Log Out" {
		t.Fatalf("menu items %q", items)
	}
	u.ClearSent()
	u.Click("button-log-out")
	u.Visible("button-log-in")
	u.WaitSent("auth.logout", `[]`)
	if Eval[bool](u, "localStorage.getItem('keyward.token') !== null") {
		t.Fatal("token kept after Log Out")
	}
}

func TestNoWebUIAccess(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "reader", "pw-reader", "API_KEY_READ")
	u := MustOpenUI(t, srv)
	u.Wait("connected form", q("button-log-in")+" && !"+q("input-username")+".disabled")
	u.Type("input-username", "reader")
	u.Type("input-password", "pw-reader")
	u.Click("button-log-in")
	u.Wait("refusal", q("signin-error")+".innerText === 'Your account does not have access to the web interface.'")
}

func TestSocketAndKeepalive(t *testing.T) { // web-ui acceptance 3
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := MustOpenUI(t, srv)
	u.Visible("button-log-in")
	if got := Eval[string](u, "window.__sockets.join(',')"); got != "ws://"+srv.Addr+"/api/current" {
		t.Fatalf("sockets opened before sign-in: %q", got)
	}
	u.SignIn("admin", apptest.AdminPassword)
	u.ClearSent()
	time.Sleep(21 * time.Second) // the keepalive period is 20 s
	if n := len(u.SentCalls("core.ping")); n < 1 {
		t.Fatalf("%d pings in 21 s", n)
	}
}
