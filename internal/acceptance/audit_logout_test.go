package acceptance_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// Audit records as TrueNAS 25.10 writes them (api-keys.md 15.2, README
// difference 14): no vers in event_data, a LOGOUT record at every session
// end, the connection's id as the session of every record, and params of
// a refused call without unknown keys.

// sessionID returns the id auth.sessions shows for c's own session.
func sessionID(t *testing.T, c *apptest.Client) string {
	t.Helper()
	s := c.MustResult("auth.sessions", []any{[]any{"current", "=", true}}, map[string]any{"get": true}).(map[string]any)
	id, _ := s["id"].(string)
	if id == "" {
		t.Fatalf("session %s", apptest.String(s))
	}
	return id
}

// auditOf returns the records of session id, oldest first; more filters
// narrow them.
func auditOf(t *testing.T, q *apptest.Client, id string, filters ...any) []map[string]any {
	t.Helper()
	filters = append([]any{[]any{"session", "=", id}}, filters...)
	res := q.MustResult("audit.query", map[string]any{"query-filters": filters,
		"query-options": map[string]any{"limit": 1000}})
	var out []map[string]any
	for _, r := range res.([]any) {
		out = append(out, r.(map[string]any))
	}
	return out
}

// waitLogout waits until the LOGOUT record of session id is written (a
// closed connection's session ends after the client has gone), checks
// that there is exactly one, and returns it.
func waitLogout(t *testing.T, q *apptest.Client, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(apptest.Timeout)
	for {
		recs := auditOf(t, q, id, []any{"event", "=", "LOGOUT"})
		if len(recs) > 1 {
			t.Fatalf("%d LOGOUT records for one session end: %s", len(recs), apptest.String(recs))
		}
		if len(recs) == 1 {
			checkLogout(t, recs[0])
			return recs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no LOGOUT record for session %s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkLogout checks the shape of a LOGOUT record (api-keys.md 15.2).
func checkLogout(t *testing.T, rec map[string]any) {
	t.Helper()
	ed := rec["event_data"].(map[string]any)
	sd := rec["service_data"].(map[string]any)
	if !sameKeys(ed, "credentials") || rec["success"] != true || rec["service"] != "MIDDLEWARE" ||
		apptest.String(sd["credentials"]) != apptest.String(ed["credentials"]) ||
		apptest.String(sd["vers"]) != `{"major":0,"minor":1}` {
		t.Fatalf("LOGOUT record %s", apptest.String(rec))
	}
}

// sameKeys reports whether m has exactly the keys given.
func sameKeys(m map[string]any, keys ...string) bool {
	got := slices.Sorted(maps.Keys(m))
	slices.Sort(keys)
	return slices.Equal(got, keys)
}

// credsOf returns the credentials type and data of a record's event_data.
func credsOf(rec map[string]any) (string, map[string]any) {
	c, _ := rec["event_data"].(map[string]any)["credentials"].(map[string]any)
	data, _ := c["credentials_data"].(map[string]any)
	typ, _ := c["credentials"].(string)
	return typ, data
}

// TestAuditRecordsOfAConnection: every record of a connection, before and
// after it logs in, names the connection's id (the id auth.sessions shows
// once it has logged in); event_data has exactly the fields of its event
// and no vers; a call refused by validation records only the keys its
// schema knows; auth.logout writes a LOGOUT record.
func TestAuditRecordsOfAConnection(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	c := apptest.MustDial(t, srv.WSURL("current"))
	if apptest.Errno(c.Call("user.delete", 1)) != 207 {
		t.Fatal("user.delete without a session was not refused")
	}
	if c.Login(apptest.AdminUser, "wrong")["response_type"] != "AUTH_ERR" {
		t.Fatal("wrong password accepted")
	}
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	id := sessionID(t, c)
	r := c.Call("user.create", map[string]any{"username": "carol", "full_name": "Carol", "passwrod": "s3cret-typo",
		"group_create": true})
	if apptest.Code(r) != -32602 {
		t.Fatalf("unknown key: %s", apptest.String(r))
	}
	if c.MustResult("auth.logout") != true {
		t.Fatal("auth.logout")
	}
	waitLogout(t, admin, id)

	recs := auditOf(t, admin, id)
	var events []string
	for _, rec := range recs {
		events = append(events, rec["event"].(string)+" "+apptest.String(rec["success"]))
		if rec["session"] != id {
			t.Errorf("record with session %v, want %s: %s", rec["session"], id, apptest.String(rec))
		}
	}
	want := []string{"METHOD_CALL false", "AUTHENTICATION false", "AUTHENTICATION true", "METHOD_CALL false", "LOGOUT true"}
	if !slices.Equal(events, want) {
		t.Fatalf("records of the connection %v, want %v", events, want)
	}
	t.Run("OKUnauthenticatedCall", func(t *testing.T) {
		rec := recs[0]
		ed := rec["event_data"].(map[string]any)
		if !sameKeys(ed, "method", "params", "description", "authenticated", "authorized") ||
			ed["authenticated"] != false || rec["username"] != "" || rec["service_data"].(map[string]any)["credentials"] != nil {
			t.Fatalf("record %s", apptest.String(rec))
		}
	})
	t.Run("OKAuthentication", func(t *testing.T) {
		for _, rec := range recs[1:3] {
			if ed := rec["event_data"].(map[string]any); !sameKeys(ed, "credentials", "error") {
				t.Fatalf("record %s", apptest.String(rec))
			}
		}
	})
	t.Run("OKRefusedParamsKeepKnownKeys", func(t *testing.T) {
		ed := recs[3]["event_data"].(map[string]any)
		if got := apptest.String(ed["params"]); got != `[{"full_name":"Carol","group_create":true,"username":"carol"}]` {
			t.Fatalf("params %s", got)
		}
		if !sameKeys(ed, "method", "params", "description", "authenticated", "authorized") {
			t.Fatalf("event_data %s", apptest.String(ed))
		}
	})
	t.Run("OKLogout", func(t *testing.T) {
		rec := recs[4]
		typ, data := credsOf(rec)
		_, login := credsOf(recs[2])
		if typ != "LOGIN_PASSWORD" || data["login_id"] != login["login_id"] || rec["username"] != apptest.AdminUser ||
			rec["address"] != "127.0.0.1" {
			t.Fatalf("LOGOUT record %s", apptest.String(rec))
		}
	})
}

// TestAuditLogoutAtEverySessionEnd: each way a session ends writes one
// LOGOUT record naming its credentials (api-keys.md 15.2, accounts.md
// 13.1).
func TestAuditLogoutAtEverySessionEnd(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	dial := func() *apptest.Client { return apptest.MustDial(t, srv.WSURL("current")) }
	loggedIn := func() (*apptest.Client, string) {
		c := dial()
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		return c, sessionID(t, c)
	}
	t.Run("OKClose", func(t *testing.T) {
		c, id := loggedIn()
		_ = c.Conn().CloseNow()
		waitLogout(t, admin, id)
	})
	t.Run("OKTerminateSession", func(t *testing.T) {
		_, id := loggedIn()
		if admin.MustResult("auth.terminate_session", id) != true {
			t.Fatal("terminate_session")
		}
		waitLogout(t, admin, id)
	})
	t.Run("OKReplacedByLogin", func(t *testing.T) {
		c, id := loggedIn()
		first := auditOf(t, admin, id, []any{"event", "=", "AUTHENTICATION"})
		_, firstData := credsOf(first[0])
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		rec := waitLogout(t, admin, id)
		if _, data := credsOf(rec); data["login_id"] != firstData["login_id"] {
			t.Fatalf("LOGOUT of %v, want the first session %v", data["login_id"], firstData["login_id"])
		}
		c.MustResult("auth.me")
	})
	t.Run("OKKeyDeleted", func(t *testing.T) {
		keyID, raw := apptest.MustCreateKey(t, admin, "logout-key", apptest.AdminUser)
		c := dial()
		if c.KeyLogin(apptest.AdminUser, raw) != "SUCCESS" {
			t.Fatal("key login")
		}
		id := sessionID(t, c)
		admin.MustResult("api_key.delete", keyID)
		rec := waitLogout(t, admin, id)
		if typ, data := credsOf(rec); typ != "API_KEY" || apptest.String(data["api_key"]) != `{"id":`+apptest.String(keyID)+`,"name":"logout-key"}` {
			t.Fatalf("LOGOUT record %s", apptest.String(rec))
		}
	})
	t.Run("OKUserLocked", func(t *testing.T) {
		uid := apptest.MustUserWithRoles(t, admin, "locked-bob", "pw-bob", "READONLY_ADMIN")
		dial().MustLogin("locked-bob", "pw-bob")
		bob := admin.MustResult("auth.sessions", []any{[]any{"credentials_data.username", "=", "locked-bob"}},
			map[string]any{"get": true}).(map[string]any)
		id := bob["id"].(string)
		admin.MustResult("user.update", uid, map[string]any{"locked": true})
		if rec := waitLogout(t, admin, id); rec["username"] != "locked-bob" {
			t.Fatalf("LOGOUT record %s", apptest.String(rec))
		}
	})
	// Last: it ends the sessions of every other connection, admin's too.
	t.Run("OKTerminateOtherSessions", func(t *testing.T) {
		_, victim := loggedIn()
		c, id := loggedIn()
		adminID := sessionID(t, admin)
		if c.MustResult("auth.terminate_other_sessions") != true {
			t.Fatal("terminate_other_sessions")
		}
		waitLogout(t, c, victim)
		waitLogout(t, c, adminID)
		if n := len(auditOf(t, c, id, []any{"event", "=", "LOGOUT"})); n != 0 {
			t.Fatalf("%d LOGOUT records for the session that stays", n)
		}
	})
}

// TestAuditLogoutOnExpiryAndShutdown: a session that outlives
// session_max_age ends at its next call, and the sessions of a server
// shutting down end with it; both write their LOGOUT record.
func TestAuditLogoutOnExpiryAndShutdown(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) { c.SessionMaxAge = time.Hour })
	srv.MustSetupAdmin(t)
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	expiring := sessionID(t, c)
	srv.Clock.Advance(2 * time.Hour)
	if apptest.Errno(c.Call("auth.me")) != 207 {
		t.Fatal("session survived session_max_age")
	}
	q := apptest.MustDial(t, srv.WSURL("current"))
	q.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	waitLogout(t, q, expiring)

	held := sessionID(t, q)
	srv.Stop()
	again := apptest.MustStart(t, apptest.InDir(srv.DataDir))
	a := apptest.MustDial(t, again.WSURL("current"))
	a.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	waitLogout(t, a, held)
}
