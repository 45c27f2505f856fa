package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// methods returns the test methods: small handlers, each showing one
// engine behaviour, some of them driven by the fixture's channels.
func (f *fixture) methods() []*rpc.Method {
	noAuth := rpc.NoAuth
	return []*rpc.Method{
		{Name: "test.ping", Summary: "Answers pong on the reader.", Access: rpc.NoAuth, Inline: true,
			Result: schema.String(), Handler: constant("pong")},
		{Name: "test.free", Summary: "Not rate limited.", Access: rpc.NoAuth, NoRateLimit: true,
			Result: schema.String(), Handler: constant("free")},
		{Name: "test.echo", Summary: "Returns its param.", Access: rpc.NoAuth,
			Params: []schema.Field{schema.Maybe("value", schema.Any())}, Result: schema.Any(),
			Handler: func(_ context.Context, c *rpc.Call) (any, error) { return c.Params[0], nil }},
		{Name: "test.login", Summary: "Logs in as anyone but nobody.", Access: rpc.NoAuth, Login: true,
			Params: []schema.Field{schema.Req("username", schema.String()), schema.Opt("wait", schema.Bool(), false)},
			Result: schema.Bool(), Handler: f.login},
		{Name: "test.whoami", Summary: "Names the caller.", Access: rpc.NeedLogin, Inline: true,
			Result: schema.Any(), Handler: whoami},
		{Name: "test.keys", Summary: "Needs API_KEY_WRITE.", Roles: []keyward.Role{keyward.APIKeyWrite},
			Result: schema.String(), Handler: constant("written")},
		{Name: "test.block", Summary: "Waits for the gate.", Access: rpc.NoAuth,
			Params: []schema.Field{schema.Req("n", schema.Int())}, Result: schema.Int(), Handler: f.block},
		{Name: "test.fail", Summary: "Fails as asked.", Access: rpc.NoAuth,
			Params: []schema.Field{schema.Req("kind", schema.String())}, Result: schema.Any(), Handler: fail},
		{Name: "test.new", Summary: "Served from v25.10 on.", Since: keyward.V25_10, Access: rpc.NoAuth,
			Result: schema.String(), Handler: constant("new")},
		{Name: "test.versioned", Summary: "Open to all on v25.04 only.", Access: rpc.NeedLogin,
			Versions: map[keyward.Version]rpc.VersionSpec{keyward.V25_04: {
				Access: &noAuth, Params: []schema.Field{schema.Req("old", schema.Int())}}},
			Result: schema.Any(), Handler: func(_ context.Context, c *rpc.Call) (any, error) { return c.Params, nil }},
		{Name: "test.audited", Summary: "An audited change.", Roles: []keyward.Role{keyward.APIKeyWrite},
			Params: []schema.Field{schema.Req("name", schema.String()), schema.Maybe("secret", schema.String().Sensitive())},
			Result: schema.Any(), Handler: audited,
			Audit: func(_ context.Context, params []any) string { return fmt.Sprintf("Create key %v", params[0]) }},
		{Name: "test.revoke", Summary: "An audited change of one entry.", Roles: []keyward.Role{keyward.APIKeyWrite},
			Params: []schema.Field{schema.Req("id", schema.Int())}, Result: schema.Bool(),
			Handler: func(context.Context, *rpc.Call) (any, error) { return nil, keyward.NotFound("ApiKey", 7) },
			Audit:   func(_ context.Context, params []any) string { return fmt.Sprintf("Revoke key %v", params[0]) }},
		{Name: "test.subscribe", Summary: "Subscribes to an event.", Access: rpc.NeedLogin,
			Params: []schema.Field{schema.Req("event", schema.String())}, Result: schema.String(),
			Handler: func(_ context.Context, c *rpc.Call) (any, error) { return c.Conn.Subscribe(c.Params[0].(string)), nil }},
		{Name: "test.unsubscribe", Summary: "Removes a subscription.", Access: rpc.NeedLogin,
			Params: []schema.Field{schema.Req("id", schema.String())}, Result: schema.Bool(),
			Handler: func(_ context.Context, c *rpc.Call) (any, error) {
				c.Conn.Unsubscribe(c.Params[0].(string))
				return true, nil
			}},
		{Name: "test.logout", Summary: "Ends the session silently.", Access: rpc.NeedLogin, Result: schema.Bool(),
			Handler: func(_ context.Context, c *rpc.Call) (any, error) {
				return c.Conn.EndSession(c.Caller.Session, nil), nil
			}},
		{Name: "test.terminate", Summary: "Ends the session and the connection after answering.", Access: rpc.NeedLogin,
			Result: schema.Bool(), Handler: terminate},
		{Name: "test.big", Summary: "Returns a long string.", Access: rpc.NoAuth,
			Params: []schema.Field{schema.Req("size", schema.Int())}, Result: schema.String(),
			Handler: func(_ context.Context, c *rpc.Call) (any, error) {
				return strings.Repeat("x", int(c.Params[0].(int64))), nil
			}},
		{Name: "test.conn", Summary: "Describes the connection.", Access: rpc.NoAuth, Result: schema.Any(), Handler: f.describe},
	}
}

