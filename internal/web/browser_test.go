package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium. Without it the browser tests skip,
// except under CI (CI is set), where they must run.
func chromium(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if path, err := exec.LookPath("chromium"); err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("Chromium is missing and CI is set: install Debian's chromium package")
	}
	tb.Skip("Chromium is not installed (apt-get install chromium); the browser tests need it")
	return ""
}

// MustBrowser starts a headless Chromium with a fresh profile and returns
// a tab's context; it closes when the test ends.
func MustBrowser(tb testing.TB) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(tb)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// grantClipboard lets pages of origin read and write the clipboard.
func grantClipboard(tb testing.TB, ctx context.Context, origin string) {
	tb.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:    browser.PermissionSettingGranted, Origin: origin,
		})
		if err != nil {
			tb.Fatalf("grant %s: %v", name, err)
		}
	}
}

// do runs actions with a deadline, failing the test on error.
func do(tb testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		tb.Fatalf("browser: %v", err)
	}
}

// get runs one action with a deadline and returns its value.
func get[T any](tb testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	tb.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if err != nil {
		tb.Fatalf("browser: %v", err)
	}
	return v
}

// shot saves a PNG of the page under the test's temp dir (and under
// SCREENSHOTS when that is set, for docs/screenshots).
func shot(tb testing.TB, ctx context.Context, name string) {
	tb.Helper()
	png := get(tb, ctx, chromedp.FullScreenshot(100))
	dirs := []string{tb.TempDir()}
	if d := os.Getenv("SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// sel selects the element with a data-test attribute.
func sel(test string) chromedp.CSS { return chromedp.CSS(`[data-test="` + test + `"]`) }
