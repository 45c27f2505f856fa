package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

func TestPermissions(t *testing.T) { // web-ui acceptance 14
	t.Parallel()
	srv := apptest.MustStart(t, trustProxy)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "ro", "pw-ro", "READONLY_ADMIN")
	theirs, _ := apptest.MustCreateKey(t, admin, "admins-key", "admin")
	ro := apptest.MustDial(t, srv.WSURL("current"))
	ro.MustLogin("ro", "pw-ro")
	mine, _ := apptest.MustCreateKey(t, ro, "ro-key", "ro")
	revoked, raw := apptest.MustCreateKey(t, ro, "ro-revoked", "ro")
	apptest.MustDialHeader(t, srv.WSURL("current"), insecureProxy).KeyLogin("ro", raw)

	u := MustOpenUI(t, srv)
	u.Wait("connected form", q("button-log-in")+" && !"+q("input-username")+".disabled")
	u.SignIn("ro", "pw-ro")
	u.Visible("row-api-key-" + itoa(theirs))
	for _, b := range []string{"button-edit-" + itoa(mine), "button-delete-" + itoa(mine)} {
		if Eval[bool](u, q(b)+".getAttribute('aria-disabled') === 'true'") {
			t.Fatalf("%s disabled on an own key", b)
		}
	}
	for _, b := range []string{"button-edit-" + itoa(theirs), "button-delete-" + itoa(theirs)} {
		if Eval[string](u, q(b)+".getAttribute('aria-disabled')") != "true" {
			t.Fatalf("%s enabled on another user's key", b)
		}
		if !Eval[bool](u, q(b)+".parentElement.querySelector('[data-test=\"icon-lock\"]') !== null") {
			t.Fatalf("%s has no lock icon", b)
		}
		do(t, u.ctx, focus(b))
		u.Wait("tooltip on focus", q(b)+".parentElement.querySelector('[data-test=\"tooltip-missing-permissions\"]').classList.contains('show')")
		if tip := Eval[string](u, q(b)+".parentElement.querySelector('[data-test=\"tooltip-missing-permissions\"]').innerText"); tip != "Missing permissions for this action" {
			t.Fatalf("tooltip %q", tip)
		}
		u.Click(b)
	}
	time.Sleep(200 * time.Millisecond)
	if Eval[bool](u, q("dialog-confirm")+" !== null || "+q("panel-api-key-form")+" !== null") {
		t.Fatal("a locked button opened something")
	}
	// Revoked keys can be edited and reset (web UI issue, improvement 11).
	u.Visible("button-edit-" + itoa(revoked))
	u.Visible("button-reset-" + itoa(revoked))
	u.Visible("button-delete-" + itoa(revoked))
	// A READONLY_ADMIN does not see the Username field.
	u.Click("button-add-api-key")
	u.Visible("panel-api-key-form")
	if Eval[bool](u, q("select-username")+" !== null") {
		t.Fatal("Username field shown without API_KEY_WRITE")
	}
}

func TestLiveUpdates(t *testing.T) { // web-ui acceptance 20
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	u.Visible("state-empty")
	u.WaitSent("core.subscribe", `["api_key.query"]`)
	start := time.Now()
	apptest.MustCreateKey(t, admin, "from-the-api", "admin")
	u.Wait("the new key", `document.body.innerText.includes("from-the-api")`)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the key appeared after %v", d)
	}
}

func TestColumnOrganizer(t *testing.T) { // web-ui acceptance 21
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustCreateKey(t, admin, "k", "admin")
	u := signedIn(t, srv)
	// Local and Revoked are hidden by default (web UI issue, item 18).
	u.Visible("header-name")
	if Eval[bool](u, q("header-local")+" !== null || "+q("header-revoked")+" !== null") {
		t.Fatal("Local or Revoked shown by default")
	}
	u.Click("button-columns")
	u.Click("checkbox-column-local")
	u.Visible("header-local")
	u.Click("checkbox-column-status")
	u.Gone("header-status")
	if got := Eval[string](u, "localStorage.getItem('keyward.columns.user-api-keys')"); got != `["revoked","status"]` {
		t.Fatalf("stored %q", got)
	}
	u.Go("/credentials/users/api-keys")
	u.Visible("header-name")
	if Eval[bool](u, q("header-status")+" !== null") || !Eval[bool](u, q("header-local")+" !== null") {
		t.Fatal("the choice was not kept across a reload")
	}
	u.Click("button-columns")
	u.Click("button-columns-unselect-all")
	u.Wait("only Name", "document.querySelectorAll('thead th').length === 2")
	u.Click("checkbox-column-name")
	if !Eval[bool](u, q("checkbox-column-name")+".checked") || !Eval[bool](u, q("header-name")+" !== null") {
		t.Fatal("the last visible column was hidden")
	}
	u.Click("button-columns-reset")
	u.Wait("default columns", "document.querySelectorAll('thead th').length === 6")
	if Eval[bool](u, "localStorage.getItem('keyward.columns.user-api-keys') !== null") {
		t.Fatal("Reset to Defaults kept the stored choice")
	}
}

func TestConnectionLoss(t *testing.T) { // web-ui acceptance 5, as the web UI issue's item 10 changes it
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	u.Wait("token stored", "localStorage.getItem('keyward.token')")

	// A dropped connection (a proxy closing it): the page stays under the
	// Reconnecting… banner, and the stored token signs in again.
	watchSessionEnd(u)
	srv.DropConnections()
	u.Wait("the Reconnecting… banner", "window.__sawBanner")
	u.Gone("banner-reconnecting")
	u.Visible("table-api-keys")
	if Eval[bool](u, "window.__sawSignin") {
		t.Fatal("a dropped connection showed the sign-in form")
	}
	if !strings.HasPrefix(Eval[string](u, "location.pathname"), "/credentials/users/api-keys") {
		t.Fatal("not on the keys page")
	}

	// The server restarts: the banner shows while it is down; tokens do not
	// survive a restart, so the form shows, saying why. On PostgreSQL
	// tokens are in the database and do survive (TestTokenSurvivesRestart
	// in internal/acceptance), but a reconnection that lands on the
	// stopping server spends the page's token, so what the page shows
	// after a restart there depends on timing: not checked here.
	if apptest.OnPostgres() {
		return
	}
	addr, dir := srv.Addr, srv.DataDir
	srv.Stop()
	u.Visible("banner-reconnecting")
	apptest.MustStart(t, apptest.InDir(dir), apptest.OnAddr(addr))
	u.WaitText("signin-reason", "The connection to Keyward was lost.")
	u.Wait("form after reconnect", q("button-log-in")+" && !"+q("input-username")+".disabled")
	u.Gone("banner-reconnecting")
	if Eval[bool](u, "localStorage.getItem('keyward.token') !== null") {
		t.Fatal("refused token kept")
	}
}
