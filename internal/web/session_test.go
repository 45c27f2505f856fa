package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// sessionWatch records, from now on, whether the Reconnecting… banner was
// ever shown (window.__sawBanner) and whether the sign-in form ever
// appeared (window.__sawSignin). A MutationObserver sees a banner however
// briefly it shows, so no test depends on how fast the page polls.
const sessionWatch = `(() => {
  window.__sawBanner = false;
  window.__sawSignin = false;
  const look = () => {
    const b = document.querySelector('[data-test="banner-reconnecting"]');
    if (b && b.innerText.includes('Reconnecting…')) window.__sawBanner = true;
    if (document.querySelector('[data-test="input-username"]')) window.__sawSignin = true;
  };
  look();
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`

// watchSessionEnd installs sessionWatch on the page.
func watchSessionEnd(u *UI) {
	u.t.Helper()
	do(u.t, u.ctx, chromedp.Evaluate[chromedp.Void](sessionWatch))
}

// openAddTyping opens the Add panel and types a name into it.
func openAddTyping(u *UI, name string) {
	u.t.Helper()
	u.Click("button-add-api-key")
	u.Visible("panel-api-key-form")
	u.Type("input-name", name)
}

// valueOf returns the value of the input with that data-test.
func valueOf(u *UI, test string) string {
	u.t.Helper()
	return Eval[string](u, q(test)+".value")
}

// sentTokenLogin reports whether a TOKEN_PLAIN login was sent since the last
// ClearSent.
func sentTokenLogin(u *UI) bool {
	for _, p := range u.SentCalls("auth.login_ex") {
		if strings.Contains(p, `"TOKEN_PLAIN"`) {
			return true
		}
	}
	return false
}

// signInAfterEnd waits for the sign-in form the session's end brought, checks
// its reason and the username filled in, and signs in with the password.
func signInAfterEnd(t *testing.T, u *UI, reason string) {
	t.Helper()
	u.WaitText("signin-reason", reason)
	if role := Eval[string](u, q("signin-reason")+".getAttribute('role')"); role != "status" {
		t.Fatalf("the reason has role %q", role)
	}
	u.Wait("connected form", q("button-log-in")+" && !"+q("input-username")+".disabled")
	if got := valueOf(u, "input-username"); got != apptest.AdminUser {
		t.Fatalf("username filled with %q", got)
	}
	if Eval[bool](u, q("panel-api-key-form")+" !== null") {
		t.Fatal("the panel stayed open over the sign-in form")
	}
	u.Type("input-password", apptest.AdminPassword)
	u.Click("button-log-in")
	u.Visible("table-api-keys")
}

// TestItem10DroppedConnectionKeepsThePage: a dropped socket shows
// `Reconnecting…` over the unchanged page, the stored token restores the
// session, the open Add panel keeps what was typed, and the list's live
// subscription comes back.
func TestItem10DroppedConnectionKeepsThePage(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	u.WaitSent("core.subscribe", `["api_key.query"]`)
	u.Wait("token stored", "localStorage.getItem('keyward.token')")
	openAddTyping(u, "half-typed")
	watchSessionEnd(u)
	u.ClearSent()

	srv.DropConnections()
	u.Wait("the Reconnecting… banner", "window.__sawBanner")
	u.Gone("banner-reconnecting")
	u.WaitSent("core.subscribe", `["api_key.query"]`)
	if Eval[bool](u, "window.__sawSignin") {
		t.Fatal("the sign-in form was shown")
	}
	if got := valueOf(u, "input-name"); got != "half-typed" {
		t.Fatalf("the typed name became %q", got)
	}
	u.Visible("panel-api-key-form")
	if !Eval[bool](u, "location.pathname === '/credentials/users/api-keys'") {
		t.Fatalf("the page moved to %s", Eval[string](u, "location.pathname"))
	}
	if !sentTokenLogin(u) {
		t.Fatalf("no token login; logins: %v", u.SentCalls("auth.login_ex"))
	}

	// The subscription is live again: a key made elsewhere shows up.
	other := apptest.MustDial(t, srv.WSURL("current"))
	other.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	apptest.MustCreateKey(t, other, "made-elsewhere", apptest.AdminUser)
	u.Wait("the new key", `document.querySelector('[data-test="table-api-keys"]').innerText.includes("made-elsewhere")`)

	// The backoff: about 1 s first (half to all of it), doubling to at most 30 s.
	got := Await[string](u, `import('/assets/js/rpc.js').then(m => JSON.stringify([0, 1, 4, 5, 60].flatMap(n =>
		[m.retryDelay(n, () => 0), m.retryDelay(n, () => 0.999999)].map(Math.round))))`)
	if want := "[500,1000,1000,2000,8000,16000,15000,30000,15000,30000]"; got != want {
		t.Fatalf("reconnect delays %s, want %s", got, want)
	}
}

