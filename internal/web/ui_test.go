package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/keys"
)

// recorder keeps every message the page sends on a WebSocket in
// window.__sent, so tests can check the exact calls the app makes.
const recorder = `(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    try { window.__sent.push(JSON.parse(data)); } catch (e) {}
    return send.call(this, data);
  };
  const Orig = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function (url, p) { const ws = new Orig(url, p); window.__sockets.push(url); return ws; };
  window.WebSocket.prototype = Orig.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})();`

// UI is a browser tab on a Keyward server.
type UI struct {
	t   testing.TB
	ctx context.Context
	srv *apptest.Server
}

// call is one recorded request.
type call struct {
	Method string `json:"method"`
	Params []any  `json:"params"`
}

// MustOpenUI opens a fresh browser on the server's /signin page.
func MustOpenUI(t testing.TB, srv *apptest.Server) *UI {
	t.Helper()
	ctx := MustBrowser(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: recorder}); err != nil {
		t.Fatalf("install recorder: %v", err)
	}
	// Reduced motion: the panel appears without sliding, so clicks land
	// where the element is (and the reduced-motion rule gets exercised).
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatalf("emulate reduced motion: %v", err)
	}
	u := &UI{t: t, ctx: ctx, srv: srv}
	u.Go("/signin")
	return u
}

// Go navigates to a path of the server.
func (u *UI) Go(path string) {
	u.t.Helper()
	do(u.t, u.ctx, chromedp.Navigate(u.srv.URL(path)))
}

// Eval evaluates a JavaScript expression.
func Eval[T any](u *UI, expr string) T {
	u.t.Helper()
	return get(u.t, u.ctx, chromedp.Evaluate[T](expr))
}

