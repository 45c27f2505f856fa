package acceptance_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/config"
)

// TestSCRAMSecretsSweep runs every way SCRAM material reaches or leaves
// the server — create and reset results (client_key, stored_key,
// server_key), api_key.convert_raw_key right and wrong, SCRAM logins right
// and wrong (client proofs), reconnect tokens — while subscribers on
// v25.10.0, v26.0.0 and current record every event, then searches the
// events, the other answers, the log, the audit records, /metrics, the data
// files and core.get_methods for each of them. Only the create, reset and
// convert results themselves may hold them.
func TestSCRAMSecretsSweep(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) {
		trustLoopbackProxy(c)
		c.LogFormat = "json"
		c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true
	})
	sw := newSweep()
	sw.secret(apptest.AdminPassword)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "svc", "pw-svc-secret-123", "READONLY_ADMIN")
	sw.secret("pw-svc-secret-123")
	var stops []func()
	for _, v := range []string{"v25.10.0", "v26.0.0", "current"} {
		sub := apptest.MustDialHeader(t, srv.WSURL(v), tlsProxy)
		sub.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		sub.MustResult("core.subscribe", "*")
		stops = append(stops, sw.record(sub, "events "+v))
		ro := apptest.MustDialHeader(t, srv.WSURL(v), tlsProxy)
		ro.MustLogin("svc", "pw-svc-secret-123")
		ro.MustResult("core.subscribe", "api_key.query")
		stops = append(stops, sw.record(ro, "events READONLY "+v))
	}
	v26 := func() *apptest.Client { return apptest.MustDialHeader(t, srv.WSURL("v26.0.0"), tlsProxy) }
	a26 := v26()
	a26.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	issued := func(r map[string]any) string {
		for _, f := range []string{"key", "client_key", "stored_key", "server_key"} {
			if s, _ := r[f].(string); s != "" && s != "********" {
				sw.secret(s)
			} else {
				t.Fatalf("result without a real %s: %s", f, apptest.String(r))
			}
		}
		return r["key"].(string)
	}
	create := func(c *apptest.Client, name, user string) (int64, string) {
		r := c.MustResult("api_key.create", map[string]any{"name": name, "username": user}).(map[string]any)
		id, _ := apptest.Int(r["id"])
		return id, issued(r)
	}
	id1, raw1 := create(a26, "one", "svc")
	svc := v26()
	svc.MustLogin("svc", "pw-svc-secret-123")
	_, own := create(svc, "own", "svc")
	raw1b := issued(a26.MustResult("api_key.update", id1, map[string]any{"reset": true}).(map[string]any))

	// convert_raw_key: right (the result holds secrets), wrong, misplaced.
	conv := svc.MustResult("api_key.convert_raw_key", own).(map[string]any)
	for _, f := range []string{"client_key", "stored_key", "server_key"} {
		sw.secret(conv[f].(string))
	}
	sw.call(svc, "api_key.convert_raw_key", sw.secret(apptest.WrongSecret(own)))
	sw.call(svc, "api_key.convert_raw_key", raw1) // the secret before the reset
	sw.call(svc, "api_key.convert_raw_key", map[string]any{"raw_key": own})
	sw.call(svc, "api_key.convert_raw_key", own, own)

	// SCRAM logins: right, wrong, replayed, a reset key's old secret.
	scram := func(user, key string) {
		c := v26()
		s := c.SCRAM(user, key, false)
		a, err := c.SCRAMStep(client.SCRAMClientFirst, s.First())
		sw.saw("answers", apptest.String(a))
		if err != nil {
			t.Fatal(err)
		}
		final, err := s.Final(a.RFCStr)
		if err != nil {
			t.Fatal(err)
		}
		sw.secret(final[strings.Index(final, ",p=")+3:])
		b, err := c.SCRAMStep(client.SCRAMClientFinal, final)
		sw.saw("answers", apptest.String(b))
		// The replayed client-final on another connection.
		c2 := v26()
		s2 := c2.SCRAM(user, key, false)
		a2, _ := c2.SCRAMStep(client.SCRAMClientFirst, s2.First())
		sw.saw("answers", apptest.String(a2))
		r, _ := c2.SCRAMStep(client.SCRAMClientFinal, final)
		sw.saw("answers", apptest.String(r))
		if err == nil && b.SCRAMType == "SERVER_FINAL_RESPONSE" {
			sw.saw("answers", apptest.String(c.MustResult("auth.me")))
			sw.saw("answers", apptest.String(admin.MustResult("auth.sessions")))
		}
	}
	scram("svc", raw1b)
	scram("svc", raw1)
	scram("svc", apptest.WrongSecret(own))
	scram("svc", own)
	scram("admin", own)
	// A key file from the convert result.
	file := keyFile(t, map[string]any{"api_key_id": conv["api_key_id"], "client_key": conv["client_key"],
		"stored_key": conv["stored_key"], "server_key": conv["server_key"]})
	c := v26()
	if _, err := c.LoginSCRAM(c.SCRAM("svc", file, false)); err != nil {
		t.Fatalf("key file: %v", err)
	}

	// Reconnect tokens: issued, used, reused.
	rc := v26()
	r := login(t, rc, map[string]any{"mechanism": "API_KEY_PLAIN", "username": "svc", "api_key": own,
		"login_options": map[string]any{"reconnect_token": true}})
	tok, _ := r["reconnect_token"].(string)
	if tok == "" {
		t.Fatalf("no reconnect token: %s", apptest.String(r))
	}
	sw.secret(tok)
	sw.call(v26(), "auth.login_ex", map[string]any{"mechanism": "TOKEN_PLAIN", "token": tok})
	sw.call(v26(), "auth.login_ex", map[string]any{"mechanism": "TOKEN_PLAIN", "token": tok})
	sw.call(a26, "api_key.query")
	sw.call(svc, "api_key.my_keys")
	sw.call(admin, "api_key.query")
	sw.call(a26, "api_key.delete", id1)

	for _, v := range []string{"v25.10.0", "v26.0.0", "current"} {
		c := apptest.MustDial(t, srv.WSURL(v))
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		sw.saw("core.get_methods", apptest.String(c.MustResult("core.get_methods")))
	}
	sw.saw("audit records", apptest.String(admin.MustResult("audit.query", map[string]any{"query-options": map[string]any{"limit": 10000}})))
	for _, stop := range stops {
		stop()
	}
	resp, err := http.Get(srv.URL("/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sw.saw("metrics", string(body))
	if err := srv.Checkpoint(t.Context()); err != nil {
		t.Fatal(err)
	}
	sw.saw("log", srv.Logs())
	files, _ := filepath.Glob(filepath.Join(srv.DataDir, "*"))
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			sw.saw(filepath.Base(f), string(data))
		}
	}
	if !strings.Contains(sw.places["events v26.0.0"].String(), `"msg":"added"`) {
		t.Fatal("the v26 subscriber saw no events")
	}
	sw.check(t)
}
