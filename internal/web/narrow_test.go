package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/keyward/keyward/internal/apptest"
)

// TestNarrowWindow checks the keys screen and the panel at 400 px: nothing
// sticks out of the window (the table scrolls inside its frame) and the
// main controls stay reachable.
func TestNarrowWindow(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustCreateKey(t, admin, "a-rather-long-key-name-for-a-narrow-window", "admin")
	u := signedIn(t, srv)
	do(t, u.ctx, chromedp.EmulateViewport(400, 800))
	u.Visible("button-add-api-key")
	if w := Eval[int](u, "document.documentElement.scrollWidth"); w > 400 {
		t.Fatalf("the page is %d px wide in a 400 px window", w)
	}
	shot(t, u.ctx, "narrow-list")
	u.Click("button-add-api-key")
	u.Visible("button-save")
	if w := Eval[int](u, "document.documentElement.scrollWidth"); w > 400 {
		t.Fatalf("the panel makes the page %d px wide", w)
	}
}