// Wait polls a JavaScript expression until it is truthy.
func (u *UI) Wait(what, expr string) {
	u.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(u.ctx, chromedp.Evaluate[bool](fmt.Sprintf("!!(%s)", expr)))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			u.failShot()
			u.t.Fatalf("waiting for %s (%s): %v; page: %s", what, expr, err, u.text("body"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// failShot saves a screenshot of a failing test for the person debugging it.
func (u *UI) failShot() {
	if png, err := chromedp.Run(u.ctx, chromedp.FullScreenshot(100)); err == nil {
		path := filepath.Join(os.TempDir(), strings.ReplaceAll(u.t.Name(), "/", "_")+"-failure.png")
		if os.WriteFile(path, png, 0o644) == nil {
			u.t.Logf("screenshot of the failure: %s", path)
		}
	}
}

// Await evaluates an expression whose value is a promise.
func Await[T any](u *UI, expr string) T {
	u.t.Helper()
	return get(u.t, u.ctx, chromedp.Evaluate[T](expr, func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
}

// q is a JS expression selecting an element by data-test.
func q(test string) string { return fmt.Sprintf("document.querySelector('[data-test=%q]')", test) }

// Visible waits until the element with that data-test is shown.
func (u *UI) Visible(test string) {
	u.t.Helper()
	u.Wait(test+" visible", q(test)+" && "+q(test)+".offsetParent !== null")
}

// Gone waits until no element has that data-test.
func (u *UI) Gone(test string) {
	u.t.Helper()
	u.Wait(test+" gone", "!"+q(test))
}

func (u *UI) text(css string) string {
	s, _ := chromedp.Run(u.ctx, chromedp.Evaluate[string](fmt.Sprintf("(document.querySelector(%q)||{}).innerText||''", css)))
	return s
}

// Text returns the visible text of the element with that data-test,
// waiting for it to appear.
func (u *UI) Text(test string) string {
	u.t.Helper()
	expr := fmt.Sprintf("(() => { const e = %s; return e && e.offsetParent !== null ? e.innerText : null; })()", q(test))
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := chromedp.Run(u.ctx, chromedp.Evaluate[*string](expr))
		if err == nil && s != nil {
			return *s
		}
		if time.Now().After(deadline) {
			u.failShot()
			u.t.Fatalf("waiting for %s: %v; page: %s", test, err, u.text("body"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitText waits until the element with that data-test shows want.
func (u *UI) WaitText(test, want string) {
	u.t.Helper()
	u.Wait(fmt.Sprintf("%s to read %q", test, want), fmt.Sprintf("%s && %s.innerText === %q", q(test), q(test), want))
}

// Click clicks the element with that data-test. The page redraws parts of
// itself after each load, so the node found may be replaced before the
// click lands; then it looks again (a few times at most).
func (u *UI) Click(test string) {
	u.t.Helper()
	for try := 0; ; try++ {
		u.Visible(test)
		tctx, cancel := context.WithTimeout(u.ctx, 20*time.Second)
		err := chromedp.Do(tctx, chromedp.Click(sel(test)))
		cancel()
		if err == nil {
			return
		}
		if try >= 4 || !strings.Contains(err.Error(), "Could not find node") {
			u.t.Fatalf("click %s: %v", test, err)
		}
	}
}

// clickCSS clicks the element css selects, again if the node it found
// went stale (a page still settling under load replaces nodes).
func (u *UI) clickCSS(css string) {
	u.t.Helper()
	for try := 0; ; try++ {
		tctx, cancel := context.WithTimeout(u.ctx, 20*time.Second)
		err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(css)))
		cancel()
		if err == nil {
			return
		}
		if try >= 4 || !strings.Contains(err.Error(), "Could not find node") {
			u.t.Fatalf("click %s: %v", css, err)
		}
	}
}

// Type types into the element with that data-test.
func (u *UI) Type(test, text string) {
	u.t.Helper()
	u.Visible(test)
	do(u.t, u.ctx, chromedp.SendKeys(sel(test), text))
}

// Key sends a key (e.g. "\r" for Enter, "\x1b"... see kb) to the focused element.
func (u *UI) Key(keys string) {
	u.t.Helper()
	do(u.t, u.ctx, chromedp.KeyEvent(keys))
}

// Sent returns the calls recorded since the last ClearSent.
func (u *UI) Sent() []call {
	u.t.Helper()
	raw := Eval[[]byte](u, "JSON.stringify(window.__sent || [])")
	var s string
	_ = json.Unmarshal(raw, &s)
	var calls []call
	if err := json.Unmarshal([]byte(s), &calls); err != nil {
		u.t.Fatalf("recorded calls: %v", err)
	}
	return calls
}

// ClearSent forgets the recorded calls.
func (u *UI) ClearSent() {
	u.t.Helper()
	do(u.t, u.ctx, chromedp.Evaluate[chromedp.Void]("window.__sent = []"))
}

// SentCalls returns the params (as compact JSON) of the recorded calls of
// a method.
func (u *UI) SentCalls(method string) []string {
	u.t.Helper()
	var out []string
	for _, c := range u.Sent() {
		if c.Method == method {
			b, _ := json.Marshal(c.Params)
			out = append(out, string(b))
		}
	}
	return out
}

// WaitSent waits until a call of method with exactly these params (compact
// JSON) was sent.
func (u *UI) WaitSent(method, params string) {
	u.t.Helper()
	var v any
	if err := json.Unmarshal([]byte(params), &v); err != nil {
		u.t.Fatalf("bad expected params %s: %v", params, err)
	}
	params = jsonOf(v) // the recorded calls are compared in the same form
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, p := range u.SentCalls(method) {
			if p == params {
				return
			}
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("no %s %s was sent; sent: %s", method, params, strings.Join(u.SentCalls(method), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// SignIn signs in through the form and waits for the keys page.
func (u *UI) SignIn(user, pass string) {
	u.t.Helper()
	u.Type("input-username", user)
	u.Type("input-password", pass)
	u.Click("button-log-in")
	u.Visible("table-api-keys")
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// clearInput empties an input as a user would, so its listeners run.
func clearInput(test string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const el = %s; el.value = ''; el.dispatchEvent(new Event('input')); })()`, q(test)))
}

// selectValue picks an option of a select and fires its change event.
func selectValue(test, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const el = %s; el.value = %q; el.dispatchEvent(new Event('change')); })()`, q(test), value))
}

// pbkdf2Hash is a TrueNAS-style hash for imported test keys.
func pbkdf2Hash() string {
	return keys.HashPBKDF2("secret", []byte("0123456789abcdef"), keys.MinIterations)
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// setDate sets a date input as a user would.
func setDate(test, day string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const el = %s; el.value = %q; el.dispatchEvent(new Event('input')); })()`, q(test), day))
}

// focus moves keyboard focus to an element.
func focus(test string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](q(test) + ".focus()")
}

// With 127.0.0.1 a trusted proxy, insecureProxy marks a connection as plain
// http from elsewhere: a correct key sent over it gets revoked.
var insecureProxy = http.Header{"X-Forwarded-For": {"192.0.2.10"}, "X-Forwarded-Proto": {"http"}}

func trustProxy(c *config.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

// tlsProxyHeader marks a connection as https through the trusted proxy.
var tlsProxyHeader = http.Header{"X-Forwarded-For": {"192.0.2.11"}, "X-Forwarded-Proto": {"https"}}
