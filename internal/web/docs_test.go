package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/keyward/keyward/internal/apptest"
)

// TestDocsFromKeysScreen follows the API Docs link of the keys screen and
// uses "Try it" on core.ping and api_key.query.
func TestDocsFromKeysScreen(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustCreateKey(t, admin, "documented", "admin")
	u := signedIn(t, srv)
	if href := Eval[string](u, q("link-api-docs")+".getAttribute('href')"); href != "/api/docs" {
		t.Fatalf("API Docs href %q", href)
	}
	if Eval[string](u, q("link-api-docs")+".target") != "_blank" || Eval[string](u, q("link-api-docs")+".rel") != "noopener" {
		t.Fatal("API Docs does not open a new tab")
	}
	// Follow the link in this tab (the test drives one tab).
	do(t, u.ctx, chromedp.Evaluate[chromedp.Void](q("link-api-docs")+".removeAttribute('target')"))
	u.Click("link-api-docs")
	u.Wait("docs index", `document.title.startsWith("Methods - Keyward API v26.0.0")`)
	if p := Eval[string](u, "location.pathname"); p != "/api/docs/current/" {
		t.Fatalf("docs at %q", p)
	}
	// The inline style sheet is allowed by its hash in the page's CSP.
	if bg := Eval[string](u, `getComputedStyle(document.querySelector('header.top')).backgroundColor`); bg != "rgb(18, 52, 86)" {
		t.Fatalf("the docs style sheet did not apply (header background %q): blocked by the CSP?", bg)
	}
	u.clickCSS(`a[href="/api/docs/current/methods/core.ping.html"]`)
	u.Wait("ping page", `document.querySelector('form[data-tryit]')`)
	u.clickCSS(`form[data-tryit] button`)
	u.Wait("pong", `document.querySelector('[data-try-result]').innerText === '"pong"'`)

	u.Go("/api/docs/current/methods/api_key.query.html")
	u.Wait("Try it", `document.querySelector('form[data-tryit]')`)
	do(t, u.ctx,
		chromedp.SendKeys(chromedp.ID("try-user"), apptest.AdminUser),
		chromedp.SendKeys(chromedp.ID("try-pass"), apptest.AdminPassword),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('try-params').value = '[[["name","=","documented"]],{"select":["name","created_at"]}]'`),
		chromedp.Click(chromedp.CSS(`form[data-tryit] button`)))
	u.Wait("result", `document.querySelector('[data-try-status]').innerText === 'Result:'`)
	out := Eval[string](u, `document.querySelector('[data-try-result]').innerText`)
	if !strings.Contains(out, `"name": "documented"`) || !strings.Contains(out, `"$date"`) {
		t.Fatalf("Try it result %q", out)
	}
	shot(t, u.ctx, "docs-method")
}
