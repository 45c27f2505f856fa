package acceptance_test

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/config"
)

// TestSCRAMItem10NoTransportRule (item 10): SCRAM over plain ws:// from a
// non-loopback address succeeds and leaves the key unrevoked (the
// insecure-transport rule never applies to SCRAM).
func TestSCRAMItem10NoTransportRule(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t, trustLoopbackProxy)
	c := apptest.MustDialHeader(t, f.srv.WSURL("v26.0.0"), plainProxy) // 192.0.2.10, http
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatalf("SCRAM over an insecure transport: %v", err)
	}
	s := c.MustResult("auth.sessions", []any{[]any{"current", "=", true}}, map[string]any{"get": true}).(map[string]any)
	if s["secure_transport"] != false || s["origin"] != "192.0.2.10" && !strings.Contains(apptest.String(s["origin"]), "192.0.2.10") {
		t.Fatalf("session %s: want an insecure one from 192.0.2.10", apptest.String(s))
	}
	if e := f.admin.MustResult("api_key.get_instance", f.id).(map[string]any); e["revoked"] != false {
		t.Fatalf("SCRAM over ws:// revoked the key: %s", apptest.String(e))
	}
}

// TestSCRAMItem13OlderPaths (item 13, difference S3): v25.* paths do not
// offer SCRAM, and a SCRAM login_data there is the tagged-union error at
// login_data.
func TestSCRAMItem13OlderPaths(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	for _, path := range []string{"v25.10.0", "v25.04.2"} {
		c := apptest.MustDial(t, f.srv.WSURL(path))
		if got := apptest.String(c.MustResult("auth.mechanism_choices")); strings.Contains(got, "SCRAM") {
			t.Fatalf("%s: mechanism_choices %s", path, got)
		}
		r := c.Call("auth.login_ex", map[string]any{"mechanism": "SCRAM", "scram_type": "CLIENT_FIRST_MESSAGE",
			"rfc_str": c.SCRAM("svc", f.raw, false).First()})
		if apptest.Code(r) != -32602 || !strings.HasPrefix(apptest.Extra(r), `[["login_data",`) {
			t.Fatalf("%s: SCRAM login_ex %s, want -32602 at login_data", path, apptest.String(r))
		}
	}
	if got := apptest.String(f.ws(t).MustResult("auth.mechanism_choices")); got != `["API_KEY_PLAIN","TOKEN_PLAIN","PASSWORD_PLAIN","SCRAM"]` {
		t.Fatalf("v26.0.0: mechanism_choices %s", got)
	}
}

// TestSCRAMPendingExchange (scram.md 9.7): any other auth.login_ex call
// discards a pending exchange, and one expires 60 s after its
// server-first; a second client-first starts a new exchange.
func TestSCRAMPendingExchange(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	begin := func(c *apptest.Client) string {
		t.Helper()
		final, _ := c.MustSCRAMFirst(c.SCRAM("svc", f.raw, false))
		return final
	}
	t.Run("ErrDiscardedByOtherLogin", func(t *testing.T) {
		c := f.ws(t)
		final := begin(c)
		if r := login(t, c, passwordData("svc", "wrong", nil)); r["response_type"] != "AUTH_ERR" {
			t.Fatalf("password login %s", apptest.String(r))
		}
		expectNotInProgress(t, c, final)
	})
	t.Run("ErrExpired", func(t *testing.T) {
		c := f.ws(t)
		final := begin(c)
		f.srv.Clock.Advance(61 * time.Second)
		expectNotInProgress(t, c, final)
	})
	t.Run("OKWithinTimeout", func(t *testing.T) {
		c := f.ws(t)
		final := begin(c)
		f.srv.Clock.Advance(59 * time.Second)
		if a, err := c.SCRAMStep(client.SCRAMClientFinal, final); err != nil || a.SCRAMType != "SERVER_FINAL_RESPONSE" {
			t.Fatalf("client-final 59 s after the server-first: %+v %v", a, err)
		}
	})
	t.Run("OKSecondClientFirst", func(t *testing.T) {
		c := f.ws(t)
		old := begin(c)
		final := begin(c)
		if a, err := c.SCRAMStep(client.SCRAMClientFinal, old); err != nil || a.ResponseType != "AUTH_ERR" {
			t.Fatalf("the first exchange's client-final: %+v %v, want AUTH_ERR", a, err)
		}
		// That attempt used the second exchange up.
		expectNotInProgress(t, c, final)
	})
}

// TestSCRAMNotDelayed (scram.md 9.7): the server-first and the EFAULT
// error are answered without the failed-login delay. With a delay of ten
// minutes, a delayed answer would outlast the test client's read timeout.
func TestSCRAMNotDelayed(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t, func(c *config.Config) { c.LoginFailDelay = config.Range{Min: 10 * time.Minute, Max: 10 * time.Minute} })
	c := f.ws(t)
	expectNotInProgress(t, c, "c=biws,r=AAAA,p=AAAA")
	s := c.SCRAM("svc", "987654-"+strings.Repeat("x", 64), false) // a stand-in answers
	if a, err := c.SCRAMStep(client.SCRAMClientFirst, s.First()); err != nil || a.SCRAMType != "SERVER_FIRST_RESPONSE" {
		t.Fatalf("server-first: %+v %v", a, err)
	}
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatalf("login: %v", err)
	}
}

// TestSCRAMUnixSocket (difference S6): on the unix socket SCRAM logs in
// unbound; a bound client-first is refused.
func TestSCRAMUnixSocket(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "kw.sock")
	f := newSCRAMFixture(t, func(c *config.Config) { c.UnixSocket = sock })
	d := &net.Dialer{}
	unix := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return d.DialContext(ctx, "unix", sock)
	}}}
	dial := func() *apptest.Client {
		return apptest.MustDialOpts(t, "ws://keyward/api/v26.0.0", &websocket.DialOptions{HTTPClient: unix})
	}
	c := dial()
	bound := c.SCRAM("svc", f.raw, false)
	bound.Binding = make([]byte, 32)
	if resp, step := scramRefusal(func() error { _, err := c.LoginSCRAM(bound); return err }()); resp != "AUTH_ERR" || step != client.SCRAMClientFirst {
		t.Fatalf("bound on the unix socket: %s at %s, want AUTH_ERR at the client-first", resp, step)
	}
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatalf("unbound on the unix socket: %v", err)
	}
	if got := c.MustResult("auth.me").(map[string]any)["pw_name"]; got != "svc" {
		t.Fatalf("auth.me pw_name %v", got)
	}
}
