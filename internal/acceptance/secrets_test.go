package acceptance_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// sweep keeps every secret a scenario uses and every text the server
// produced, and finds the first in the second.
type sweep struct {
	mu      sync.Mutex
	secrets []string
	places  map[string]*strings.Builder
}

func newSweep() *sweep { return &sweep{places: map[string]*strings.Builder{}} }

// secret records a secret; a raw key's secret part is recorded too.
func (s *sweep) secret(raw string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, raw)
	if i := strings.IndexByte(raw, '-'); i > 0 && len(raw)-i-1 == 64 {
		s.secrets = append(s.secrets, raw[i+1:])
	}
	return raw
}

// saw records text the server produced in a place.
func (s *sweep) saw(place, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.places[place]
	if b == nil {
		b = &strings.Builder{}
		s.places[place] = b
	}
	b.WriteString(text)
	b.WriteByte('\n')
}

// call makes a call and records its answer, error messages included.
func (s *sweep) call(c *apptest.Client, method string, params ...any) map[string]any {
	r := c.Call(method, params...)
	s.saw("answers", apptest.String(r))
	return r
}

// result makes a call that must succeed and returns its result.
func (s *sweep) result(t *testing.T, c *apptest.Client, method string, params ...any) any {
	t.Helper()
	r := s.call(c, method, params...)
	if r["error"] != nil {
		t.Fatalf("%s: %s", method, apptest.String(r))
	}
	return r["result"]
}

// issue makes a call whose answer shows a new secret once (a created or
// reset key, a token): pick finds it in the result. The secret is
// recorded, and the answer too, with that secret cut out, so it must not
// show any other.
func (s *sweep) issue(t *testing.T, c *apptest.Client, pick func(any) string, method string, params ...any) any {
	t.Helper()
	r := c.Call(method, params...)
	if r["error"] != nil {
		t.Fatalf("%s: %s", method, apptest.String(r))
	}
	secret := s.secret(pick(r["result"]))
	s.saw("answers", strings.ReplaceAll(apptest.String(r), secret, "<issued>"))
	return r["result"]
}

func keyOf(v any) string   { return v.(map[string]any)["key"].(string) }
func tokenOf(v any) string { return v.(string) }

func (s *sweep) check(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for where, text := range s.places {
		for _, secret := range s.secrets {
			if strings.Contains(text.String(), secret) {
				t.Errorf("%s contains the secret %q", where, secret)
			}
		}
	}
}

// record keeps every frame c receives until it is closed.
func (s *sweep) record(c *apptest.Client, place string) (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			data, err := c.ReadRaw(apptest.Timeout)
			if err != nil {
				return
			}
			s.saw(place, string(data))
		}
	}()
	return func() { c.Conn().CloseNow(); <-done }
}

// TestSecretsSweep runs every way a password, token or API key reaches the
// server — right, wrong, reset, revoked, misplaced — while a subscriber
// records every event, then searches the answers (error messages
// included), the events, the debug log (text and JSON), every audit
// record, the data files and core.get_methods for each secret. The log
// has one login line per AUTHENTICATION record and one admin action line
// per METHOD_CALL record.
func TestSecretsSweep(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			sweepSecrets(t, func(c *config.Config) { trustLoopbackProxy(c); c.LogFormat = format })
		})
	}
}

