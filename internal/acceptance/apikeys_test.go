package acceptance_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

var (
	rawKeyRE  = regexp.MustCompile(`^\d+-[A-Za-z0-9]{64}$`)
	keyHashRE = regexp.MustCompile(`^\$hmac-sha256\$[a-z0-9]{1,16}\$[A-Za-z0-9+/]{43}=$`)
)

func firstTriple(r map[string]any) string {
	d, _ := apptest.ErrorOf(r)["data"].(map[string]any)
	extra, _ := d["extra"].([]any)
	if len(extra) == 0 {
		return ""
	}
	msg, _ := extra[0].([]any)[1].(string)
	return msg
}

func TestKeyCreateValidation(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "noroles", "pw")
	t.Run("ErrNoRoles", func(t *testing.T) { // acceptance 1
		r := admin.Call("api_key.create", map[string]any{"name": "k1", "username": "noroles"})
		if apptest.Code(r) != -32602 || !strings.Contains(firstTriple(r), "User lacks privilege role membership") {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("ErrNoSuchUser", func(t *testing.T) { // acceptance 2
		r := admin.Call("api_key.create", map[string]any{"name": "k1", "username": "canary"})
		if !strings.Contains(firstTriple(r), "User does not exist") {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("ErrPastExpiry", func(t *testing.T) { // acceptance 3
		past := map[string]any{"$date": 1000}
		r := admin.Call("api_key.create", map[string]any{"name": "k1", "username": "admin", "expires_at": past})
		if apptest.Extra(r) != `[["api_key_create","Expiration date is in the past",22]]` {
			t.Fatalf("create: %s", apptest.Extra(r))
		}
		id, _ := apptest.MustCreateKey(t, admin, "k-past", "admin")
		r = admin.Call("api_key.update", id, map[string]any{"expires_at": past})
		if apptest.Extra(r) != `[["api_key_update","Expiration date is in the past",22]]` {
			t.Fatalf("update: %s", apptest.Extra(r))
		}
	})
	t.Run("ErrSchema", func(t *testing.T) { // protocol acceptance 9, 10, 11
		r := admin.Call("api_key.create", map[string]any{"name": "x"})
		if !strings.Contains(apptest.Extra(r), `["api_key_create.username","Field required",22]`) || !strings.HasSuffix(apptest.Reason(r), "\n") {
			t.Fatalf("missing username: %s", apptest.String(r))
		}
		if r := admin.Call("api_key.update", "not-an-id", map[string]any{}); apptest.Extra(r) != `[["id","Input should be a valid integer",22]]` {
			t.Fatalf("bad id: %s", apptest.Extra(r))
		}
		if r := admin.Call("api_key.delete"); apptest.Extra(r) != `[["id","Field required",22]]` {
			t.Fatalf("no id: %s", apptest.Extra(r))
		}
		if r := admin.Call("api_key.delete", 1, 2, 3); apptest.Extra(r) != `[["","Too many arguments (expected 1, found 3)",22]]` {
			t.Fatalf("3 args: %s", apptest.Extra(r))
		}
		if r := admin.Call("api_key.delete", 99999); apptest.Reason(r) != "[ENOENT] None: ApiKey 99999 does not exist" {
			t.Fatalf("missing key: %s", apptest.String(r))
		}
		if r := admin.Call("api_key.update", 99999, map[string]any{}); apptest.Extra(r) != `[[null,"ApiKey 99999 does not exist",2]]` {
			t.Fatalf("missing key update: %s", apptest.String(r))
		}
		r = admin.Call("api_key.create", map[string]any{"name": strings.Repeat("n", 201), "username": "admin", "expires_at": "2030-01-01"})
		if apptest.Extra(r) != `[["api_key_create.name","String should have at most 200 characters",22],["api_key_create.expires_at","Input should be a valid datetime",22]]` {
			t.Fatalf("long name, ISO date: %s", apptest.Extra(r))
		}
		// Unknown keys are reported in the order sent.
		admin.Send(`{"jsonrpc":"2.0","id":"x","method":"api_key.update","params":[1,{"username":"x","revoked":false}]}`)
		if r := admin.Read(); apptest.Extra(r) !=
			`[["api_key_update.username","Extra inputs are not permitted",22],["api_key_update.revoked","Extra inputs are not permitted",22]]` {
			t.Fatalf("extra keys: %s", apptest.Extra(r))
		}
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		apptest.MustCreateKey(t, admin, "dup", "admin")
		if r := admin.Call("api_key.create", map[string]any{"name": "dup", "username": "admin"}); apptest.Extra(r) != `[["api_key_create","name must be unique",22]]` {
			t.Fatalf("got %s", apptest.Extra(r))
		}
	})
	t.Run("OKElevenKeys", func(t *testing.T) { // acceptance 21
		for i := range 12 {
			apptest.MustCreateKey(t, admin, "many-"+itoa(i), "admin")
		}
	})
	t.Run("OKExpiryWholeSeconds", func(t *testing.T) { // acceptance 12
		at := srv.Clock.Now().Add(24 * time.Hour).Unix()
		e := admin.MustResult("api_key.create", map[string]any{"name": "tomorrow", "username": "admin",
			"expires_at": map[string]any{"$date": at*1000 + 123}}).(map[string]any)
		if got := apptest.String(e["expires_at"]); got != `{"$date":`+itoa(int(at))+`000}` {
			t.Fatalf("expires_at %s, want second %d", got, at)
		}
	})
}

func TestKeyLoginAndSession(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	uid := apptest.MustUserWithRoles(t, admin, "svc", "pw-svc", "SHARING_ADMIN")
	v25 := apptest.MustDial(t, srv.WSURL("v25.10.0")) // keyhash: the entry before v26
	v25.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	e := v25.MustResult("api_key.create", map[string]any{"name": "backup-bot", "username": "svc"}).(map[string]any)
	id, _ := apptest.Int(e["id"])
	raw := e["key"].(string)
	if !rawKeyRE.MatchString(raw) || !strings.HasPrefix(raw, itoa(int(id))+"-") || !keyHashRE.MatchString(e["keyhash"].(string)) { // acceptance 19
		t.Fatalf("key %q hash %q", raw, e["keyhash"])
	}
	if e["revoked"] != false || e["expires_at"] != nil || e["local"] != true || e["revoked_reason"] != nil { // acceptance 4
		t.Fatalf("entry %s", apptest.String(e))
	}
	u := admin.MustResult("user.get_instance", uid).(map[string]any)
	if apptest.String(u["api_keys"]) != "["+itoa(int(id))+"]" {
		t.Fatalf("user api_keys %s", apptest.String(u["api_keys"]))
	}
	c := apptest.MustDial(t, srv.WSURL("current"))
	if c.MustResult("auth.login_with_api_key", raw) != true { // acceptance 5
		t.Fatal("login_with_api_key")
	}
	if c.KeyLogin("svc", raw) != "SUCCESS" {
		t.Fatal("API_KEY_PLAIN")
	}
	s := c.MustResult("auth.sessions", []any{[]any{"current", "=", true}}, map[string]any{"get": true}).(map[string]any)
	if s["credentials"] != "API_KEY" || s["credentials_data"].(map[string]any)["api_key"].(map[string]any)["name"] != "backup-bot" {
		t.Fatalf("session %s", apptest.String(s))
	}
	me := c.MustResult("auth.me").(map[string]any)
	roles := apptest.String(me["privilege"].(map[string]any)["roles"])
	if me["pw_name"] != "svc" || !strings.Contains(roles, "SHARING_ADMIN") || !strings.Contains(apptest.String(me["account_attributes"]), "API_KEY") {
		t.Fatalf("auth.me %s", apptest.String(me))
	}
	for _, bad := range []string{apptest.WrongSecret(raw), "nope", itoa(int(id)) + "-" + strings.Repeat("A", 64), "999-" + raw[len(raw)-64:]} {
		if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("svc", bad); got != "AUTH_ERR" {
			t.Fatalf("key %q: %s", bad, got)
		}
	}
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", raw); got != "AUTH_ERR" {
		t.Fatalf("key of another user: %s", got)
	}
	admin.MustResult("auth.terminate_session", s["id"])
	if _, err := c.ReadRaw(apptest.Timeout); err == nil {
		t.Fatal("terminated key session still answered")
	}
}

func TestKeyExpiry(t *testing.T) { // acceptance 6 and 17 (expiry)
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	at := srv.Clock.Now().Add(time.Hour).Unix() * 1000
	e := admin.MustResult("api_key.create", map[string]any{"name": "short", "username": "admin", "expires_at": map[string]any{"$date": at}}).(map[string]any)
	raw := e["key"].(string)
	c := apptest.MustDial(t, srv.WSURL("current"))
	if c.KeyLogin("admin", raw) != "SUCCESS" {
		t.Fatal("fresh key refused")
	}
	srv.Clock.Advance(2 * time.Hour)
	if apptest.Errno(c.Call("auth.me")) != 207 {
		t.Fatal("session of an expired key survived")
	}
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", raw); got != "EXPIRED" {
		t.Fatalf("expired key, right secret: %s", got)
	}
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", apptest.WrongSecret(raw)); got != "AUTH_ERR" {
		t.Fatalf("expired key, wrong secret: %s", got)
	}
	id, _ := apptest.Int(e["id"])
	admin.MustResult("api_key.update", id, map[string]any{"expires_at": nil})
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", raw); got != "SUCCESS" {
		t.Fatalf("key given no expiry: %s", got)
	}
}

func TestKeyResetAndDelete(t *testing.T) { // acceptance 8, 17
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id, raw := apptest.MustCreateKey(t, admin, "k", "admin")
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.KeyLogin("admin", raw)
	e := admin.MustResult("api_key.update", id, map[string]any{"reset": true}).(map[string]any)
	fresh, _ := e["key"].(string)
	if !rawKeyRE.MatchString(fresh) || !strings.HasPrefix(fresh, itoa(int(id))+"-") || fresh == raw {
		t.Fatalf("reset key %q", fresh)
	}
	if apptest.Errno(c.Call("auth.me")) != 207 {
		t.Fatal("session survived reset")
	}
	if apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", raw) != "AUTH_ERR" {
		t.Fatal("old secret works after reset")
	}
	if c.KeyLogin("admin", fresh) != "SUCCESS" {
		t.Fatal("new secret refused")
	}
	if _, has := admin.MustResult("api_key.update", id, map[string]any{"name": "renamed"}).(map[string]any)["key"]; has {
		t.Fatal("rename result has a key member")
	}
	if c.MustResult("api_key.delete", id) != true { // a session deletes its own key
		t.Fatal("delete own key")
	}
	if apptest.Errno(c.Call("auth.me")) != 207 {
		t.Fatal("session survived deleting its key")
	}
	if apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", fresh) != "AUTH_ERR" {
		t.Fatal("deleted key works")
	}
}

