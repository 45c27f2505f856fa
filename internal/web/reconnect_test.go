package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// watchSignin records, from now on, whether the sign-in form was ever
// replaced, disabled or told the user it was connecting.
const watchSignin = `(() => {
  window.__form = document.querySelector('[data-test="input-username"]').form;
  window.__noisy = [];
  new MutationObserver(() => {
    const user = document.querySelector('[data-test="input-username"]');
    if (!user || user.form !== window.__form) window.__noisy.push('form replaced');
    else if (user.disabled) window.__noisy.push('form disabled');
    if (document.body.innerText.includes('Connecting to Keyward')) window.__noisy.push('connecting shown');
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
})()`

// TestSecurityItem10SignInReconnectsQuietly: the server closes the sign-in
// page's socket when it has not logged in within auth_timeout; the page
// opens a new one at once without a word to the user, keeps what was
// typed, and the sign-in then works.
func TestSecurityItem10SignInReconnectsQuietly(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) { c.AuthTimeout = 500 * time.Millisecond })
	srv.MustSetupAdmin(t)
	u := MustOpenUI(t, srv)
	u.Wait("connected form", q("button-log-in")+" && !"+q("input-username")+".disabled")
	u.Type("input-username", apptest.AdminUser)
	do(t, u.ctx, chromedp.Evaluate[chromedp.Void](watchSignin))
	// Each socket lives auth_timeout: wait for two closes and reconnects.
	u.Wait("two reconnects", "window.__sockets.length >= 3")
	if noisy := Eval[[]any](u, "window.__noisy"); len(noisy) > 0 {
		t.Fatalf("the sign-in page was disturbed: %v", noisy)
	}
	if v := Eval[string](u, q("input-username")+".value"); v != apptest.AdminUser {
		t.Fatalf("typed username lost: %q", v)
	}
	u.SignIn("", apptest.AdminPassword)
	if Eval[bool](u, "document.body.innerText.includes('Disconnected')") {
		t.Fatal("the sign-in reported a disconnection")
	}
}
