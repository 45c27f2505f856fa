package acceptance_test

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// scenario is what runScenario did, for the checks: the secrets it used
// and the ids its changes made.
type scenario struct {
	t                   *testing.T
	srv                 *apptest.Server
	url                 string
	sw                  *sweep
	admin               *apptest.Client
	keyID, soonID, evID int64
	userID, privID      int64
	raw, soon           string // the raw keys of keyID and soonID
}

// Names and secrets of the scenario, distinct enough to search for.
const (
	scenarioUser = "zelda42"
	scenarioPass = "Zelda-s3cret-pass"
	wrongPass    = "Wr0ng-metrics-guess"
)

// runScenario drives the server through every kind of thing the metrics
// count: logins of each mechanism with each response type, key checks of
// each result, calls that succeed and fail with errnos and JSON-RPC codes,
// unknown methods, events to a subscriber, and a rate-limited call (the
// server limits 127.0.0.2 to 2 no-login calls per method). Every
// connection stays open until the test ends: 9 of them, 6 logged in.
func runScenario(t *testing.T, srv *apptest.Server) *scenario {
	sc := &scenario{t: t, srv: srv, url: srv.WSURL("current"), sw: newSweep()}
	sc.setup()
	sc.passwordLogins()
	c2 := sc.keyLogins()
	c5 := sc.tokenLogins(c2)
	sc.failures(c5)
	sc.events()
	sc.rateLimited()
	return sc
}

// setup: user.setup_local_administrator and a PASSWORD SUCCESS (session 1,
// LOGIN_PASSWORD), two keys (one expiring in an hour), a READONLY_ADMIN
// user.
func (sc *scenario) setup() {
	t, sw := sc.t, sc.sw
	sw.secret(apptest.AdminPassword)
	sw.secret(scenarioPass)
	sw.secret(wrongPass)
	sc.admin = sc.srv.MustSetupAdmin(t)
	sc.keyID, sc.raw = mustKey(t, sw, sc.admin, map[string]any{"name": "ci", "username": "admin"})
	expires := sc.srv.Clock.Now().Add(time.Hour).UnixMilli()
	sc.soonID, sc.soon = mustKey(t, sw, sc.admin, map[string]any{"name": "soon", "username": "admin",
		"expires_at": map[string]any{"$date": expires}})
	sc.userID = apptest.MustUserWithRoles(t, sc.admin, scenarioUser, scenarioPass, "READONLY_ADMIN")
	sc.privID = privilegeID(t, sc.admin, "priv-"+scenarioUser)
}

// passwordLogins: AUTH_ERR twice (auth.login_ex, auth.login), then
// SUCCESS (session 2, LOGIN_PASSWORD).
func (sc *scenario) passwordLogins() {
	c1 := apptest.MustDial(sc.t, sc.url)
	wantLogin(sc.t, c1.Login("admin", wrongPass), "AUTH_ERR")
	if r := c1.MustResult("auth.login", "admin", wrongPass); r != false {
		sc.t.Fatalf("auth.login with a wrong password: %v", r)
	}
	c1.MustLogin("admin", apptest.AdminPassword)
}

// keyLogins: a wrong secret, a malformed key (a dummy check), the right
// one (a match; session 3, API_KEY), and on another connection an expired
// one (a match, then EXPIRED). It returns the key session's connection.
func (sc *scenario) keyLogins() *apptest.Client {
	c2 := apptest.MustDial(sc.t, sc.url)
	wrong := sc.sw.secret(apptest.WrongSecret(sc.raw))
	for _, k := range []struct{ key, want string }{{wrong, "AUTH_ERR"}, {"garbage", "AUTH_ERR"}, {sc.raw, "SUCCESS"}} {
		if got := c2.KeyLogin("admin", k.key); got != k.want {
			sc.t.Fatalf("key login: %s, want %s", got, k.want)
		}
	}
	sc.srv.Clock.Advance(2 * time.Hour)
	if got := apptest.MustDial(sc.t, sc.url).KeyLogin("admin", sc.soon); got != "EXPIRED" {
		sc.t.Fatalf("expired key: %s", got)
	}
	return c2
}