func TestKeyOwnershipAndEscalation(t *testing.T) { // acceptance 9, 10, 16
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "sharer", "pw-sharer", "SHARING_ADMIN")
	apptest.MustUserWithRoles(t, admin, "keyman", "pw-keyman", "API_KEY_WRITE")
	apptest.MustUserWithRoles(t, admin, "minion", "pw-minion", "API_KEY_READ")
	sharer := apptest.MustDial(t, srv.WSURL("v25.10.0")) // keyhash: the entry before v26
	sharer.MustLogin("sharer", "pw-sharer")
	id, _ := apptest.MustCreateKey(t, sharer, "mine", "sharer")
	if _, has := sharer.MustResult("api_key.update", id, map[string]any{"name": "mine2"}).(map[string]any)["key"]; has {
		t.Fatal("rename returned a key")
	}
	reset := sharer.MustResult("api_key.update", id, map[string]any{"reset": true}).(map[string]any)
	if !rawKeyRE.MatchString(reset["key"].(string)) || reset["keyhash"] != "********" {
		t.Fatalf("reset by SHARING_ADMIN: %s", apptest.String(reset))
	}
	if sharer.MustResult("api_key.delete", id) != true {
		t.Fatal("delete own")
	}
	r := sharer.Call("api_key.create", map[string]any{"name": "theirs", "username": "admin"})
	if apptest.Errno(r) != 13 || apptest.Reason(r) != "[EACCES] sharer: authenticated user lacks privileges to create or modify API keys of other users." {
		t.Fatalf("SHARING_ADMIN for admin: %s", apptest.String(r))
	}
	keyman := apptest.MustDial(t, srv.WSURL("current"))
	keyman.MustLogin("keyman", "pw-keyman")
	adminKey, _ := apptest.MustCreateKey(t, admin, "admins", "admin")
	want := "[EACCES] keyman: authenticated user lacks privileges to create or modify API keys of user admin, who holds roles that the caller does not hold."
	for name, r := range map[string]map[string]any{
		"create": keyman.Call("api_key.create", map[string]any{"name": "esc", "username": "admin"}),
		"reset":  keyman.Call("api_key.update", adminKey, map[string]any{"reset": true}),
		"delete": keyman.Call("api_key.delete", adminKey),
	} {
		if apptest.Reason(r) != want {
			t.Fatalf("%s by API_KEY_WRITE for FULL_ADMIN: %s", name, apptest.String(r))
		}
	}
	mid, _ := apptest.MustCreateKey(t, keyman, "for-minion", "minion")
	keyman.MustResult("api_key.update", mid, map[string]any{"reset": true})
	keyman.MustResult("api_key.delete", mid)
}

