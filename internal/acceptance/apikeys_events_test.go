package acceptance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// readEvent reads messages until a collection_update arrives; other
// messages are kept out of the way of the caller's checks.
func readEvent(t *testing.T, c *apptest.Client) (map[string]any, string) {
	t.Helper()
	for {
		data, err := c.ReadRaw(apptest.Timeout)
		if err != nil {
			t.Fatalf("waiting for an event: %v", err)
		}
		m := apptest.Decode(t, data)
		if m["method"] == "collection_update" {
			return m["params"].(map[string]any), string(data)
		}
	}
}

func TestKeyEvents(t *testing.T) { // acceptance 18, difference 4
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "watcher", "pw-w", "READONLY_ADMIN")
	sub := apptest.MustDial(t, srv.WSURL("v25.04.0"))
	sub.MustLogin("watcher", "pw-w")
	subID := sub.MustResult("core.subscribe", "api_key.query").(string)
	sub.MustResult("core.subscribe", "api_key.query") // two subscriptions, one notification each

	e := admin.MustResult("api_key.create", map[string]any{"name": "ci", "username": "admin"}).(map[string]any)
	id, raw := e["id"], e["key"].(string)
	secret := raw[strings.IndexByte(raw, '-')+1:]
	added, text := readEvent(t, sub)
	fields := added["fields"].(map[string]any)
	if added["msg"] != "added" || added["collection"] != "api_key.query" || added["id"] != id || fields["id"] != id ||
		fields["keyhash"] != "********" || strings.Contains(text, secret) {
		t.Fatalf("added %s", text)
	}
	if _, has := fields["key"]; has {
		t.Fatalf("added event has the key: %s", text)
	}
	if _, has := fields["revoked_reason"]; has {
		t.Fatalf("v25.04.0 subscriber got revoked_reason: %s", text)
	}
	admin.MustResult("api_key.update", id, map[string]any{"name": "ci-2"})
	changed, _ := readEvent(t, sub)
	if changed["msg"] != "changed" || changed["fields"].(map[string]any)["name"] != "ci-2" {
		t.Fatalf("changed %s", apptest.String(changed))
	}
	admin.MustResult("api_key.delete", id)
	removed, text := readEvent(t, sub)
	if removed["msg"] != "removed" || removed["id"] != id || removed["fields"] != nil {
		t.Fatalf("removed %s", text)
	}
	// One notification per event: the second subscription adds nothing.
	sub.MustResult("core.ping")
	sub.MustResult("core.unsubscribe", subID)
	for _, s := range sub.MustResult("auth.sessions").([]any) {
		_ = s
	}
	t.Run("OKUnsubscribeStops", func(t *testing.T) {
		only := apptest.MustDial(t, srv.WSURL("current"))
		only.MustLogin("watcher", "pw-w")
		sid := only.MustResult("core.subscribe", "api_key.query").(string)
		only.MustResult("core.unsubscribe", sid)
		apptest.MustCreateKey(t, admin, "after", "admin")
		only.Send(`{"jsonrpc":"2.0","id":"probe","method":"core.ping"}`)
		if r := only.Read(); r["id"] != "probe" {
			t.Fatalf("event after unsubscribe: %s", apptest.String(r))
		}
	})
	t.Run("ErrSubscribeWithoutRole", func(t *testing.T) { // protocol acceptance 14
		apptest.MustUserWithRoles(t, admin, "acct", "pw-a", "ACCOUNT_READ")
		c := apptest.MustDial(t, srv.WSURL("current"))
		c.MustLogin("acct", "pw-a")
		if r := c.Call("core.subscribe", "api_key.query"); apptest.Errno(r) != 13 {
			t.Fatalf("subscribe without API_KEY_READ: %s", apptest.String(r))
		}
		if r := c.Call("core.subscribe", "*"); apptest.Errno(r) != 13 {
			t.Fatalf("* without FULL_ADMIN: %s", apptest.String(r))
		}
		if r := admin.Call("core.subscribe", "*"); r["error"] != nil {
			t.Fatalf("* for FULL_ADMIN: %s", apptest.String(r))
		}
	})
}

