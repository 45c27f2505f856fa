package acceptance_test

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// scenarioCalls is every call of runScenario by method and outcome.
var scenarioCalls = map[[2]string]float64{
	{"user.setup_local_administrator", "ok"}: 1,
	{"auth.login_ex", "ok"}:                  12,
	{"auth.login_ex", "EBUSY"}:               1,
	{"auth.login", "ok"}:                     1,
	{"auth.login_with_token", "ok"}:          1,
	{"auth.generate_token", "ok"}:            1,
	{"auth.me", "ENOTAUTHENTICATED"}:         1,
	{"api_key.create", "ok"}:                 3,
	{"api_key.delete", "ok"}:                 1,
	{"user.create", "ok"}:                    1,
	{"privilege.create", "ok"}:               1,
	{"privilege.query", "ok"}:                1,
	{"user.delete", "EACCES"}:                1,
	{"user.delete", "-32602"}:                1,
	{"user.update", "-32602"}:                1,
	{"core.subscribe", "ok"}:                 1,
	{"unknown", "-32601"}:                    2,
	{"unknown", "-32700"}:                    1,
}

// scenarioLogins is every login of runScenario by mechanism and response.
var scenarioLogins = map[[2]string]float64{
	{"PASSWORD_PLAIN", "SUCCESS"}: 4, {"PASSWORD_PLAIN", "AUTH_ERR"}: 4, {"PASSWORD_PLAIN", "EXPIRED"}: 0,
	{"API_KEY_PLAIN", "SUCCESS"}: 1, {"API_KEY_PLAIN", "AUTH_ERR"}: 2, {"API_KEY_PLAIN", "EXPIRED"}: 1,
	{"TOKEN_PLAIN", "SUCCESS"}: 1, {"TOKEN_PLAIN", "AUTH_ERR"}: 1, {"TOKEN_PLAIN", "EXPIRED"}: 0,
}

// metricsConfig turns the rate limit on (2 calls per method an hour, no
// delay) with only 127.0.0.1 exempt, not the rest of loopback, and logs
// JSON at debug.
func metricsConfig(c *config.Config) {
	c.RateLimitCalls, c.RateLimitWindow, c.RateLimitDelay = 2, time.Hour, config.Range{}
	c.RateLimitExempt = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	c.LogFormat = "json"
}

// TestMetrics runs the scenario, then reads /metrics on the main listener
// and checks every Keyward family against what the scenario did, that no
// label names a user or holds anything the client chose, and the log.
func TestMetrics(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, metricsConfig)
	sc := runScenario(t, srv)
	fams, body := scrapeEventually(t, srv.URL("/metrics"), func(f families) bool {
		return f.value("keyward_events_sent_total") >= 2
	})
	checkCalls(t, fams)
	checkLogins(t, fams)
	checkOthers(t, fams)
	checkLabels(t, srv, fams)
	sc.sw.saw("metrics", body)
	sc.sw.check(t)
	if strings.Contains(body, scenarioUser) {
		t.Errorf("/metrics names the user %s", scenarioUser)
	}
	checkLog(t, srv, sc)
}

// checkCalls: keyward_calls_total holds exactly the scenario's calls, and
// each method's histogram counts them.
func checkCalls(t *testing.T, fams families) {
	t.Helper()
	for key, n := range nonZeroCalls(fams) {
		if scenarioCalls[key] != n {
			t.Errorf("keyward_calls_total%v = %v, want %v", key, n, scenarioCalls[key])
		}
	}
	perMethod := map[string]float64{"core.ping": 0}
	for key, n := range scenarioCalls {
		perMethod[key[0]] += n
		if got := fams.value("keyward_calls_total", "method", key[0], "outcome", key[1]); got != n {
			t.Errorf("keyward_calls_total%v = %v, want %v", key, got, n)
		}
	}
	for m, n := range perMethod {
		if got := fams.value("keyward_call_duration_seconds", "method", m); got != n {
			t.Errorf("keyward_call_duration_seconds{method=%q} count = %v, want %v", m, got, n)
		}
	}
}

// checkLogins: keyward_logins_total by mechanism and response type, and
// the key checks.
func checkLogins(t *testing.T, fams families) {
	t.Helper()
	for key, n := range scenarioLogins {
		if got := fams.value("keyward_logins_total", "mechanism", key[0], "response_type", key[1]); got != n {
			t.Errorf("keyward_logins_total%v = %v, want %v", key, got, n)
		}
	}
	// Four checks (a wrong secret, a malformed key, two right secrets), of
	// which only the one whose login succeeded is timed (the other key has
	// expired: EXPIRED).
	if got := fams.value("keyward_key_verifications_total"); got != 4 {
		t.Errorf("keyward_key_verifications_total = %v, want 4", got)
	}
	if got := fams.value("keyward_key_verification_duration_seconds"); got != 1 {
		t.Errorf("keyward_key_verification_duration_seconds count = %v, want 1", got)
	}
}

// checkOthers: the gauges, the event, drop, rate-limit and store counters,
// and the Go and process collectors.
func checkOthers(t *testing.T, fams families) {
	t.Helper()
	for cred, n := range map[string]float64{"LOGIN_PASSWORD": 4, "API_KEY": 1, "TOKEN": 1} {
		if got := fams.value("keyward_sessions_open", "credential", cred); got != n {
			t.Errorf("keyward_sessions_open{credential=%q} = %v, want %v", cred, got, n)
		}
	}
	for name, n := range map[string]float64{"keyward_connections_open": 9, "keyward_events_sent_total": 2,
		"keyward_slow_clients_dropped_total": 0, "keyward_rate_limited_total": 1, "keyward_store_errors_total": 0} {
		if got := fams.value(name); got != n {
			t.Errorf("%s = %v, want %v", name, got, n)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if fams[name] == nil {
			t.Errorf("no %s: the Go and process collectors are missing", name)
		}
	}
}

// checkLabels: Keyward's families use only the documented label names,
// method is a registered name or "unknown", and no value is a username.
func checkLabels(t *testing.T, srv *apptest.Server, fams families) {
	t.Helper()
	allowed := []string{"method", "outcome", "mechanism", "response_type", "credential", "result", "pool"}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				keyward := strings.HasPrefix(name, "keyward_")
				switch {
				case keyward && !slices.Contains(allowed, l.GetName()):
					t.Errorf("%s has the label %s", name, l.GetName())
				case l.GetName() == "method" && l.GetValue() != "unknown" && !srv.Registry().Exists(l.GetValue()):
					t.Errorf("%s has the unregistered method %q", name, l.GetValue())
				case l.GetValue() == apptest.AdminUser || strings.Contains(l.GetValue(), scenarioUser):
					t.Errorf("%s has a username as a label value: %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
}

// TestMetricsListen: with metrics_listen set, /metrics is served there
// (and nothing else is), and not on the main listener.
func TestMetricsListen(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) { c.MetricsListen = "127.0.0.1:0" })
	admin := srv.MustSetupAdmin(t)
	admin.MustResult("core.ping")
	fams, _ := scrape(t, "http://"+srv.MetricsAddr+"/metrics")
	if got := fams.value("keyward_calls_total", "method", "core.ping", "outcome", "ok"); got != 1 {
		t.Errorf("core.ping calls on the metrics listener: %v, want 1", got)
	}
	for _, url := range []string{srv.URL("/metrics"), "http://" + srv.MetricsAddr + "/healthz", "http://" + srv.MetricsAddr + "/"} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", url, resp.StatusCode)
		}
	}
}