func constant(v any) rpc.Handler {
	return func(context.Context, *rpc.Call) (any, error) { return v, nil }
}

// login logs the connection in; with wait it first waits for the gate,
// counted by the login tracker. "nobody" fails.
func (f *fixture) login(ctx context.Context, c *rpc.Call) (any, error) {
	user := c.Params[0].(string)
	if c.Params[1].(bool) {
		f.logins.enter(user)
		defer f.logins.leave()
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if user == "nobody" {
		return nil, keyward.ErrNotAuthenticated
	}
	c.Conn.SetSession(&keyward.Session{LoginID: c.Conn.ID() + "/" + user, Username: user,
		Credential: keyward.CredPassword, LoginAt: time.Now()})
	return true, nil
}

func whoami(ctx context.Context, c *rpc.Call) (any, error) {
	if keyward.CallerFrom(ctx) != c.Caller {
		return nil, errors.New("the context does not carry the caller")
	}
	return map[string]any{"username": c.Caller.Username, "roles": c.Caller.Roles.Names()}, nil
}

// block reports its start and waits for the gate or the connection's end.
func (f *fixture) block(ctx context.Context, c *rpc.Call) (any, error) {
	n := c.Params[0].(int64)
	f.started <- n
	select {
	case <-f.gate:
		return n, nil
	case <-ctx.Done():
		f.cancelled <- n
		return nil, ctx.Err()
	}
}

// fail returns the error, panic or unencodable result its kind names.
func fail(_ context.Context, c *rpc.Call) (any, error) {
	switch c.Params[0].(string) {
	case "exists":
		return nil, keyward.Errorf(keyward.EEXIST, "Local administrator is already set up")
	case "unknown-errno":
		return nil, keyward.Errorf(keyward.Errno(999), "odd")
	case "match":
		return nil, keyward.ErrMatchNotFound
	case "wrapped":
		return nil, fmt.Errorf("deep down: %w", keyward.ErrNotAuthorized)
	case "invalid":
		v := &keyward.ValidationError{}
		v.Add("data.name", "Field required")
		v.Add("data.owner", "User exists", keyward.EEXIST)
		return nil, v
	case "not-found":
		return nil, keyward.NotFound("ApiKey", 7)
	case "internal":
		return nil, errors.New("open /var/lib/keyward/secret.db: disk on fire")
	case "canceled":
		return nil, fmt.Errorf("store: %w", context.Canceled)
	case "panic":
		panic("handler bug")
	case "unencodable":
		return map[string]any{"ch": make(chan int)}, nil
	}
	return "no failure", nil
}

// terminate ends the session once the answer is queued, as
// auth.terminate_session does for the caller's own session.
func terminate(_ context.Context, c *rpc.Call) (any, error) {
	c.Caller.Defer(func() { c.Conn.Terminate(c.Caller.Session) })
	return true, nil
}

func audited(_ context.Context, c *rpc.Call) (any, error) {
	if c.Params[0] == "taken" {
		return nil, keyward.Invalid("test_audited.name", "Name is taken")
	}
	return map[string]any{"id": int64(5), "name": c.Params[0]}, nil
}

// describe returns what the connection tells about itself, after setting
// its options.
func (f *fixture) describe(_ context.Context, c *rpc.Call) (any, error) {
	before := c.Conn.Options()
	c.Conn.SetOptions(rpc.Options{PrivateMethods: true})
	return map[string]any{
		"id_matches":  c.Conn.ID() == c.Caller.ConnID,
		"version":     string(c.Conn.Version()),
		"client":      c.Conn.Origin().IP(),
		"same_server": c.Conn.Server() == f.srv,
		"legacy_jobs": before.LegacyJobs,
		"private":     c.Conn.Options().PrivateMethods,
	}, nil
}

// testKey is the entity of test.keys events.
type testKey struct {
	ID     int64
	Name   string
	Hidden bool // no subscriber may see it
}

// testEvents returns the test events: test.keys, granted by API_KEY_READ,
// renders a testKey for its subscriber and has no owner field on v25.04;
// test.open goes to anyone logged in; test.bulk carries its entity as is.
func testEvents() []*rpc.Event {
	keyFields := schema.Object(schema.Req("id", schema.Int()), schema.Req("name", schema.String()), schema.Req("owner", schema.String()))
	oldKeyFields := schema.Object(schema.Req("id", schema.Int()), schema.Req("name", schema.String()))
	return []*rpc.Event{
		{Name: "test.keys", Description: "Keys change.", Roles: []keyward.Role{keyward.APIKeyRead},
			Fields: keyFields, Versions: map[keyward.Version]*schema.Schema{keyward.V25_04: oldKeyFields},
			Render: func(_ context.Context, c *keyward.Caller, entity any) (any, bool) {
				k := entity.(*testKey)
				return map[string]any{"id": k.ID, "name": k.Name, "owner": c.Username}, !k.Hidden
			}},
		{Name: "test.open", Description: "Anyone logged in sees it."},
		{Name: "test.bulk", Description: "Carries its entity.", Fields: schema.Any(),
			Render: func(_ context.Context, _ *keyward.Caller, entity any) (any, bool) { return entity, true }},
	}
}
