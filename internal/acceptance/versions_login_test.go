package acceptance_test

import (
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// login sends auth.login_ex with login_data and returns its result.
func login(t *testing.T, c *apptest.Client, data map[string]any) map[string]any {
	t.Helper()
	r, ok := c.MustResult("auth.login_ex", data).(map[string]any)
	if !ok {
		t.Fatal("auth.login_ex: no object")
	}
	return r
}

func passwordData(user, pass string, options map[string]any) map[string]any {
	d := map[string]any{"mechanism": "PASSWORD_PLAIN", "username": user, "password": pass}
	if options != nil {
		d["login_options"] = options
	}
	return d
}

// TestV26LoginOptions (versions.md 2.5): login_options.reconnect_token is a
// boolean on v26.0.0 and unknown before.
func TestV26LoginOptions(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	for path, want := range map[string]string{
		"v26.0.0":  `[["login_data.PASSWORD_PLAIN.login_options.reconnect_token","Input should be a valid boolean",22]]`,
		"v25.10.3": `[["login_data.PASSWORD_PLAIN.login_options.reconnect_token","Extra inputs are not permitted",22]]`,
		"v25.04.1": `[["login_data.PASSWORD_PLAIN.login_options.reconnect_token","Extra inputs are not permitted",22]]`,
	} {
		r := apptest.MustDial(t, srv.WSURL(path)).Call("auth.login_ex", passwordData("a", "b", map[string]any{"reconnect_token": "x"}))
		if got := apptest.Extra(r); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
}

// TestV26ReconnectToken (versions.md 2.5): a v26.0.0 SUCCESS carries
// reconnect_token, null unless asked for; the token logs in once, from the
// same client address, also after the connection that asked for it
// closed; logging out destroys it. 25.x answers have no such member.
func TestV26ReconnectToken(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	ask := map[string]any{"reconnect_token": true, "user_info": false}

	c := apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if r := login(t, c, passwordData(apptest.AdminUser, apptest.AdminPassword, nil)); r["response_type"] != "SUCCESS" ||
		!hasNull(r, "reconnect_token") {
		t.Fatalf("not asked: %s", apptest.String(r))
	}
	r := login(t, c, passwordData(apptest.AdminUser, apptest.AdminPassword, ask))
	token, _ := r["reconnect_token"].(string)
	if r["response_type"] != "SUCCESS" || len(token) != 64 || r["user_info"] != nil {
		t.Fatalf("asked: %s", apptest.String(r))
	}
	other := apptest.MustDialFrom(t, srv.WSURL("v26.0.0"), "127.0.0.2")
	if got := tokenLogin(other, token); got != "AUTH_ERR" {
		t.Fatalf("from another address: %s", got)
	}
	_ = c.Conn().CloseNow()
	again := apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if got := tokenLogin(again, token); got != "SUCCESS" {
		t.Fatalf("after the connection closed: %s", got)
	}
	if got := tokenLogin(apptest.MustDial(t, srv.WSURL("v26.0.0")), token); got != "AUTH_ERR" {
		t.Fatalf("a second use: %s", got)
	}

	c = apptest.MustDial(t, srv.WSURL("current"))
	token, _ = login(t, c, passwordData(apptest.AdminUser, apptest.AdminPassword, ask))["reconnect_token"].(string)
	c.MustResult("auth.logout")
	if got := tokenLogin(apptest.MustDial(t, srv.WSURL("v26.0.0")), token); got != "AUTH_ERR" {
		t.Fatalf("after logout: %s", got)
	}

	for _, path := range []string{"v25.10.0", "v25.04.0"} {
		r := login(t, apptest.MustDial(t, srv.WSURL(path)), passwordData(apptest.AdminUser, apptest.AdminPassword, nil))
		if _, has := r["reconnect_token"]; has || r["response_type"] != "SUCCESS" {
			t.Fatalf("%s: %s", path, apptest.String(r))
		}
	}
}

// TestV26ReconnectTokenKeySession: a key login's reconnect token opens a
// session of the same key.
func TestV26ReconnectTokenKeySession(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	_, raw := apptest.MustCreateKey(t, admin, "bot", apptest.AdminUser)
	r := login(t, apptest.MustDial(t, srv.WSURL("v26.0.0")), map[string]any{"mechanism": "API_KEY_PLAIN",
		"username": apptest.AdminUser, "api_key": raw, "login_options": map[string]any{"reconnect_token": true}})
	token, _ := r["reconnect_token"].(string)
	if r["response_type"] != "SUCCESS" || token == "" {
		t.Fatalf("key login: %s", apptest.String(r))
	}
	c := apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if got := tokenLogin(c, token); got != "SUCCESS" {
		t.Fatalf("token login: %s", got)
	}
	me := c.MustResult("auth.me").(map[string]any)
	if apptest.String(me["account_attributes"]) != `["LOCAL","SYS_ADMIN","API_KEY"]` {
		t.Fatalf("account_attributes %s", apptest.String(me["account_attributes"]))
	}
}

func hasNull(m map[string]any, key string) bool {
	v, ok := m[key]
	return ok && v == nil
}

// TestV26Denied (versions.md 2.5): the right password or key of an account
// without roles is DENIED on v26.0.0 and AUTH_ERR on 25.x paths; a wrong
// one, or a locked account, is AUTH_ERR everywhere. The bool login
// methods answer false. Each attempt is audited with its reason.
func TestV26Denied(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "norole", "pw-norole", "READONLY_ADMIN")
	_, raw := apptest.MustCreateKey(t, admin, "norole-key", "norole") // a key needs roles when made
	priv := admin.MustResult("privilege.query", []any{[]any{"name", "=", "priv-norole"}}, map[string]any{"get": true})
	admin.MustResult("privilege.delete", priv.(map[string]any)["id"])
	locked := apptest.MustUserWithRoles(t, admin, "locked", "pw-locked", "READONLY_ADMIN")
	admin.MustResult("user.update", locked, map[string]any{"locked": true})
	key := func(k string) map[string]any {
		return map[string]any{"mechanism": "API_KEY_PLAIN", "username": "norole", "api_key": k}
	}
	for _, tc := range []struct {
		name, path string
		data       map[string]any
		want       string
	}{
		{"password", "v26.0.0", passwordData("norole", "pw-norole", nil), "DENIED"},
		{"password current", "current", passwordData("norole", "pw-norole", nil), "DENIED"},
		{"password v25.10", "v25.10.5", passwordData("norole", "pw-norole", nil), "AUTH_ERR"},
		{"password v25.04", "v25.04.0", passwordData("norole", "pw-norole", nil), "AUTH_ERR"},
		{"wrong password", "v26.0.0", passwordData("norole", "wrong", nil), "AUTH_ERR"},
		{"locked", "v26.0.0", passwordData("locked", "pw-locked", nil), "AUTH_ERR"},
		{"key", "v26.0.0", key(raw), "DENIED"},
		{"key v25.10", "v25.10.0", key(raw), "AUTH_ERR"},
		{"wrong key", "v26.0.0", key(apptest.WrongSecret(raw)), "AUTH_ERR"},
	} {
		r := login(t, apptest.MustDial(t, srv.WSURL(tc.path)), tc.data)
		if r["response_type"] != tc.want || len(r) != 1 {
			t.Errorf("%s: %s, want only response_type %s", tc.name, apptest.String(r), tc.want)
		}
	}
	c := apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if c.MustResult("auth.login", "norole", "pw-norole") != false || c.MustResult("auth.login_with_api_key", raw) != false {
		t.Error("the bool logins of an account without roles must answer false")
	}
	recs, _ := admin.MustResult("audit.query", map[string]any{"query-filters": []any{[]any{"event", "=", "AUTHENTICATION"}},
		"query-options": map[string]any{"limit": 1000}}).([]any)
	denied := 0
	for _, r := range recs {
		if r.(map[string]any)["event_data"].(map[string]any)["error"] == "User lacks API access." {
			denied++
		}
	}
	if denied != 3 { // two password logins and auth.login on v26
		t.Errorf("%d audit records of a denied password login, want 3", denied)
	}
}
