package acceptance_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestSecurityItem5KeyInUsernameRedacted: a raw key typed into a username
// field is recorded as "<id>-********" in the log and in audit records,
// by every login method and by the methods that take a username.
// TestSecretsSweep covers the same mistakes among all the others.
func TestSecurityItem5KeyInUsernameRedacted(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	id, raw := apptest.MustCreateKey(t, admin, "k", "admin")
	secret := raw[strings.IndexByte(raw, '-')+1:]
	shown := strconv.FormatInt(id, 10) + "-********"
	dial := func() *apptest.Client { return apptest.MustDial(t, srv.WSURL("current")) }

	dial().Call("auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": raw, "password": "x"})
	dial().Call("auth.login_ex", map[string]any{"mechanism": "API_KEY_PLAIN", "username": raw, "api_key": raw})
	dial().Call("auth.login", raw, "x")
	dial().Call("auth.login", "not a username: "+secret, "x")
	// A password with a "-" sent as a key: nothing of it is kept.
	dial().Call("auth.login_with_api_key", "MyVerySecretPassw0rd-2024")
	admin.Call("api_key.create", map[string]any{"name": "misplaced", "username": raw})
	admin.Call("user.create", map[string]any{"username": raw, "full_name": "x", "password_disabled": true, "group_create": true})

	records := admin.MustResult("audit.query", map[string]any{"query-options": map[string]any{"limit": 1000}}).([]any)
	var names []string
	for _, r := range records {
		names = append(names, apptest.String(r.(map[string]any)["username"]))
	}
	everything := srv.Logs() + apptest.String(records)
	if strings.Contains(everything, secret) {
		t.Fatalf("the raw key's secret is in the log or the audit trail")
	}
	if strings.Contains(everything, "MyVerySecretPassw0rd") {
		t.Fatalf("a password sent as a key left its first part in the log or the audit trail")
	}
	if n := strings.Count(strings.Join(names, " "), `"`+shown+`"`); n != 3 {
		t.Errorf("AUTHENTICATION records with username %q: %d, want 3 (usernames %v)", shown, n, names)
	}
	if !strings.Contains(srv.Logs(), "username="+shown) {
		t.Errorf("no login log line names %q", shown)
	}
	if !strings.Contains(apptest.String(records), `"username":"`+shown+`"`) {
		t.Errorf("no audit record shows the misplaced key as %q in its params", shown)
	}
	if !strings.Contains(strings.Join(names, " "), `"********"`) {
		t.Errorf("the invalid username without a key shape is not recorded as ********: %v", names)
	}
}
