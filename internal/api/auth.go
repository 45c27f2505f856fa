package api

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

var userInfoSchema = schema.Object(
	schema.Req("pw_name", schema.String()),
	schema.Req("pw_gecos", schema.String()),
	schema.Req("pw_dir", schema.String()),
	schema.Req("pw_shell", schema.String()),
	schema.Req("pw_uid", schema.Int()),
	schema.Req("pw_gid", schema.Int()),
	schema.Req("grouplist", schema.List(schema.Int())),
	schema.Req("sid", schema.Null()),
	schema.Req("source", schema.Const("LOCAL")),
	schema.Req("local", schema.Const(true)),
	schema.Req("attributes", schema.Map()),
	schema.Req("two_factor_config", schema.Map()),
	schema.Req("privilege", schema.Object(
		schema.Req("roles", schema.Map().Desc(`{"$set": [role names]}`)),
		schema.Req("allowlist", schema.List(schema.Map())),
		schema.Req("web_shell", schema.Bool()),
		schema.Req("webui_access", schema.Bool()),
	)),
	schema.Req("account_attributes", schema.List(schema.String())),
).Named("UserInfo")

// userInfo renders the auth.me object (accounts.md 11).
func (d *Handlers) userInfo(reg *rpc.Registry, sess *keyward.Session) map[string]any {
	acc := d.Svc.Accounts()
	u := acc.User(sess.UserID)
	if u == nil || u.Stamp != sess.UserStamp {
		return nil
	}
	roles := d.Svc.Roles(u.ID)
	primary := acc.Group(u.GroupID)
	attrs := []any{"LOCAL"}
	if u.UID == 950 {
		attrs = append(attrs, "SYS_ADMIN")
	}
	if root := sess.Root(); root.Credential == keyward.CredAPIKey {
		attrs = append(attrs, "API_KEY")
		if root.SCRAM {
			attrs = append(attrs, "SCRAM") // scram.md 9.10: API_KEY once (difference S8)
		}
	}
	webShell, webUI := false, false
	for _, p := range acc.UserPrivileges(u) {
		webShell = webShell || p.WebShell
		for _, name := range p.Roles {
			if r, ok := keyward.ParseRole(name); ok && !r.Builtin() {
				webUI = true
			}
		}
	}
	return map[string]any{
		"pw_name": u.Username, "pw_gecos": u.FullName, "pw_dir": "/var/empty", "pw_shell": "/usr/sbin/nologin",
		"pw_uid": u.UID, "pw_gid": primary.GID, "grouplist": int64List(acc.UserGIDs(u)), "sid": nil,
		"source": "LOCAL", "local": true, "attributes": map[string]any{},
		"two_factor_config": map[string]any{"secret_configured": false},
		"privilege": map[string]any{
			"roles": roleSet(roles), "allowlist": allowlist(reg, roles),
			"web_shell": webShell, "webui_access": webUI,
		},
		"account_attributes": attrs,
	}
}

func int64List(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// roleSet renders effective roles as {"$set": [...]}, sorted by name.
func roleSet(roles keyward.RoleSet) map[string]any {
	names := []any{}
	for _, n := range roles.Names() {
		names = append(names, n)
	}
	return map[string]any{"$set": names}
}

// allowlist lists what roles grant: everything for FULL_ADMIN, else each
// role-granted method (CALL) and event (SUBSCRIBE), sorted.
func allowlist(reg *rpc.Registry, roles keyward.RoleSet) []any {
	if roles.Has(keyward.FullAdmin) {
		return []any{map[string]any{"method": "*", "resource": "*"}}
	}
	type entry struct{ method, resource string }
	var list []entry
	for _, s := range reg.Specs(keyward.Current) {
		if s.Access == rpc.NeedRole && s.Allows(roles) {
			list = append(list, entry{"CALL", s.Name})
		}
	}
	for _, e := range reg.Events() {
		if len(e.Roles) > 0 && e.Allows(roles) {
			list = append(list, entry{"SUBSCRIBE", e.Name})
		}
	}
	slices.SortFunc(list, func(a, b entry) int {
		return strings.Compare(a.method+"\x00"+a.resource, b.method+"\x00"+b.resource)
	})
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = map[string]any{"method": e.method, "resource": e.resource}
	}
	return out
}

func (d *Handlers) sessionMethods() []*rpc.Method {
	return []*rpc.Method{{
		Name:        "auth.me",
		Summary:     "Describe the logged-in user.",
		Description: "Returns the user-info object of the session's user: identity, groups, composed privilege and account attributes.",
		Result:      userInfoSchema, Access: rpc.NeedLogin,
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			return d.userInfo(c.Conn.Server().Registry(), c.Caller.Session), nil
		},
	}, {
		Name:        "auth.logout",
		Summary:     "End the session.",
		Description: "Ends the connection's session and destroys the tokens it generated; subscriptions are dropped silently and the connection stays open.",
		Result:      schema.Const(true), Access: rpc.NeedLogin,
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			c.Conn.EndSession(c.Caller.Session, nil)
			return true, nil
		},
	}, {
		Name:    "auth.generate_token",
		Summary: "Make a token for logging in again.",
		Description: "Returns a 64-character token valid while unused for less than `ttl` seconds (each login " +
			"with it and each call of a session opened with it refreshes it). With `match_origin`, only the " +
			"same client address may use it; a `single_use` token works once; a token with `attrs` never logs in.",
		Params: []schema.Field{
			schema.Opt("ttl", schema.Int().Range(1, 2592000).OrNull(), int64(600)).Doc("Idle lifetime in seconds; null means 600."),
			schema.Opt("attrs", schema.Map(), map[string]any{}),
			schema.Opt("match_origin", schema.Bool(), true),
			schema.Opt("single_use", schema.Bool(), false),
		},
		Result: schema.String().Sensitive(), Access: rpc.NeedLogin,
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EPERM, Message: service.ErrStaleSession.Reason()}},
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			ttl, ok := c.Params[0].(int64)
			if !ok {
				ttl = 600
			}
			return d.Svc.GenerateToken(c.Caller, service.TokenOptions{
				TTL: time.Duration(ttl) * time.Second, Attrs: len(c.Params[1].(map[string]any)) > 0,
				MatchOrigin: c.Params[2].(bool), SingleUse: c.Params[3].(bool),
			})
		},
	}}
}
