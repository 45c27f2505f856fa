package service_test

import (
	"context"
	"errors"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/password"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/service"
	"github.com/keyward/keyward/internal/sqlite"
	"github.com/keyward/keyward/internal/testclock"
)

// cheap are argon2id parameters that cost next to nothing, for tests.
var cheap = password.Params{Memory: 64, Time: 1, Threads: 1}

// Origins a connection may come from.
var (
	secure   = keyward.Origin{Addr: netip.MustParseAddrPort("192.0.2.10:50000"), Secure: true}
	insecure = keyward.Origin{Addr: netip.MustParseAddrPort("198.51.100.7:41000")}
)

// env is a service on a fresh database in a temp dir, with a fake clock,
// session manager and publisher, and a local administrator "admin".
type env struct {
	tb     testing.TB
	ctx    context.Context
	svc    *service.Service
	db     *sqlite.DB
	cfg    service.Config
	clock  *testclock.Clock
	mgr    *sessions
	events *events
	obs    *observer
	admin  *keyward.User
	raws   sync.Map // key id -> the raw key made by key
}

// mustOpen returns a new env; opts change the service's settings.
func mustOpen(tb testing.TB, opts ...func(*service.Config)) *env {
	tb.Helper()
	e := mustOpenBare(tb, opts...)
	if err := e.svc.SetupLocalAdministrator(e.ctx, "admin", "admin-pw"); err != nil {
		tb.Fatalf("set up admin: %v", err)
	}
	e.admin = e.svc.Accounts().UserByName("admin")
	return e
}

// mustOpenBare returns a new env without users.
func mustOpenBare(tb testing.TB, opts ...func(*service.Config)) *env {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "keyward.db"))
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	clk := testclock.New(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	db.Now = clk.Now
	hasher := password.NewHasher(cheap)
	obs := &observer{logins: map[string]int{}}
	cfg := service.Config{
		Store: db, Audit: db, Keys: db, Log: db, Hasher: hasher, Now: clk.Now, Observer: obs,
		Verifier: keys.NewVerifier(keys.Peppers{keys.Generate()}, hasher.Slots()),
	}
	for _, o := range opts {
		o(&cfg)
	}
	e := &env{tb: tb, ctx: ctx, db: db, cfg: cfg, clock: clk, mgr: &sessions{}, events: &events{}, obs: obs}
	e.svc = e.newService(cfg)
	return e
}

// newService starts a service with cfg on the env's database, attached to
// the env's fakes; a second one acts like another process.
func (e *env) newService(cfg service.Config) *service.Service {
	e.tb.Helper()
	svc, err := service.New(e.ctx, cfg)
	if err != nil {
		e.tb.Fatalf("service.New: %v", err)
	}
	e.mgr.svc = svc
	svc.Attach(e.mgr, e.events)
	return svc
}

// user creates a user with password "pw-<name>" in its own group; roles,
// if any, are granted by a privilege on that group.
func (e *env) user(name string, roles ...string) *keyward.User {
	e.tb.Helper()
	pw := "pw-" + name
	u, err := e.svc.CreateUser(e.ctx, service.UserCreate{Username: name, Password: &pw, GroupCreate: true})
	if err != nil {
		e.tb.Fatalf("create user %s: %v", name, err)
	}
	if len(roles) > 0 {
		gid := e.svc.Accounts().Group(u.GroupID).GID
		_, err := e.svc.CreatePrivilege(e.ctx, service.PrivilegeInput{
			Name:        keyward.Opt[string]{Set: true, Value: "priv-" + name},
			LocalGroups: keyward.Opt[[]int64]{Set: true, Value: []int64{gid}},
			Roles:       keyward.Opt[[]string]{Set: true, Value: roles},
		})
		if err != nil {
			e.tb.Fatalf("grant %v to %s: %v", roles, name, err)
		}
	}
	return e.svc.Accounts().User(u.ID)
}

