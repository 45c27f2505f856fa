package api

import (
	"context"
	"slices"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

var groupEntry = schema.Object(
	schema.Req("id", schema.Int()),
	schema.Req("gid", schema.Int()),
	schema.Req("name", schema.String()),
	schema.Req("group", schema.String()),
	schema.Req("builtin", schema.Bool()),
	schema.Req("local", schema.Const(true)),
	schema.Req("immutable", schema.Bool()),
	schema.Req("users", schema.List(schema.Int())),
	schema.Req("roles", schema.List(schema.String())),
).Named("Group")

// groupEntry renders a group (accounts.md 6).
func groupJSON(acc *keyward.Accounts, g *keyward.Group) map[string]any {
	users := []any{}
	for _, u := range acc.Users {
		if u.GroupID == g.ID || slices.Contains(u.GroupIDs, g.ID) {
			users = append(users, u.ID)
		}
	}
	var roles []string
	for _, p := range acc.Privileges {
		if slices.Contains(p.GIDs, g.GID) {
			roles = append(roles, p.Roles...)
		}
	}
	slices.Sort(roles)
	return map[string]any{
		"id": g.ID, "gid": g.GID, "name": g.Name, "group": g.Name, "builtin": g.Builtin, "local": true,
		"immutable": g.Builtin, "users": users, "roles": stringList(slices.Compact(roles)),
	}
}

func stringList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func groupEntries(acc *keyward.Accounts) []map[string]any {
	out := make([]map[string]any, len(acc.Groups))
	for i, g := range acc.Groups {
		out[i] = groupJSON(acc, g)
	}
	return out
}

func (d *Handlers) groupMethods() []*rpc.Method {
	read := []keyward.Role{keyward.AccountRead}
	return append([]*rpc.Method{{
		Name: "group.query", Summary: "Query groups.", Description: "Queries local groups (query method).",
		Params: queryParams(keyward.Current), Versions: queryVersions(), Query: true,
		Result: listResult(groupEntry), Roles: read,
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			return runQuery(c, groupEntries(d.Svc.Accounts()))
		},
	}, {
		Name: "group.get_instance", Summary: "Get one group.", Description: "Returns the group with that id.",
		Params: getInstanceParams(), Result: groupEntry, Roles: read,
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			return getInstance("Group", groupEntries(d.Svc.Accounts()), c.Params[0].(int64), c.Params[1])
		},
	}}, d.groupWriteMethods()...)
}

var privilegeEntry = schema.Object(
	schema.Req("id", schema.Int()),
	schema.Req("builtin_name", schema.String().OrNull()),
	schema.Req("name", schema.String()),
	schema.Req("local_groups", schema.List(schema.Map())),
	schema.Req("ds_groups", schema.List(schema.Any())),
	schema.Req("roles", schema.List(schema.String())),
	schema.Req("web_shell", schema.Bool()),
).Named("Privilege")

func privilegeJSON(acc *keyward.Accounts, p *keyward.Privilege) map[string]any {
	groups := []any{}
	for _, gid := range p.GIDs {
		if g := acc.GroupByGID(gid); g != nil {
			groups = append(groups, groupJSON(acc, g))
		} else {
			groups = append(groups, map[string]any{"gid": gid, "group": nil})
		}
	}
	var builtin any
	if p.BuiltinName != "" {
		builtin = p.BuiltinName
	}
	return map[string]any{
		"id": p.ID, "builtin_name": builtin, "name": p.Name, "local_groups": groups,
		"ds_groups": []any{}, "roles": stringList(p.Roles), "web_shell": p.WebShell,
	}
}

func privilegeEntries(acc *keyward.Accounts) []map[string]any {
	out := make([]map[string]any, len(acc.Privileges))
	for i, p := range acc.Privileges {
		out[i] = privilegeJSON(acc, p)
	}
	return out
}

func privilegeSchema(create bool) *schema.Schema {
	field := func(name string, s *schema.Schema, def any) schema.Field {
		if create {
			return schema.Opt(name, s, def)
		}
		return schema.Maybe(name, s)
	}
	webShell := schema.Maybe("web_shell", schema.Bool())
	if create {
		webShell = schema.Req("web_shell", schema.Bool())
	}
	return schema.Object(
		field("name", schema.String().Len(1, 200).Kept(), nil),
		field("local_groups", schema.List(schema.Int()), []any{}).Doc("Gids of local groups."),
		field("ds_groups", schema.List(schema.Any()), []any{}).Doc("Directory-service groups: not provided, must be empty."),
		field("roles", schema.List(schema.String()), []any{}),
		webShell,
	)
}

// decodePrivilege decodes privilege_create or privilege_update.
func decodePrivilege(v any) (service.PrivilegeInput, error) {
	var in service.PrivilegeInput
	err := schema.Decode(v, &in)
	return in, err
}
