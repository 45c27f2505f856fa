package acceptance_test

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// upgradeStatus tries a WebSocket upgrade with opts and returns the HTTP
// status of the answer: 101 when the upgrade succeeded (the connection is
// closed again when the test ends).
func upgradeStatus(t *testing.T, url string, opts *websocket.DialOptions) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), apptest.Timeout)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, url, opts)
	if err == nil {
		t.Cleanup(func() { _ = ws.CloseNow() })
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	return resp.StatusCode
}

// withHeader is a dial from the default address with extra headers.
func withHeader(kv ...string) *websocket.DialOptions {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return &websocket.DialOptions{HTTPHeader: h}
}

// fromAddr is a dial from a local address such as 127.0.0.2.
func fromAddr(ip string) *websocket.DialOptions {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
}

// TestSecurityItem7CrossSiteOrigin: a page of another site, opened in a
// browser on the server's own host, cannot open a WebSocket (and so cannot
// run first-run setup from loopback). Clients that send no Origin, the
// server's own pages and the origins of allowed_origins can.
func TestSecurityItem7CrossSiteOrigin(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) {
		c.AllowedOrigins = []string{"https://ui.example.com"}
	})
	url := srv.WSURL("current")
	for _, tc := range []struct {
		name, origin string
		want         int
	}{
		{"OKAbsent", "", http.StatusSwitchingProtocols},
		{"OKSameOrigin", "http://" + srv.Addr, http.StatusSwitchingProtocols},
		{"OKSameOriginUpperCase", "HTTP://" + strings.ToUpper(srv.Addr), http.StatusSwitchingProtocols},
		{"OKListed", "https://ui.example.com", http.StatusSwitchingProtocols},
		{"OKListedDefaultPort", "https://ui.example.com:443", http.StatusSwitchingProtocols},
		{"ErrOtherSite", "http://evil.example", http.StatusForbidden},
		{"ErrOtherPort", "http://127.0.0.1:1", http.StatusForbidden},
		{"ErrOtherScheme", "https://" + srv.Addr, http.StatusForbidden},
		{"ErrListedOtherScheme", "http://ui.example.com", http.StatusForbidden},
		{"ErrNull", "null", http.StatusForbidden},
		{"ErrGarbage", "::", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := &websocket.DialOptions{}
			if tc.origin != "" {
				opts = withHeader("Origin", tc.origin)
			}
			if got := upgradeStatus(t, url, opts); got != tc.want {
				t.Fatalf("Origin %q: HTTP %d, want %d", tc.origin, got, tc.want)
			}
		})
	}
	// The refused page ran nothing: the server still offers first-run setup.
	if got := apptest.MustDial(t, url).MustResult("user.has_local_administrator_set_up"); got != false {
		t.Fatalf("has_local_administrator_set_up %v after refused upgrades", got)
	}
	if logs := srv.Logs(); !strings.Contains(logs, "origin refused") || !strings.Contains(logs, "http://evil.example") {
		t.Fatalf("refusal not logged:\n%s", logs)
	}

	// DNS rebinding (attack finding F1): the page of attacker.example, its
	// name re-pointed at this server, sends Host and Origin both naming
	// attacker.example over plain http. Same-origin proves nothing then.
	t.Run("ErrRebound", func(t *testing.T) {
		_, port, _ := net.SplitHostPort(srv.Addr)
		rebound := "attacker.example:" + port
		opts := withHeader("Origin", "http://"+rebound)
		opts.Host = rebound
		if got := upgradeStatus(t, url, opts); got != http.StatusForbidden {
			t.Fatalf("rebound page: HTTP %d, want 403", got)
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL("/metrics"), nil)
		req.Host = rebound
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("/metrics for a rebound page: HTTP %d, want 404", resp.StatusCode)
		}
	})

	// Forwarded headers count only from a trusted proxy.
	t.Run("OKThroughTrustedProxy", func(t *testing.T) {
		proxied := apptest.MustStart(t, trustLoopbackProxy)
		opts := withHeader("Origin", "https://keys.example.com:8443",
			"X-Forwarded-Proto", "https", "X-Forwarded-Host", "keys.example.com:8443")
		if got := upgradeStatus(t, proxied.WSURL("current"), opts); got != http.StatusSwitchingProtocols {
			t.Fatalf("HTTP %d through the trusted proxy", got)
		}
		opts = withHeader("Origin", "https://keys.example.com:8443", "X-Forwarded-Proto", "https")
		if got := upgradeStatus(t, proxied.WSURL("current"), opts); got != http.StatusForbidden {
			t.Fatalf("HTTP %d without X-Forwarded-Host", got)
		}
	})
	t.Run("ErrForwardedFromUntrusted", func(t *testing.T) {
		opts := withHeader("Origin", "https://keys.example.com",
			"X-Forwarded-Proto", "https", "X-Forwarded-Host", "keys.example.com")
		if got := upgradeStatus(t, url, opts); got != http.StatusForbidden {
			t.Fatalf("HTTP %d with forwarded headers from an untrusted peer", got)
		}
	})
}

