package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// The defects of the web UI issue, one test each, named after the defect.

// TestDefect1LongNameStaysInView: a 200-character name without spaces
// leaves the table, the row actions and the delete dialog inside a
// 1280 px window; the name is cut with an ellipsis and shown whole in its
// title and in the dialog.
func TestDefect1LongNameStaysInView(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	long := strings.Repeat("n", 200)
	id, _ := apptest.MustCreateKey(t, admin, long, "admin")
	u := signedIn(t, srv)
	row := "row-api-key-" + itoa(id)
	u.Visible(row)
	if w := Eval[int](u, "document.documentElement.scrollWidth"); w > 1280 {
		t.Fatalf("the page is %d px wide at 1280 px", w)
	}
	if right := Eval[float64](u, q("button-delete-"+itoa(id))+".getBoundingClientRect().right"); right > 1280 {
		t.Fatalf("the Delete button ends at %v px, outside the window", right)
	}
	clip := q(row) + ".querySelector('[data-test=\"cell-name\"] .clip')"
	if !Eval[bool](u, clip+".scrollWidth > "+clip+".clientWidth && getComputedStyle("+clip+").textOverflow === 'ellipsis'") {
		t.Fatal("the long name is not cut with an ellipsis")
	}
	if Eval[string](u, clip+".title") != long {
		t.Fatal("the cut name has no title with the whole name")
	}
	u.Click("button-delete-" + itoa(id))
	u.Visible("dialog-confirm")
	dlg := q("dialog-confirm")
	if !Eval[bool](u, dlg+".scrollWidth <= "+dlg+".clientWidth && "+dlg+".getBoundingClientRect().right <= window.innerWidth") {
		t.Fatal("the delete dialog overflows")
	}
	if !strings.Contains(u.Text("dialog-confirm"), long) {
		t.Fatal("the delete dialog does not show the whole name")
	}
}

// TestDefect2ClearSearchReloads: clearing the search with × shows every
// key again without pressing Enter.
func TestDefect2ClearSearchReloads(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustCreateKey(t, admin, "only", "admin")
	u := signedIn(t, srv)
	u.Type("input-search", "zzz\r")
	u.Visible("state-no-results")
	u.Click("button-clear-search")
	u.WaitText("pager-range", "1 – 1 of 1")
	u.Gone("state-no-results")
}

// TestDefect3AddPanelAriaInvalid: the Add panel's fields start with
// aria-invalid="false", never "undefined".
func TestDefect3AddPanelAriaInvalid(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	u.Click("button-add-api-key")
	u.Visible("input-name")
	for _, f := range []string{"input-name", "input-expires-on"} {
		if got := Eval[string](u, q(f)+".getAttribute('aria-invalid')"); got != "false" {
			t.Fatalf("%s aria-invalid=%q", f, got)
		}
	}
}

// TestDefect4UserMenuNameContainsUsername: the user menu button's
// accessible name contains its visible text, the username.
func TestDefect4UserMenuNameContainsUsername(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	if got := Eval[string](u, q("button-user-menu")+".getAttribute('aria-label')"); got != "Open user menu for admin" {
		t.Fatalf("aria-label %q", got)
	}
}

// TestDefect5FocusAfterSaveAndDelete: after Save in Edit focus is on the
// row's Edit button; after a confirmed delete, on Add.
func TestDefect5FocusAfterSaveAndDelete(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id, _ := apptest.MustCreateKey(t, admin, "focus-me", "admin")
	u := signedIn(t, srv)
	edit := "button-edit-" + itoa(id)
	u.Click(edit)
	u.Type("input-name", "-renamed")
	u.Click("button-save")
	u.Gone("panel-api-key-form")
	u.Wait("focus on the row's Edit button", "document.activeElement === "+q(edit))
	u.Click("button-delete-" + itoa(id))
	u.Click("checkbox-confirm")
	u.Click("button-dialog-confirm")
	u.Visible("state-empty")
	u.Wait("focus on Add", "document.activeElement === "+q("button-add-api-key"))
}

