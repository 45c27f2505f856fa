package rpc_test

import (
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
)

// TestAdmit: the cap on connections not logged in counts per client
// address (an IPv6 /64), spares the unix socket and exempt addresses, and
// a place given back twice counts once.
func TestAdmit(t *testing.T) {
	t.Parallel()
	srv := rpc.NewServer(rpc.Config{Registry: rpc.NewRegistry(), MaxUnauthenticated: 2,
		UnauthenticatedExempt: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	t.Cleanup(srv.Shutdown)
	held := map[string]*rpc.Guest{}
	steps := []struct {
		name, key, addr string // key names the place for a later release
		unix            bool
		release         string
		want            bool
	}{
		{name: "OKFirst", key: "v4a", addr: "192.0.2.1", want: true},
		{name: "OKSecond", key: "v4b", addr: "192.0.2.1", want: true},
		{name: "ErrThird", addr: "192.0.2.1"},
		{name: "ErrMappedIsSame", addr: "::ffff:192.0.2.1"},
		{name: "OKOtherAddress", addr: "192.0.2.2", want: true},
		{name: "OKv6", addr: "2001:db8::1", want: true},
		{name: "OKv6SameSlash64", addr: "2001:db8::ffff:2", want: true},
		{name: "ErrV6SameSlash64", addr: "2001:db8::3"},
		{name: "OKv6OtherSlash64", addr: "2001:db8:0:1::1", want: true},
		{name: "OKExempt", addr: "10.1.2.3", want: true},
		{name: "OKExemptAgain", addr: "10.1.2.3", want: true},
		{name: "OKExemptThird", addr: "10.1.2.3", want: true},
		{name: "OKUnix", unix: true, want: true},
		{name: "OKAfterRelease", release: "v4a", addr: "192.0.2.1", want: true},
		{name: "ErrDoubleReleaseCountsOnce", release: "v4a", addr: "192.0.2.1"},
	}
	for _, s := range steps {
		if s.release != "" {
			held[s.release].Release()
		}
		origin := keyward.Origin{Unix: s.unix}
		if !s.unix {
			origin.Addr = netip.AddrPortFrom(netip.MustParseAddr(s.addr), 5000)
		}
		g := srv.Admit(origin)
		if (g != nil) != s.want {
			t.Fatalf("%s: Admit(%s) = %v, want admitted %v", s.name, origin, g, s.want)
		}
		if s.key != "" {
			held[s.key] = g
		}
	}
	var none *rpc.Guest
	none.Release() // a nil place is fine to give back
}

// TestUnauthenticatedCap: over HTTP, a client address holding the maximum
// of connections not logged in is refused an upgrade until one of them
// logs in or closes.
func TestUnauthenticatedCap(t *testing.T) {
	t.Parallel()
	f := newFixture(t, rpc.Config{MaxUnauthenticated: 2})
	a, b := f.dial(t), f.dial(t)
	if got := f.dialStatus(t); got != http.StatusTooManyRequests {
		t.Fatalf("third connection: %d, want 429", got)
	}
	a.login("alice")
	if got := f.dialStatus(t); got != http.StatusSwitchingProtocols {
		t.Fatalf("after a login: %d, want 101", got)
	}
	if got := f.dialStatus(t); got != http.StatusTooManyRequests {
		t.Fatalf("fourth connection: %d, want 429", got)
	}
	_ = b.Close()
	eventually(t, "b's place given back", func() bool {
		ok := f.srv.Admit(keyward.Origin{Addr: netip.MustParseAddrPort("127.0.0.1:1")})
		ok.Release()
		return ok != nil
	})
}

// authTimeout is long enough for a login to start before it passes on a
// loaded machine; the tests wait for it through a witness connection
// opened later, never by sleeping.
const authTimeout = time.Second

// TestAuthTimeout: a connection that has not logged in when the auth
// timeout passes is closed with 1008 "Authentication timeout"; a login
// running then decides.
func TestAuthTimeout(t *testing.T) {
	t.Parallel()
	const timedOut = "Authentication timeout"
	t.Run("ErrNotLoggedIn", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, rpc.Config{AuthTimeout: authTimeout})
		c := f.dial(t)
		if got := c.result("test.ping"); got != "pong" {
			t.Fatalf("ping: %v", got)
		}
		c.wantClose(websocket.StatusPolicyViolation, timedOut)
	})
	t.Run("OKLoggedIn", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, rpc.Config{AuthTimeout: authTimeout})
		c := f.dial(t)
		c.login("alice")
		f.dial(t).wantClose(websocket.StatusPolicyViolation, timedOut)
		if got := c.result("test.whoami").(map[string]any)["username"]; got != "alice" {
			t.Fatalf("whoami: %v", got)
		}
	})
	for _, tc := range []struct {
		name, user string
		ok         bool
	}{{"OKLoginRunning", "alice", true}, {"ErrLoginRunningFails", "nobody", false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, rpc.Config{AuthTimeout: authTimeout})
			c := f.dial(t)
			c.send(`{"jsonrpc":"2.0","id":1,"method":"test.login","params":["` + tc.user + `",true]}`)
			recv(t, f.logins.entered, "the login starting")
			f.dial(t).wantClose(websocket.StatusPolicyViolation, timedOut)
			f.gate <- struct{}{}
			r := c.nextMsg()
			if !tc.ok {
				wantCallError(t, r, keyward.ENOTAUTHENTICATED, "[ENOTAUTHENTICATED] Not authenticated")
				c.wantClose(websocket.StatusPolicyViolation, timedOut)
				return
			}
			if string(r.Result) != "true" {
				t.Fatalf("login: %s", r.Raw)
			}
			if got := c.result("test.whoami").(map[string]any)["username"]; got != "alice" {
				t.Fatalf("whoami: %v", got)
			}
		})
	}
}