// TestSecurityItem10AuthTimeout: a connection that has not logged in
// within auth_timeout is closed with 1008 "Authentication timeout", calls
// that need no login do not extend it, and a logged-in connection stays.
func TestSecurityItem10AuthTimeout(t *testing.T) {
	t.Parallel()
	// Long enough for setup and a login on a loaded machine.
	srv := apptest.MustStart(t, func(c *config.Config) { c.AuthTimeout = time.Second })
	admin := srv.MustSetupAdmin(t) // logged in within the timeout
	idle := apptest.MustDial(t, srv.WSURL("current"))
	pinging := apptest.MustDial(t, srv.WSURL("current"))
	if got := pinging.MustResult("core.ping"); got != "pong" {
		t.Fatalf("ping: %v", got)
	}
	idle.ExpectClose(websocket.StatusPolicyViolation, "Authentication timeout")
	pinging.ExpectClose(websocket.StatusPolicyViolation, "Authentication timeout")
	// Both were opened after the administrator's connection, so its time
	// is up too; having logged in, it is still served.
	if got := admin.MustResult("core.ping"); got != "pong" {
		t.Fatalf("logged-in connection: %v", got)
	}

	// A login still running at the deadline is answered before the close:
	// the failed-login delay (2 s) outlasts the timeout (300 ms).
	t.Run("OKLoginInProgressAnswered", func(t *testing.T) {
		slow := apptest.MustStart(t, func(c *config.Config) {
			c.AuthTimeout, c.LoginFailDelay = 300*time.Millisecond, config.Range{Min: 2 * time.Second, Max: 2 * time.Second}
		})
		c := apptest.MustDial(t, slow.WSURL("current"))
		if r := c.Login("nobody", "wrong"); r["response_type"] != "AUTH_ERR" {
			t.Fatalf("login: %s", apptest.String(r))
		}
		c.ExpectClose(websocket.StatusPolicyViolation, "Authentication timeout")
	})
}

// TestSecurityItem10UnauthenticatedCap: one client address holds at most
// max_unauthenticated_per_address connections that have not logged in;
// the next upgrade gets HTTP 429. Logging in frees the place; other
// addresses, rate_limit_exempt addresses and the unix socket are not
// affected.
func TestSecurityItem10UnauthenticatedCap(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "kw.sock")
	srv := apptest.MustStart(t, func(c *config.Config) {
		c.MaxUnauthenticatedPerAddress = 3
		c.RateLimitExempt = []netip.Prefix{netip.MustParsePrefix("127.0.0.9/32")}
		c.UnixSocket = sock
	})
	srv.MustSetupAdmin(t) // from 127.0.0.1, logged in
	url := srv.WSURL("current")
	var held []*apptest.Client
	for range 3 {
		held = append(held, apptest.MustDialFrom(t, url, "127.0.0.2"))
	}
	if got := upgradeStatus(t, url, fromAddr("127.0.0.2")); got != http.StatusTooManyRequests {
		t.Fatalf("4th connection not logged in from one address: HTTP %d, want 429", got)
	}
	if got := upgradeStatus(t, url, fromAddr("127.0.0.3")); got != http.StatusSwitchingProtocols {
		t.Fatalf("another address: HTTP %d", got)
	}
	// A login frees the place at once.
	held[0].MustLogin(apptest.AdminUser, apptest.AdminPassword)
	if got := upgradeStatus(t, url, fromAddr("127.0.0.2")); got != http.StatusSwitchingProtocols {
		t.Fatalf("after one logged in: HTTP %d", got)
	}
	if got := upgradeStatus(t, url, fromAddr("127.0.0.2")); got != http.StatusTooManyRequests {
		t.Fatalf("full again: HTTP %d, want 429", got)
	}
	// A closed connection frees its place once the server has seen it go.
	_ = held[1].Conn().Close(websocket.StatusNormalClosure, "")
	waitUpgrade(t, url, fromAddr("127.0.0.2"))

	t.Run("OKExempt", func(t *testing.T) {
		for range 5 {
			if got := upgradeStatus(t, url, fromAddr("127.0.0.9")); got != http.StatusSwitchingProtocols {
				t.Fatalf("exempt address: HTTP %d", got)
			}
		}
	})
	t.Run("OKUnixSocket", func(t *testing.T) {
		d := &net.Dialer{}
		unix := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", sock)
		}}}
		for range 5 {
			if got := upgradeStatus(t, "ws://keyward/api/current", &websocket.DialOptions{HTTPClient: unix}); got != http.StatusSwitchingProtocols {
				t.Fatalf("unix socket: HTTP %d", got)
			}
		}
	})
	t.Run("ErrIPv6By64ThroughProxy", func(t *testing.T) {
		proxied := apptest.MustStart(t, trustLoopbackProxy, func(c *config.Config) {
			c.MaxUnauthenticatedPerAddress, c.RateLimitExempt = 2, nil
		})
		purl := proxied.WSURL("current")
		for _, tc := range []struct {
			client string
			want   int
		}{
			{"2001:db8::1", http.StatusSwitchingProtocols},
			{"2001:db8::2", http.StatusSwitchingProtocols},
			{"2001:db8::ffff:3", http.StatusTooManyRequests}, // the same /64
			{"2001:db8:0:1::1", http.StatusSwitchingProtocols},
			{"192.0.2.7", http.StatusSwitchingProtocols}, // the client counts, not the proxy
		} {
			if got := upgradeStatus(t, purl, withHeader("X-Forwarded-For", tc.client)); got != tc.want {
				t.Fatalf("client %s: HTTP %d, want %d", tc.client, got, tc.want)
			}
		}
	})
}

// waitUpgrade retries an upgrade until it succeeds (the server frees a
// closed connection's place when its reader sees the close), within
// apptest.Timeout.
func waitUpgrade(t *testing.T, url string, opts *websocket.DialOptions) {
	t.Helper()
	deadline := time.Now().Add(apptest.Timeout)
	for {
		got := upgradeStatus(t, url, opts)
		if got == http.StatusSwitchingProtocols {
			return
		}
		if got != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("after a close: HTTP %d", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
