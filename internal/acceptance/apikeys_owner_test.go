package acceptance_test

import (
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

func TestRevocationEndsKeySession(t *testing.T) { // acceptance 17 (revoked)
	t.Parallel()
	srv := apptest.MustStart(t, trustLoopbackProxy)
	admin := srv.MustSetupAdmin(t)
	_, raw := apptest.MustCreateKey(t, admin, "k", "admin")
	c := apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy)
	if c.KeyLogin("admin", raw) != "SUCCESS" {
		t.Fatal("login")
	}
	tok := c.MustResult("auth.generate_token").(string)
	apptest.MustDialHeader(t, srv.WSURL("current"), plainProxy).KeyLogin("admin", raw)
	if apptest.Errno(c.Call("auth.me")) != 207 {
		t.Fatal("session of a revoked key survived")
	}
	if tokenLogin(apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy), tok) != "AUTH_ERR" {
		t.Fatal("token chained to a revoked key still logs in")
	}
}

func TestOwnerChangesReachKeys(t *testing.T) { // accounts acceptance 8, api-keys 13
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	uid := apptest.MustUserWithRoles(t, admin, "owner", "pw-o", "READONLY_ADMIN")
	id, raw := apptest.MustCreateKey(t, admin, "owned", "owner")
	sub := apptest.MustDial(t, srv.WSURL("current"))
	sub.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	sub.MustResult("core.subscribe", "api_key.query")
	keySess := apptest.MustDial(t, srv.WSURL("current"))
	if keySess.KeyLogin("owner", raw) != "SUCCESS" {
		t.Fatal("key login")
	}

	admin.MustResult("user.update", uid, map[string]any{"username": "renamed"})
	ev, _ := readEvent(t, sub)
	if ev["msg"] != "changed" || ev["fields"].(map[string]any)["username"] != "renamed" {
		t.Fatalf("rename event %s", apptest.String(ev))
	}
	keySess.MustResult("auth.me") // a rename keeps the key's sessions

	if got := admin.MustResult("user.delete", uid); got != json64(uid) {
		t.Fatalf("user.delete returned %v", got)
	}
	ev, _ = readEvent(t, sub)
	if ev["msg"] != "removed" || ev["id"] != json64(id) {
		t.Fatalf("delete event %s", apptest.String(ev))
	}
	if n := admin.MustResult("api_key.query", []any{}, map[string]any{"count": true}); apptest.String(n) != "0" {
		t.Fatalf("keys left after their owner was deleted: %v", n)
	}
	if apptest.Errno(keySess.Call("auth.me")) != 207 {
		t.Fatal("key session survived its owner's deletion")
	}
}

func json64(i int64) any { return apptest.Number(i) }