// TestItem10ServerRestartAsksToSignInAgain: tokens do not survive a
// restart, so the sign-in form says the connection was lost, has the
// username filled in, and after signing in the Add panel is back with what
// was typed.
func TestItem10ServerRestartAsksToSignInAgain(t *testing.T) {
	t.Parallel()
	apptest.SQLiteOnly(t, "tokens live in the server's memory; on PostgreSQL they are shared in the database "+
		"and survive a restart, which TestTokenSurvivesRestart in internal/acceptance checks")
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	u.Wait("token stored", "localStorage.getItem('keyward.token')")
	openAddTyping(u, "typed-before-restart")
	u.Click("checkbox-non-expiring")
	day := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	do(t, u.ctx, setDate("input-expires-on", day))
	watchSessionEnd(u)

	addr, dir := srv.Addr, srv.DataDir
	srv.Stop()
	u.Wait("the Reconnecting… banner", "window.__sawBanner")
	if got := valueOf(u, "input-name"); got != "typed-before-restart" {
		t.Fatalf("the typed name became %q while reconnecting", got)
	}
	apptest.MustStart(t, apptest.InDir(dir), apptest.OnAddr(addr))
	signInAfterEnd(t, u, "The connection to Keyward was lost.")

	u.Visible("panel-api-key-form")
	u.Wait("the typed name back", q("input-name")+".value === 'typed-before-restart'")
	if Eval[bool](u, q("checkbox-non-expiring")+".checked") {
		t.Fatal("Non-expiring ticked again")
	}
	if got := valueOf(u, "input-expires-on"); got != day {
		t.Fatalf("Expires On %q, want %q", got, day)
	}
	if Eval[bool](u, "localStorage.getItem('keyward.token') === null") {
		t.Fatal("no new token after signing in again")
	}
}

// TestItem10AdministratorEndsTheSession: auth.terminate_session closes the
// page's socket with 1000 `Session terminated`; the page says so instead
// of trying to get the session back.
func TestItem10AdministratorEndsTheSession(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	u.Wait("token stored", "localStorage.getItem('keyward.token')")
	id := ""
	for _, s := range admin.MustResult("auth.sessions").([]any) {
		if e := s.(map[string]any); e["current"] == false {
			id = e["id"].(string)
		}
	}
	if id == "" {
		t.Fatal("the page's session is not listed")
	}
	u.ClearSent()
	if admin.MustResult("auth.terminate_session", id) != true {
		t.Fatal("auth.terminate_session did not find the session")
	}
	signInAfterEnd(t, u, "Your session was ended by an administrator.")
	if sentTokenLogin(u) {
		t.Fatalf("a token login was tried after the termination: %v", u.SentCalls("auth.login_ex"))
	}
}

// TestItem10SessionExpiry: with session_max_age passed, the next call is
// answered ENOTAUTHENTICATED; the page says the session expired and the
// open Add panel comes back after signing in.
func TestItem10SessionExpiry(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) { c.SessionMaxAge = time.Hour })
	srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	openAddTyping(u, "before-")
	srv.Clock.Advance(2 * time.Hour)
	// The name check the typing starts is the first call the server refuses.
	u.Type("input-name", "expiry")
	signInAfterEnd(t, u, "Your session has expired.")
	u.Visible("panel-api-key-form")
	u.Wait("the typed name back", q("input-name")+".value === 'before-expiry'")
}

// TestItem10BannerAccessibility scans the page under the Reconnecting…
// banner with axe-core.
func TestItem10BannerAccessibility(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	script := axeScript(t)
	u := signedIn(t, srv)
	srv.Stop()
	u.Visible("banner-reconnecting")
	u.WaitText("banner-reconnecting", "Reconnecting…")
	scan(t, u, script, "reconnecting banner")
}
