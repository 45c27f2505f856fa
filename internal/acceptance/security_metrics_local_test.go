package acceptance_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestSecurityItem2MetricsRightKeyRefused: a key login refused after its
// secret matched (the owner is locked, or has no privileges) answers
// AUTH_ERR like a wrong secret, and changes the metrics exactly as a wrong
// secret does: no key check is timed unless its login succeeds. Otherwise
// whoever holds a key could read from /metrics whether it is still good.
func TestSecurityItem2MetricsRightKeyRefused(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	bob := apptest.MustUserWithRoles(t, admin, "bob", "pw-b", "READONLY_ADMIN")
	_, raw := apptest.MustCreateKey(t, admin, "bobs", "bob")
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("bob", raw); got != "SUCCESS" {
		t.Fatalf("bob's key before the lock: %s", got)
	}
	admin.MustResult("user.update", bob, map[string]any{"locked": true})
	delta := func(key string) map[string]float64 {
		before := metricSamples(t, srv.URL("/metrics"))
		c := apptest.MustDial(t, srv.WSURL("current"))
		if got := c.KeyLogin("bob", key); got != "AUTH_ERR" {
			t.Fatalf("bob's key while bob is locked: %s", got)
		}
		_ = c.Conn().CloseNow()
		d := metricDelta(before, metricSamples(t, srv.URL("/metrics")))
		delete(d, "keyward_connections_open") // the close may not be seen yet
		return d
	}
	wrong, right := delta(apptest.WrongSecret(raw)), delta(raw)
	if apptest.String(wrong) != apptest.String(right) {
		t.Fatalf("metrics tell the right key of a locked user from a wrong one:\nright %s\nwrong %s",
			apptest.String(right), apptest.String(wrong))
	}
}

// TestSecurityItem2MetricsUnixSocket: the unix socket counts as local, so
// /metrics on it answers like on loopback (only who can open the socket
// file can reach it).
func TestSecurityItem2MetricsUnixSocket(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "kw.sock")
	apptest.MustStart(t, func(c *config.Config) { c.UnixSocket = sock })
	d := &net.Dialer{}
	unix := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return d.DialContext(ctx, "unix", sock)
	}}}
	resp, err := unix.Get("http://keyward/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "# TYPE keyward_logins_total counter") {
		t.Fatalf("/metrics on the unix socket: HTTP %d\n%.300s", resp.StatusCode, body)
	}
}