func sweepSecrets(t *testing.T, opts func(*config.Config)) {
	srv := apptest.MustStart(t, opts)
	sw := newSweep()
	sw.secret(apptest.AdminPassword)
	admin := srv.MustSetupAdmin(t)
	sub := apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy)
	sub.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	sub.MustResult("core.subscribe", "*")
	stopEvents := sw.record(sub, "events")
	dial := func() *apptest.Client { return apptest.MustDialHeader(t, srv.WSURL("current"), tlsProxy) }

	passwords(t, sw, srv, admin, dial)
	tokens(t, sw, admin, dial)
	apiKeys(t, sw, admin, dial, srv)

	for _, v := range []string{"v25.04.0", "v25.10.0", "current"} {
		c := apptest.MustDial(t, srv.WSURL(v))
		c.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		sw.saw("core.get_methods", apptest.String(c.MustResult("core.get_methods")))
		resp, err := http.Get(srv.URL("/api/docs/" + v + "/openrpc.json"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		sw.saw("openrpc.json", string(body))
	}
	sw.saw("audit records", apptest.String(admin.MustResult("audit.query", map[string]any{"query-options": map[string]any{"limit": 10000}})))
	sw.saw("answers", apptest.String(admin.MustResult("alert.list")))
	stopEvents()
	if err := srv.Checkpoint(t.Context()); err != nil {
		t.Fatal(err)
	}
	sw.saw("log", srv.Logs())
	checkLogLines(t, srv, admin)
	files, _ := filepath.Glob(filepath.Join(srv.DataDir, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sw.saw(filepath.Base(f), string(data))
	}
	if !strings.Contains(sw.places["events"].String(), `"msg":"added"`) {
		t.Fatal("the subscriber saw no events")
	}
	if len(sw.places["audit records"].String()) < 1000 {
		t.Fatal("too few audit records")
	}
	sw.check(t)
}

// passwords: logins right and wrong, a changed password, a password given
// where a username, token or key belongs.
func passwords(t *testing.T, sw *sweep, srv *apptest.Server, admin *apptest.Client, dial func() *apptest.Client) {
	pass, changed, guess := sw.secret("Sup3r-s3cret-userpass"), sw.secret("Ch4nged-s3cret-userpass"), sw.secret("Wr0ng-guess-s3cret")
	id := apptest.MustUserWithRoles(t, admin, "alice", pass, "READONLY_ADMIN")
	c := dial()
	login := func(user, p string) map[string]any {
		return sw.call(c, "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": user, "password": p})
	}
	login("alice", pass)
	login("alice", guess)
	login("nobody", guess)
	sw.result(t, admin, "user.update", id, map[string]any{"password": changed})
	login("alice", pass)
	login("alice", changed)
	sw.call(c, "auth.login", "alice", guess)
	sw.call(c, "auth.login", "alice", changed)
	// Wrong shapes: every error names the field, never the value.
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "alice", "password": guess, "extra": guess})
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "password": guess})
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "TOKEN_PLAIN", "token": 7, "password": guess})
	sw.call(dial(), "auth.login", "alice", guess, guess)
	sw.call(admin, "user.update", id, map[string]any{"password": 12, "bogus": guess})
	sw.call(admin, "user.update", id, map[string]any{"password": guess, "bogus": true})
	sw.call(admin, "user.create", map[string]any{"username": "bob", "full_name": "Bob", "password": guess, "password_disabled": true})
	sw.call(admin, "user.create", map[string]any{"username": "alice", "full_name": "Alice again", "password": guess})
	sw.call(admin, "user.update", id+1000, map[string]any{"password": guess})
	sw.result(t, admin, "user.update", id, map[string]any{"locked": true})
	login("alice", changed)
	sw.result(t, admin, "user.update", id, map[string]any{"locked": false})
}

// tokens: generated, used, reused, mistyped, used after their session ended.
func tokens(t *testing.T, sw *sweep, admin *apptest.Client, dial func() *apptest.Client) {
	c := dial()
	sw.result(t, c, "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "alice", "password": "Ch4nged-s3cret-userpass"})
	tok := sw.issue(t, c, tokenOf, "auth.generate_token").(string)
	once := sw.issue(t, c, tokenOf, "auth.generate_token", 600, map[string]any{}, false, true).(string)
	tokenLogin := func(text string) {
		sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "TOKEN_PLAIN", "token": text})
	}
	tokenLogin(tok)
	tokenLogin(tok + "x")
	tokenLogin(once)
	tokenLogin(once)
	sw.call(dial(), "auth.login_with_token", tok)
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "alice", "password": tok})
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "TOKEN_PLAIN", "token": tok, "username": tok})
	sw.result(t, c, "auth.sessions")
	sw.saw("answers", apptest.String(admin.MustResult("auth.sessions")))
	sw.call(c, "auth.logout")
	tokenLogin(tok)
}