// TestDefect6NamesTrimmed: a name of spaces is refused in the form; other
// names are sent trimmed.
func TestDefect6NamesTrimmed(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	u := signedIn(t, srv)
	u.Click("button-add-api-key")
	u.Type("input-name", "   ")
	u.Wait("Name is required", q("input-name")+".closest('.field').querySelector('.field-error').innerText === 'Name is required'")
	if !Eval[bool](u, q("button-save")+".disabled") {
		t.Fatal("Save enabled for a name of spaces")
	}
	u.Type("input-name", "trimmed  ")
	u.ClearSent()
	u.Wait("Save enabled", "!"+q("button-save")+".disabled")
	u.Click("button-save")
	u.WaitSent("api_key.create", `[{"name":"trimmed","username":"admin","expires_at":null}]`)
	dialogKey(t, u)
}

// TestDefect7KeyGoneWhileEditing: saving an edit of a key deleted
// elsewhere closes the panel and says so plainly.
func TestDefect7KeyGoneWhileEditing(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id, _ := apptest.MustCreateKey(t, admin, "doomed", "admin")
	u := signedIn(t, srv)
	u.Click("button-edit-" + itoa(id))
	u.Type("input-name", "-x")
	admin.MustResult("api_key.delete", id)
	u.Click("button-save")
	got := u.Text("dialog-error")
	if !strings.Contains(got, "This API key no longer exists") || strings.Contains(got, "Validation errors") {
		t.Fatalf("error dialog %q", got)
	}
	u.Gone("panel-api-key-form")
}

// TestDefect8TooltipLensLiveRegion: a permission tooltip at the table's
// edge is shown whole inside the window, the search lens is drawn as a
// ring, and the list's announcement does not survive into the sign-in
// screen.
func TestDefect8TooltipLensLiveRegion(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "ro", "pw-ro", "READONLY_ADMIN")
	id, _ := apptest.MustCreateKey(t, admin, "theirs", "admin")
	u := MustOpenUI(t, srv)
	u.Wait("connected form", q("button-log-in")+" && !"+q("input-username")+".disabled")
	u.SignIn("ro", "pw-ro")
	del := "button-delete-" + itoa(id)
	u.Visible(del)
	do(t, u.ctx, focus(del))
	tip := q(del) + ".parentElement.querySelector('[data-test=\"tooltip-missing-permissions\"]')"
	u.Wait("tooltip shown", tip+".classList.contains('show')")
	if !Eval[bool](u, `(() => { const r = `+tip+`.getBoundingClientRect(); return getComputedStyle(`+tip+`).position === 'fixed' &&
		r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight; })()`) {
		t.Fatal("the permission tooltip is clipped or outside the window")
	}
	if Eval[string](u, "document.querySelector('.search-icon path').getAttribute('fill-rule')") != "evenodd" {
		t.Fatal("the search lens is drawn filled")
	}
	u.Wait("range announced", "document.getElementById('announcer') && document.getElementById('announcer').textContent.includes('of')")
	u.Click("button-user-menu")
	u.Click("button-log-out")
	u.Visible("button-log-in")
	if got := Eval[string](u, "(document.getElementById('announcer') || {}).textContent || ''"); got != "" {
		t.Fatalf("the sign-in screen still holds the announcement %q", got)
	}
}

// TestDefect9OneReloadPerSave: a save reloads the list once (two
// api_key.query calls), not a second time for its own live event.
func TestDefect9OneReloadPerSave(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id, _ := apptest.MustCreateKey(t, admin, "once", "admin")
	u := signedIn(t, srv)
	u.WaitSent("core.subscribe", `["api_key.query"]`)
	u.Click("button-edit-" + itoa(id))
	u.Type("input-name", "-more")
	u.ClearSent()
	u.Click("button-save")
	u.Gone("panel-api-key-form")
	u.Wait("renamed row", `document.body.innerText.includes("once-more")`)
	time.Sleep(1500 * time.Millisecond) // a second reload would come 300 ms after the event
	if calls := u.SentCalls("api_key.query"); len(calls) != 2 {
		t.Fatalf("a save sent %d api_key.query calls: %v", len(calls), calls)
	}
}