func TestKeyhashRedaction(t *testing.T) { // acceptance 15
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "ro", "pw-ro", "READONLY_ADMIN")
	_, raw := apptest.MustCreateKey(t, admin, "adm", "admin")
	full := apptest.MustDial(t, srv.WSURL("v25.10.0")) // keyhash: before v26
	full.KeyLogin("admin", raw)
	rows := full.MustResult("api_key.query").([]any)
	if !keyHashRE.MatchString(rows[0].(map[string]any)["keyhash"].(string)) {
		t.Fatalf("FULL_ADMIN sees %s", apptest.String(rows))
	}
	ro := apptest.MustDial(t, srv.WSURL("v25.04.0"))
	ro.MustLogin("ro", "pw-ro")
	rows = ro.MustResult("api_key.query").([]any)
	row := rows[0].(map[string]any)
	if row["keyhash"] != "********" {
		t.Fatalf("READONLY_ADMIN sees %s", apptest.String(rows))
	}
	if _, has := row["revoked_reason"]; has { // protocol acceptance 15
		t.Fatalf("v25.04.0 row has revoked_reason: %s", apptest.String(row))
	}
	if n := ro.MustResult("api_key.query", []any{[]any{"keyhash", "^", "$hmac"}}, map[string]any{"count": true}); apptest.String(n) != "0" {
		t.Fatalf("filter on a redacted keyhash matched %v", n)
	}
	if n := full.MustResult("api_key.query", []any{[]any{"keyhash", "^", "$hmac"}}, map[string]any{"count": true}); apptest.String(n) != "1" {
		t.Fatalf("filter on keyhash for FULL_ADMIN matched %v", n)
	}
	mine := ro.MustResult("api_key.my_keys").([]any)
	if len(mine) != 0 {
		t.Fatalf("my_keys of a user without keys: %s", apptest.String(mine))
	}
}
