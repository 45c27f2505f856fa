package web_test

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/keyward/keyward/internal/apptest"
)

// axeVersion is the axe-core release the accessibility scan uses.
const axeVersion = "4.11.0"

// axeScript returns axe-core's axe.min.js: from $AXE_CORE_JS, from the
// user cache, or fetched from the npm registry with `npm pack`.
func axeScript(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("AXE_CORE_JS"); p != "" {
		return mustRead(t, p)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	path := filepath.Join(cache, "keyward-tests", "axe-core-"+axeVersion, "axe.min.js")
	if _, err := os.Stat(path); err == nil {
		return mustRead(t, path)
	}
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("npm is missing and CI is set: the accessibility scan needs axe-core from the npm registry")
		}
		t.Skip("npm is not installed, so axe-core cannot be fetched for the accessibility scan")
	}
	dir := t.TempDir()
	out, err := exec.Command("npm", "pack", "axe-core@"+axeVersion, "--pack-destination", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("npm pack axe-core: %v: %s", err, out)
	}
	script, err := untarFile(filepath.Join(dir, "axe-core-"+axeVersion+".tgz"), "package/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core package: %v", err)
	}
	if os.MkdirAll(filepath.Dir(path), 0o755) == nil {
		_ = os.WriteFile(path, []byte(script), 0o644)
	}
	return script
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func untarFile(tgz, name string) (string, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return "", err
		}
		if h.Name == name {
			b, err := io.ReadAll(tr)
			return string(b), err
		}
	}
}

// violation is one serious or critical finding of axe-core.
type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// scan runs axe-core on the page and fails on serious or critical
// violations.
func scan(t *testing.T, u *UI, script, screen string) {
	t.Helper()
	do(t, u.ctx, chromedp.Evaluate[chromedp.Void](script))
	// A list being refreshed is dimmed (opacity .7) until its answer comes:
	// scan what the user reads once it has, not the moment between (under
	// load, an event's refresh can be in flight).
	Await[string](u, `new Promise(done => { const wait = () => document.querySelector('.rows.dim') ?
		setTimeout(wait, 20) : done(''); wait(); })`)
	raw := Await[string](u, `axe.run(document, {resultTypes: ['violations']}).then(r =>
		JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')))`)
	var found []violation
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		t.Fatalf("%s: axe result: %v", screen, err)
	}
	for _, v := range found {
		t.Errorf("%s: %s (%s): %s; first node %v", screen, v.ID, v.Impact, v.Help, v.Nodes[0])
	}
}

// TestAccessibilityAndDataTest scans every screen, menu and dialog with
// axe-core and checks each data-test attribute of web-ui.md section 11
// is present where its element is shown (web-ui acceptance 22).
func TestAccessibilityAndDataTest(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	script := axeScript(t)
	u := MustOpenUI(t, srv)
	seen := map[string]bool{}
	look := func(screen string) {
		scan(t, u, script, screen)
		var tests []string
		raw := Eval[string](u, `JSON.stringify([...document.querySelectorAll('[data-test]')].map(e => e.getAttribute('data-test')))`)
		_ = json.Unmarshal([]byte(raw), &tests)
		for _, x := range tests {
			seen[x] = true
		}
	}
	u.Visible("button-create-account")
	look("setup")
	u.Type("input-setup-password", "pw-123456")
	u.Type("input-setup-confirm-password", "pw-123456")
	u.Click("button-create-account")
	u.Visible("table-api-keys")
	look("empty list")
	admin := apptest.MustDial(t, srv.WSURL("current"))
	admin.MustLogin("admin", "pw-123456")
	id, _ := apptest.MustCreateKey(t, admin, "a11y", "admin")
	u.Go("/credentials/users/api-keys?userName=admin")
	u.Visible("row-api-key-" + itoa(id))
	u.Type("input-search", "a")
	u.Key("\r") // search at once: a debounced search could dim the list while axe scans it
	look("list")
	u.Click("button-columns")
	look("columns menu")
	u.Click("button-columns-select-all")
	u.Key("\x1b")
	u.Visible("header-local")
	look("list with every column")
	u.Click("button-user-menu")
	look("user menu")
	u.Key("\x1b")
	u.Click("button-add-api-key")
	u.Visible("panel-api-key-form")
	u.Click("checkbox-non-expiring")
	look("add panel")
	u.Type("input-name", "x")
	u.Key("\x1b")
	u.Visible("dialog-unsaved-changes")
	look("unsaved changes")
	u.Click("button-unsaved-close")
	u.Click("button-edit-" + itoa(id))
	u.Visible("checkbox-reset")
	look("edit panel")
	u.Click("checkbox-reset")
	u.Click("button-save")
	u.Visible("dialog-api-key")
	look("key dialog")
	u.Click("button-close-dialog")
	u.Click("button-delete-" + itoa(id))
	u.Visible("dialog-confirm")
	look("delete dialog")
	u.Click("button-dialog-cancel")
	u.Click("button-reset-" + itoa(id))
	u.Visible("dialog-reset")
	look("reset dialog")
	u.Click("button-dialog-cancel")
	do(t, u.ctx, chromedp.EmulateViewport(390, 844))
	u.Wait("cards", "document.querySelector('ul.cards')")
	look("phone list")
	u.Click("button-add-api-key")
	u.Visible("panel-api-key-form")
	look("phone add panel")
	u.Key("\x1b")
	u.Gone("panel-api-key-form")
	do(t, u.ctx, chromedp.EmulateViewport(1280, 800))
	u.Wait("table", "document.querySelector('table')")
	do(t, u.ctx, chromedp.Evaluate[chromedp.Void](`import('/assets/js/ui.js').then(m => m.errorDialog('[EACCES] Not authorized'))`))
	u.Visible("dialog-error")
	look("error dialog")
	u.Key("\x1b")
	u.Click("button-user-menu")
	u.Click("button-log-out")
	u.Visible("button-log-in")
	u.Type("input-username", "admin")
	u.Type("input-password", "wrong")
	u.Click("button-log-in")
	u.Visible("signin-error")
	look("sign-in")

	want := strings.Fields(`input-setup-username input-setup-password input-setup-confirm-password button-create-account
		input-username input-password button-log-in signin-error insecure-connection-warning
		button-user-menu link-my-api-keys button-log-out page-title input-search button-clear-search button-search
		chip-username-filter button-clear-username-filter button-columns checkbox-column-name checkbox-column-username
		checkbox-column-local checkbox-column-revoked checkbox-column-created_at checkbox-column-expires_at
		button-columns-select-all button-columns-unselect-all button-columns-reset link-api-docs button-add-api-key
		table-api-keys header-name header-username header-local header-revoked header-created_at header-expires_at
		cell-name cell-username cell-local cell-revoked cell-created_at cell-expires_at state-empty
		select-page-size pager-range button-first-page button-previous-page button-next-page button-last-page
		panel-api-key-form button-close-panel input-name select-username checkbox-non-expiring input-expires-on
		checkbox-reset button-save dialog-api-key textarea-api-key button-close-dialog button-copy-to-clipboard
		dialog-confirm checkbox-confirm button-dialog-cancel button-dialog-confirm dialog-unsaved-changes
		button-unsaved-cancel button-unsaved-close dialog-error select-status-filter header-status cell-status status-badge
		dialog-reset button-dialog-reset button-download-api-key text-key-usage`)
	want = append(want, "row-api-key-"+itoa(id), "button-edit-"+itoa(id), "button-reset-"+itoa(id), "button-delete-"+itoa(id))
	var missing []string
	for _, w := range want {
		if !seen[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Errorf("data-test attributes never seen: %v", missing)
	}
}
