package acceptance_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestSecurityHeaders: the web UI's pages forbid inline script, framing,
// MIME sniffing and referrers.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	for _, path := range []string{"/", "/ui/", "/api/docs/"} {
		resp, err := http.Get(srv.URL(path))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", path, resp.Status)
			continue
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: Content-Security-Policy %q allows inline or eval", path, csp)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
		}
		if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q", path, got)
		}
	}
}
