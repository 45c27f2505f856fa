package acceptance_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.Login("admin", "wrong-password")
	admin.Call("user.create", map[string]any{"username": "bob", "full_name": "Bob", "password": "pw-bob", "group_create": true})
	admin.Call("user.create", map[string]any{"username": "bob", "full_name": "Bob", "password": "pw-bob", "group_create": true})

	q := func(filters ...any) []any {
		return admin.MustResult("audit.query", map[string]any{"query-filters": filters, "query-options": map[string]any{"limit": 1000}}).([]any)
	}
	setup := q([]any{"event_data.description", "=", "Set up local administrator admin"})
	if len(setup) != 1 || setup[0].(map[string]any)["success"] != true {
		t.Fatalf("setup record: %s", apptest.String(setup))
	}
	params := setup[0].(map[string]any)["event_data"].(map[string]any)["params"]
	if apptest.String(params) != `["admin","********"]` {
		t.Fatalf("setup params not redacted: %s", apptest.String(params))
	}
	creates := q([]any{"event", "=", "METHOD_CALL"}, []any{"event_data.method", "=", "user.create"})
	if len(creates) != 2 || creates[0].(map[string]any)["success"] != true || creates[1].(map[string]any)["success"] != false {
		t.Fatalf("user.create records: %s", apptest.String(creates))
	}
	rec := creates[0].(map[string]any)
	ed := rec["event_data"].(map[string]any)
	if ed["description"] != "Create user bob" || ed["authenticated"] != true || ed["authorized"] != true ||
		rec["username"] != "admin" || rec["address"] != "127.0.0.1" || rec["service"] != "MIDDLEWARE" {
		t.Fatalf("record %s", apptest.String(rec))
	}
	if apptest.String(ed["params"].([]any)[0].(map[string]any)["password"]) != `"********"` {
		t.Fatalf("password not redacted: %s", apptest.String(ed["params"]))
	}
	failed := q([]any{"event", "=", "AUTHENTICATION"}, []any{"success", "=", false})
	if len(failed) != 1 {
		t.Fatalf("failed logins: %s", apptest.String(failed))
	}
	fd := failed[0].(map[string]any)["event_data"].(map[string]any)
	if fd["error"] != "Bad username or password" ||
		apptest.String(fd["credentials"]) != `{"credentials":"LOGIN_PASSWORD","credentials_data":{"username":"admin"}}` {
		t.Fatalf("failed login record: %s", apptest.String(fd))
	}
	ok := q([]any{"event", "=", "AUTHENTICATION"}, []any{"success", "=", true})
	creds := ok[0].(map[string]any)["event_data"].(map[string]any)["credentials"].(map[string]any)
	if creds["credentials"] != "LOGIN_PASSWORD" || creds["credentials_data"].(map[string]any)["login_id"] == nil {
		t.Fatalf("login record %s", apptest.String(ok[0]))
	}
	r := admin.Call("audit.query", map[string]any{"remote_controller": true, "query-options": map[string]any{"count": true}})
	if apptest.Reason(r) != "[EOPNOTSUPP] remote_controller: not supported by this server" {
		t.Fatalf("remote_controller: %s", apptest.String(r))
	}
	if n := admin.MustResult("audit.query", map[string]any{"services": []any{"SMB"}, "query-options": map[string]any{"count": true}}); apptest.String(n) != "0" {
		t.Fatalf("SMB records: %v", n)
	}
}

func TestHeadlessAdministrator(t *testing.T) {
	t.Parallel()
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := apptest.MustStart(t, func(c *config.Config) { c.AdminUsername, c.AdminPasswordFile = "truenas_admin", pwFile })
	c := apptest.MustDial(t, srv.WSURL("current"))
	if c.MustResult("user.has_local_administrator_set_up") != true {
		t.Fatal("no administrator after start")
	}
	c.MustLogin("truenas_admin", "from-a-file")
}