// login logs u in with its password over a secure transport and returns
// the caller of the new session, which the fake manager now holds.
func (e *env) login(u *keyward.User) *keyward.Caller {
	e.tb.Helper()
	pw := "pw-" + u.Username
	if u.Username == "admin" {
		pw = "admin-pw"
	}
	c := &keyward.Caller{ConnID: "conn-" + u.Username, Origin: secure}
	sess, resp := e.svc.LoginPassword(e.ctx, c, &conn{}, u.Username, pw)
	if resp != service.Success {
		e.tb.Fatalf("login %s: %s", u.Username, resp)
	}
	return e.caller(c, sess)
}

// caller returns the caller of a session that just logged in on c.
func (e *env) caller(c *keyward.Caller, sess *keyward.Session) *keyward.Caller {
	e.mgr.add(sess)
	return &keyward.Caller{ConnID: c.ConnID, Session: sess, Origin: c.Origin,
		Username: e.svc.CurrentUsername(sess), Roles: e.svc.Roles(sess.UserID)}
}

// as returns a context carrying c.
func (e *env) as(c *keyward.Caller) context.Context { return keyward.NewContext(e.ctx, c) }

// key creates a key for owner as the operator and returns it with its raw text.
func (e *env) key(owner, name string) (*keyward.APIKey, string) {
	e.tb.Helper()
	issued, err := e.svc.CreateKey(e.ctx, service.KeyCreate{Name: name, Username: owner})
	if err != nil {
		e.tb.Fatalf("create key %s for %s: %v", name, owner, err)
	}
	k, raw := issued.Key, issued.Raw
	e.raws.Store(k.ID, raw)
	return k, raw
}

// loginKey logs in with API_KEY_PLAIN from origin.
func (e *env) loginKey(username, raw string, origin keyward.Origin) (*keyward.Session, keyward.LoginResponse) {
	c := &keyward.Caller{ConnID: "key-conn", Origin: origin}
	sess, resp := e.svc.LoginAPIKey(e.ctx, c, &conn{}, username, raw)
	if sess != nil {
		e.mgr.add(sess)
	}
	return sess, resp
}

// refreshes reports whether sess is still accepted for a call.
func (e *env) refreshes(sess *keyward.Session) bool {
	_, _, err := e.svc.Refresh(e.ctx, sess, secure)
	return err == nil
}

// audit returns the AUTHENTICATION or METHOD_CALL records matching filters.
func (e *env) audit(filters ...any) []map[string]any {
	e.tb.Helper()
	f, err := query.ParseFilters("filters", filters)
	if err != nil {
		e.tb.Fatalf("filters: %v", err)
	}
	res, err := e.svc.QueryAudit(e.ctx, f, nil)
	if err != nil {
		e.tb.Fatalf("query audit: %v", err)
	}
	var out []map[string]any
	for _, r := range res.([]any) {
		out = append(out, r.(map[string]any))
	}
	return out
}

// wantErrno fails unless err is a *keyward.Error with errno.
func wantErrno(tb testing.TB, err error, errno keyward.Errno, text string) {
	tb.Helper()
	var ke *keyward.Error
	if !errors.As(err, &ke) || ke.Errno != errno || !strings.Contains(ke.Message, text) {
		tb.Fatalf("error = %v, want %s containing %q", err, errno.Name(), text)
	}
}

// wantInvalid fails unless err is a validation error with a triple at
// attr whose message contains text.
func wantInvalid(tb testing.TB, err error, attr, text string) {
	tb.Helper()
	var ve *keyward.ValidationError
	if !errors.As(err, &ve) {
		tb.Fatalf("error = %v, want a validation error", err)
	}
	for _, f := range ve.Fields {
		if (f.Attr == attr || f.NullAttr && attr == "") && strings.Contains(f.Message, text) {
			return
		}
	}
	tb.Fatalf("error = %q, want %s: %q", ve.Reason(), attr, text)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
