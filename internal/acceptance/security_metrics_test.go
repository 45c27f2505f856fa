package acceptance_test

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// metricSamples returns the keyward_* samples of a scrape by series,
// leaving out the ones that measure time or a moment's load (their
// buckets and sums, the change feed's lag and the connections a pool has
// in use or open at the scrape differ between any two scrapes whatever
// the logins were).
func metricSamples(t *testing.T, url string) map[string]string {
	t.Helper()
	_, body := scrape(t, url)
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "keyward_") || strings.Contains(line, "_duration_seconds_bucket") ||
			strings.Contains(line, "_duration_seconds_sum") || strings.HasPrefix(line, "keyward_change_feed_lag_seconds") ||
			strings.HasPrefix(line, "keyward_db_connections_in_use") || strings.HasPrefix(line, "keyward_db_connections_open") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		out[line[:i]] = line[i+1:]
	}
	return out
}

// metricDelta returns how much each series changed between two scrapes.
func metricDelta(before, after map[string]string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range after {
		b, _ := strconv.ParseFloat(before[k], 64)
		a, _ := strconv.ParseFloat(v, 64)
		if a != b {
			out[k] = a - b
		}
	}
	return out
}

// TestSecurityItem2MetricsNoOracle: wrong key logins that the answer does
// not tell apart (AUTH_ERR for a missing id, another user's key, a wrong
// secret, a revoked key) change the metrics in the same way.
func TestSecurityItem2MetricsNoOracle(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, trustLoopbackProxy)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "bob", "pw-b", "READONLY_ADMIN")
	_, raw := apptest.MustCreateKey(t, admin, "live", "admin")
	_, revoked := apptest.MustCreateKey(t, admin, "revoked", "admin")
	deletedID, deleted := apptest.MustCreateKey(t, admin, "deleted", "admin")
	// Used in the clear through a proxy that says http: revoked.
	if got := apptest.MustDialHeader(t, srv.WSURL("current"), plainProxy).KeyLogin("admin", revoked); got != "EXPIRED" {
		t.Fatalf("insecure use: %s", got)
	}
	admin.MustResult("api_key.delete", deletedID)
	guesses := map[string][2]string{
		"missing id":         {"admin", "999999-" + strings.Repeat("A", 64)},
		"wrong secret":       {"admin", apptest.WrongSecret(raw)},
		"another user's key": {"bob", raw},
		"revoked key":        {"admin", apptest.WrongSecret(revoked)},
		"deleted key":        {"admin", deleted},
		"malformed":          {"admin", "not-a-key"},
	}
	var first map[string]float64
	var firstName string
	for name, g := range guesses {
		before := metricSamples(t, srv.URL("/metrics"))
		if got := apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy).KeyLogin(g[0], g[1]); got != "AUTH_ERR" {
			t.Fatalf("%s: %s", name, got)
		}
		delta := metricDelta(before, metricSamples(t, srv.URL("/metrics")))
		if first == nil {
			first, firstName = delta, name
			continue
		}
		if apptest.String(delta) != apptest.String(first) {
			t.Errorf("metrics tell %q from %q:\n%s\n%s", name, firstName, apptest.String(delta), apptest.String(first))
		}
	}
}

// TestSecurityItem2MetricsLoopbackOnly: /metrics on the main listener
// answers loopback clients only; a client behind a trusted proxy is not
// local even though the proxy is.
func TestSecurityItem2MetricsLoopbackOnly(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) { trustLoopbackProxy(c) })
	get := func(h http.Header) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL("/metrics"), nil)
		req.Header = h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(http.Header{}); code != http.StatusOK {
		t.Fatalf("loopback client: HTTP %d", code)
	}
	for _, ip := range []string{"192.0.2.10", "2001:db8::1"} {
		if code := get(http.Header{"X-Forwarded-For": {ip}, "X-Forwarded-Proto": {"https"}}); code != http.StatusNotFound {
			t.Errorf("client %s through a trusted proxy: HTTP %d, want 404", ip, code)
		}
	}
}