// apiKeys: created, reset, used right and wrong, used in the clear (which
// revokes it), given as a password, deleted.
func apiKeys(t *testing.T, sw *sweep, admin *apptest.Client, dial func() *apptest.Client, srv *apptest.Server) {
	create := func(c *apptest.Client, name, user string) (int64, string) {
		r := sw.issue(t, c, keyOf, "api_key.create", map[string]any{"name": name, "username": user}).(map[string]any)
		id, _ := apptest.Int(r["id"])
		return id, r["key"].(string)
	}
	id1, raw1 := create(admin, "one", "admin")
	_, raw2 := create(admin, "two", "admin")
	alice := dial()
	sw.result(t, alice, "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "alice", "password": "Ch4nged-s3cret-userpass"})
	_, own := create(alice, "mine", "alice")
	reset := keyOf(sw.issue(t, admin, keyOf, "api_key.update", id1, map[string]any{"reset": true}))
	wrong := sw.secret(apptest.WrongSecret(raw2))
	keyLogin := func(c *apptest.Client, user, key string) {
		sw.call(c, "auth.login_ex", map[string]any{"mechanism": "API_KEY_PLAIN", "username": user, "api_key": key})
	}
	keyLogin(dial(), "admin", reset)
	keyLogin(dial(), "admin", raw1) // the secret before the reset
	keyLogin(dial(), "admin", wrong)
	keyLogin(dial(), "alice", raw2) // another user's key
	keyLogin(dial(), "alice", own)
	keyLogin(dial(), "admin", own[:len(own)-1])
	keyLogin(dial(), "admin", strings.Replace(raw2, "-", "_", 1))
	sw.call(dial(), "auth.login_with_api_key", raw2)
	sw.call(dial(), "auth.login_with_api_key", wrong)
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": "admin", "password": raw2})
	sw.call(dial(), "auth.login", "admin", reset)
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "API_KEY_PLAIN", "username": "admin", "api_key": 5, "password": raw2})
	// A key typed where a username belongs (security issue, item 5).
	keyLogin(dial(), raw2, wrong)
	sw.call(dial(), "auth.login_ex", map[string]any{"mechanism": "PASSWORD_PLAIN", "username": raw2, "password": "x"})
	sw.call(dial(), "auth.login", raw2, "x")
	sw.call(admin, "api_key.create", map[string]any{"name": "misplaced", "username": raw2})
	sw.call(admin, "user.create", map[string]any{"username": raw2, "full_name": "x", "password_disabled": true, "group_create": true})
	sw.call(admin, "api_key.create", map[string]any{"name": "one", "username": "admin", "key": raw2})
	sw.call(admin, "api_key.update", id1, map[string]any{"key": raw2, "reset": "yes"})
	sw.result(t, admin, "api_key.query")
	sw.result(t, alice, "api_key.my_keys")
	keyLogin(apptest.MustDialHeader(t, srv.WSURL("current"), plainProxy), "admin", raw2) // revokes it
	keyLogin(dial(), "admin", raw2)
	sw.result(t, admin, "api_key.delete", id1)
	keyLogin(dial(), "admin", reset)
}

// checkLogLines: the log has one login line per AUTHENTICATION audit
// record, one admin action line per METHOD_CALL record, and more call
// lines than both.
func checkLogLines(t *testing.T, srv *apptest.Server, admin *apptest.Client) {
	t.Helper()
	count := func(event string) int {
		n, _ := apptest.Int(admin.MustResult("audit.query", map[string]any{
			"query-filters": []any{[]any{"event", "=", event}}, "query-options": map[string]any{"count": true}}))
		return int(n)
	}
	lines := func(msg string) int {
		if srv.Config.LogFormat == "json" {
			return strings.Count(srv.Logs(), `"msg":"`+msg+`"`)
		}
		return strings.Count(srv.Logs(), `msg="`+msg+`"`) + strings.Count(srv.Logs(), "msg="+msg+" ")
	}
	if got, want := lines("login"), count("AUTHENTICATION"); got != want || got == 0 {
		t.Errorf("login lines: %d, AUTHENTICATION records: %d", got, want)
	}
	if got, want := lines("admin action"), count("METHOD_CALL"); got != want || got == 0 {
		t.Errorf("admin action lines: %d, METHOD_CALL records: %d", got, want)
	}
	// Every login and admin action is a call too, with other calls.
	if calls, others := lines("call"), lines("login")+lines("admin action"); calls <= others {
		t.Errorf("call lines: %d, login and admin action lines: %d", calls, others)
	}
}