func TestRoleLossUnsubscribes(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	uid := apptest.MustUserWithRoles(t, admin, "w", "pw-w", "READONLY_ADMIN")
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.MustLogin("w", "pw-w")
	c.MustResult("core.subscribe", "api_key.query")
	admin.MustResult("user.update", uid, map[string]any{"locked": true})
	for {
		m := c.Read()
		if m["method"] == "notify_unsubscribed" {
			p := m["params"].(map[string]any)
			if p["collection"] != "api_key.query" || p["error"].(map[string]any)["errname"] != "ENOTAUTHENTICATED" {
				t.Fatalf("notify_unsubscribed %s", apptest.String(m))
			}
			return
		}
	}
}

func TestKeyAudit(t *testing.T) { // acceptance 13, 14
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id, raw := apptest.MustCreateKey(t, admin, "AUDIT_API_KEY", "admin")
	created := admin.MustResult("api_key.get_instance", id).(map[string]any)["created_at"].(map[string]any)["$date"]
	ms, _ := apptest.Int(created)
	admin.MustResult("api_key.update", id, map[string]any{"expires_at": map[string]any{"$date": ms + 3600_000}})
	c := apptest.MustDial(t, srv.WSURL("current"))
	if c.MustResult("auth.login_with_api_key", raw) != true || c.MustResult("auth.login_with_api_key", "invalid_api_key") != false {
		t.Fatal("login_with_api_key")
	}
	admin.MustResult("api_key.delete", id)
	for _, d := range []string{"Create API key AUDIT_API_KEY", "Update API key AUDIT_API_KEY", "Delete API key AUDIT_API_KEY"} {
		recs := admin.MustResult("audit.query", map[string]any{"query-filters": []any{[]any{"event_data.description", "=", d}},
			"query-options": map[string]any{"limit": 100}}).([]any)
		if len(recs) != 1 || recs[0].(map[string]any)["event"] != "METHOD_CALL" {
			t.Fatalf("%s: %s", d, apptest.String(recs))
		}
	}
	logins := admin.MustResult("audit.query", map[string]any{"query-filters": []any{
		[]any{"event", "=", "AUTHENTICATION"}, []any{"event_data.credentials.credentials", "=", "API_KEY"}},
		"query-options": map[string]any{"limit": 100}}).([]any)
	if len(logins) != 2 {
		t.Fatalf("key logins %s", apptest.String(logins))
	}
	ok := logins[0].(map[string]any)
	data := ok["event_data"].(map[string]any)["credentials"].(map[string]any)["credentials_data"].(map[string]any)
	if ok["success"] != true || data["username"] != "admin" || data["login_at"] == nil ||
		apptest.String(data["api_key"]) != `{"id":`+apptest.String(id)+`,"name":"AUDIT_API_KEY"}` {
		t.Fatalf("successful key login record %s", apptest.String(ok))
	}
	bad := logins[1].(map[string]any)["event_data"].(map[string]any)
	if apptest.String(bad["credentials"]) != `{"credentials":"API_KEY","credentials_data":{"api_key":"********","username":null}}` ||
		bad["error"] != "Invalid API key" {
		t.Fatalf("failed key login record %s", apptest.String(bad))
	}
}

func TestMissingPepperRefusesStart(t *testing.T) { // acceptance 22
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustCreateKey(t, admin, "k", "admin")
	pepper, err := os.ReadFile(filepath.Join(srv.DataDir, "pepper"))
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Fields(string(pepper))[0]
	srv.Stop()
	if err := os.Remove(filepath.Join(srv.DataDir, "pepper")); err != nil {
		t.Fatal(err)
	}
	_, err = apptest.StartErr(srv.DataDir)
	if err == nil || !strings.Contains(err.Error(), "pepper "+id) || !strings.Contains(err.Error(), "1 keys") {
		t.Fatalf("start without the pepper: %v", err)
	}
}
