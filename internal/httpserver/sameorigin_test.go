package httpserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/httpserver"
	"github.com/keyward/keyward/internal/rpc"
)

// status dials the server's /api/current with headers (and Host) and
// returns the HTTP status of the answer: 101 for an upgrade.
func status(t *testing.T, srv *httptest.Server, host string, kv ...string) int {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	opts := &websocket.DialOptions{HTTPHeader: h}
	if host != "" {
		opts.HTTPClient = &http.Client{Transport: withHost{host}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/api/current", opts)
	if err == nil {
		_ = ws.CloseNow()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial: %v", err)
	}
	return resp.StatusCode
}

// withHost sends requests with another Host header.
type withHost struct{ host string }

func (h withHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return http.DefaultTransport.RoundTrip(r)
}

func mustServe(t *testing.T, cfg httpserver.Config) *httptest.Server {
	t.Helper()
	cfg.RPC = rpc.NewServer(rpc.Config{Registry: rpc.NewRegistry()})
	srv := httptest.NewServer(httpserver.New(cfg).Handler())
	t.Cleanup(func() { srv.Close(); cfg.RPC.Shutdown() })
	return srv
}

// TestOriginCanonicalForms: origins compare by scheme, host and port in
// canonical form (case, default port, trailing dot), forwarded headers
// count only from trusted proxies, and the server's own origin counts only
// when a browser cannot have been misled about it (https, an address,
// localhost; attack finding F1).
func TestOriginCanonicalForms(t *testing.T) {
	t.Parallel()
	srv := mustServe(t, httpserver.Config{AllowedOrigins: []string{"HTTPS://Tools.Example.COM.", "http://[::1]:8080"}})
	self := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		name, host, origin string
		want               int
	}{
		{"OKListedDefaultPort", "", "https://tools.example.com:443", 101},
		{"OKListedCase", "", "https://TOOLS.example.com", 101},
		{"OKListedIPv6", "", "http://[::1]:8080", 101},
		{"OKOwn", "", "http://" + self, 101},
		{"OKOwnLocalhost", "localhost:6000", "http://LOCALHOST:6000", 101},
		{"OKOwnDotLocalhost", "keys.localhost.", "http://keys.localhost", 101},
		{"OKOwnListedName", "tools.example.com:443", "https://tools.example.com", 101},
		// A name over plain http may be an attacker's re-pointed at this
		// host (DNS rebinding): same-origin proves nothing there.
		{"ErrOwnNameOverPlainHTTP", "keys.example.com", "http://keys.example.com:80", 403},
		{"ErrOwnTrailingDotOverPlainHTTP", "keys.example.com.", "http://keys.example.com", 403},
		{"ErrListedOtherPort", "", "https://tools.example.com:8443", 403},
		{"ErrOwnHostOtherPort", "keys.example.com", "http://keys.example.com:8080", 403},
		{"ErrPath", "", "http://" + self + "/", 403},
		{"ErrUserinfo", "", "http://u@" + self, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := status(t, srv, tc.host, "Origin", tc.origin); got != tc.want {
				t.Fatalf("Host %q Origin %q: %d, want %d", tc.host, tc.origin, got, tc.want)
			}
		})
	}
	t.Run("ErrForwardedUntrusted", func(t *testing.T) {
		if got := status(t, srv, "", "Origin", "https://keys.example.com",
			"X-Forwarded-Host", "keys.example.com", "X-Forwarded-Proto", "https"); got != 403 {
			t.Fatalf("%d, want 403", got)
		}
	})
	t.Run("OKForwardedTrusted", func(t *testing.T) {
		proxied := mustServe(t, httpserver.Config{Proxies: httpserver.Proxies{netip.MustParsePrefix("127.0.0.0/8")}})
		if got := status(t, proxied, "", "Origin", "https://keys.example.com",
			"X-Forwarded-Host", "keys.example.com", "X-Forwarded-Proto", "https"); got != 101 {
			t.Fatalf("%d, want 101", got)
		}
	})
}
