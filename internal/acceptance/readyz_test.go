package acceptance_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestReadyzStoreClosed: with the database closed under it, the process
// is still up (/healthz 200) but not ready (/readyz 503), and the failed
// store calls of the background reload are counted in
// keyward_store_errors_total.
func TestReadyzStoreClosed(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL(path))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/readyz"); code != http.StatusOK || body != "ok" {
		t.Fatalf("/readyz before: %d %q", code, body)
	}
	if err := srv.CloseStore(); err != nil {
		t.Fatal(err)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || body != "not ready: the database is unreachable or not migrated" {
		t.Fatalf("/readyz with the store closed: %d %q, want 503", code, body)
	}
	if code, body := get("/healthz"); code != http.StatusOK || body != "ok" {
		t.Fatalf("/healthz with the store closed: %d %q", code, body)
	}
	// The accounts watcher asks the store every second.
	fams, _ := scrapeEventually(t, srv.URL("/metrics"), func(f families) bool {
		return f.value("keyward_store_errors_total") > 0
	})
	if n := fams.value("keyward_store_errors_total"); n < 1 {
		t.Fatalf("keyward_store_errors_total = %v after the store closed", n)
	}
}