// tokenLogins: a token made on the key session and used (SUCCESS; session
// 4, TOKEN), one made up (AUTH_ERR). It returns the connection that stays
// anonymous.
func (sc *scenario) tokenLogins(c2 *apptest.Client) *apptest.Client {
	tok := sc.sw.secret(c2.MustResult("auth.generate_token").(string))
	c4 := apptest.MustDial(sc.t, sc.url)
	wantLogin(sc.t, c4.MustResult("auth.login_ex", map[string]any{"mechanism": "TOKEN_PLAIN", "token": tok}), "SUCCESS")
	c5 := apptest.MustDial(sc.t, sc.url)
	if r := c5.MustResult("auth.login_with_token", "made-up-token"); r != false {
		sc.t.Fatalf("made-up token: %v", r)
	}
	return c5
}

// failures: ENOTAUTHENTICATED, EACCES (from the READONLY_ADMIN user's
// session 5, LOGIN_PASSWORD), -32602 twice (a bad id, a missing user),
// -32601 twice (one name is a password: it must show nowhere), -32700.
func (sc *scenario) failures(anon *apptest.Client) {
	t := sc.t
	wantErr(t, anon.Call("auth.me"), "ENOTAUTHENTICATED")
	c6 := apptest.MustDial(t, sc.url)
	c6.MustLogin(scenarioUser, scenarioPass)
	wantErr(t, c6.Call("user.delete", sc.userID), "EACCES")
	wantCode(t, sc.admin.Call("user.update", "x", map[string]any{}), -32602)
	wantCode(t, sc.admin.Call("user.delete", 99999), -32602)
	wantCode(t, anon.Call("no.such_method"), -32601)
	wantCode(t, anon.Call(scenarioPass), -32601)
	anon.Send("{")
	wantCode(t, anon.Read(), -32700)
}

// events: a subscriber (session 6, LOGIN_PASSWORD) sees a key added and
// removed.
func (sc *scenario) events() {
	c7 := apptest.MustDial(sc.t, sc.url)
	c7.MustLogin("admin", apptest.AdminPassword)
	c7.MustResult("core.subscribe", "api_key.query")
	sc.evID, _ = mustKey(sc.t, sc.sw, sc.admin, map[string]any{"name": "ev", "username": "admin"})
	sc.admin.MustResult("api_key.delete", sc.evID)
	for _, want := range []string{"added", "removed"} {
		if ev := c7.Read(); ev["method"] != "collection_update" || ev["params"].(map[string]any)["msg"] != want {
			sc.t.Fatalf("event: %s, want %s", apptest.String(ev), want)
		}
	}
}

// rateLimited: 127.0.0.2 makes two wrong guesses; the third is EBUSY.
func (sc *scenario) rateLimited() {
	c8 := apptest.MustDialFrom(sc.t, sc.url, "127.0.0.2")
	wantLogin(sc.t, c8.Login("admin", wrongPass), "AUTH_ERR")
	wantLogin(sc.t, c8.Login("admin", wrongPass), "AUTH_ERR")
	wantErr(sc.t, c8.Call("auth.login_ex", passwordLogin(wrongPass)), "EBUSY")
}

// mustKey creates a key, records its secret and returns its id and raw key.
func mustKey(t *testing.T, sw *sweep, admin *apptest.Client, params map[string]any) (int64, string) {
	t.Helper()
	e := admin.MustResult("api_key.create", params).(map[string]any)
	id, _ := apptest.Int(e["id"])
	return id, sw.secret(e["key"].(string))
}

func privilegeID(t *testing.T, admin *apptest.Client, name string) int64 {
	t.Helper()
	r := admin.MustResult("privilege.query", []any{[]any{"name", "=", name}}, map[string]any{"get": true})
	id, _ := apptest.Int(r.(map[string]any)["id"])
	return id
}

func wantLogin(t *testing.T, r any, want string) {
	t.Helper()
	if m, _ := r.(map[string]any); m["response_type"] != want {
		t.Fatalf("login: %s, want %s", apptest.String(r), want)
	}
}

func wantErr(t *testing.T, r map[string]any, errname string) {
	t.Helper()
	if data, _ := apptest.ErrorOf(r)["data"].(map[string]any); apptest.Code(r) != -32001 || data["errname"] != errname {
		t.Fatalf("want %s: %s", errname, apptest.String(r))
	}
}

func wantCode(t *testing.T, r map[string]any, code int64) {
	t.Helper()
	if apptest.Code(r) != code {
		t.Fatalf("want %d: %s", code, apptest.String(r))
	}
}
