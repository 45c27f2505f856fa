package acceptance_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// plainProxy makes the connection look like a client of a trusted reverse
// proxy that received plain http from 192.0.2.10: an insecure transport
// (protocol.md 1.2). The test server trusts 127.0.0.1 as a proxy.
var plainProxy = http.Header{"X-Forwarded-For": {"192.0.2.10"}, "X-Forwarded-Proto": {"http"}}

// tlsProxy is the same proxy reporting https: a secure transport. (With
// 127.0.0.1 trusted as a proxy, a loopback client that sends no
// X-Forwarded-Proto counts as insecure.)
var tlsProxy = http.Header{"X-Forwarded-For": {"192.0.2.10"}, "X-Forwarded-Proto": {"https"}}

func trustLoopbackProxy(c *config.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

func TestInsecureTransportRevokes(t *testing.T) { // acceptance 7, 11
	t.Parallel()
	srv := apptest.MustStart(t, trustLoopbackProxy)
	admin := srv.MustSetupAdmin(t)
	id, raw := apptest.MustCreateKey(t, admin, "Test API Key", "admin")
	insecure := func() *apptest.Client { return apptest.MustDialHeader(t, srv.WSURL("current"), plainProxy) }
	if got := insecure().KeyLogin("admin", apptest.WrongSecret(raw)); got != "AUTH_ERR" {
		t.Fatalf("wrong secret over ws://: %s", got)
	}
	if e := admin.MustResult("api_key.get_instance", id).(map[string]any); e["revoked"] != false {
		t.Fatal("a wrong secret revoked the key")
	}
	if got := insecure().KeyLogin("admin", raw); got != "EXPIRED" {
		t.Fatalf("right secret over ws://: %s", got)
	}
	e := admin.MustResult("api_key.get_instance", id).(map[string]any)
	if e["revoked"] != true || e["revoked_reason"] != "Attempt to use over an insecure transport" {
		t.Fatalf("entry %s", apptest.String(e))
	}
	alerts := admin.MustResult("alert.list").([]any)
	if len(alerts) != 1 || !strings.HasPrefix(alerts[0].(map[string]any)["formatted"].(string),
		"Test API Key: API key has been revoked and must either be renewed or deleted. Revoke reason: Attempt to use over an insecure transport.") {
		t.Fatalf("alerts %s", apptest.String(alerts))
	}
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", raw); got != "AUTH_ERR" {
		t.Fatalf("revoked key over loopback: %s", got)
	}
	fresh := admin.MustResult("api_key.update", id, map[string]any{"reset": true}).(map[string]any)
	if fresh["revoked"] != false || fresh["revoked_reason"] != nil {
		t.Fatalf("after reset %s", apptest.String(fresh))
	}
	if alerts := admin.MustResult("alert.list").([]any); len(alerts) != 0 {
		t.Fatalf("alert survived the reset: %s", apptest.String(alerts))
	}
	if got := apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy).KeyLogin("admin", fresh["key"].(string)); got != "SUCCESS" {
		t.Fatalf("reset key: %s", got)
	}
}

func TestInsecureTransportRejects(t *testing.T) { // acceptance 11, reject policy
	t.Parallel()
	srv := apptest.MustStart(t, trustLoopbackProxy, func(c *config.Config) {
		c.InsecureKeyPolicy = "reject"
		c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true
	})
	admin := srv.MustSetupAdmin(t)
	id, raw := apptest.MustCreateKey(t, admin, "rejected", "admin")
	if got := apptest.MustDialHeader(t, srv.WSURL("current"), plainProxy).KeyLogin("admin", raw); got != "EXPIRED" {
		t.Fatalf("over ws://: %s", got)
	}
	tlsConn := apptest.MustDialTLS(t, "wss://"+srv.TLSAddr+"/api/current")
	if got := tlsConn.KeyLogin("admin", raw); got != "SUCCESS" {
		t.Fatalf("over TLS: %s", got)
	}
	s := tlsConn.MustResult("auth.sessions", []any{[]any{"current", "=", true}}, map[string]any{"get": true}).(map[string]any)
	if s["secure_transport"] != true {
		t.Fatalf("TLS session %s", apptest.String(s))
	}
	alerts := admin.MustResult("alert.list").([]any)
	if len(alerts) != 1 || alerts[0].(map[string]any)["klass"] != "ApiKeyInsecureUse" ||
		alerts[0].(map[string]any)["formatted"] != "rejected: API key was presented over an insecure transport from 192.0.2.10 and was refused. The key was not revoked; reset it if it may have been exposed." {
		t.Fatalf("alerts %s", apptest.String(alerts))
	}
	if e := admin.MustResult("api_key.get_instance", id).(map[string]any); e["revoked"] != false {
		t.Fatal("reject policy revoked the key")
	}
}
