package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

var userEntry = schema.Object(
	schema.Req("id", schema.Int()),
	schema.Req("uid", schema.Int()),
	schema.Req("username", schema.String()),
	schema.Req("full_name", schema.String()),
	schema.Req("locked", schema.Bool()),
	schema.Req("password_disabled", schema.Bool()),
	schema.Req("builtin", schema.Const(false)),
	schema.Req("local", schema.Const(true)),
	schema.Req("group", schema.Object(schema.Req("id", schema.Int()), schema.Req("bsdgrp_gid", schema.Int()),
		schema.Req("bsdgrp_group", schema.String()), schema.Req("bsdgrp_builtin", schema.Bool()))),
	schema.Req("groups", schema.List(schema.Int())),
	schema.Req("roles", schema.List(schema.String())),
	schema.Req("api_keys", schema.List(schema.Int())),
).Named("User")

func usernameSchema() *schema.Schema {
	return schema.String().Len(1, 32).Desc("1-32 characters of A-Z a-z 0-9 _ . -, not starting with - or .").
		RecordAs(service.RecordedUsername)
}

var userCreateSchema = schema.Object(
	schema.Req("username", usernameSchema()),
	schema.Req("full_name", schema.String().Len(1, 200).Kept()),
	schema.Opt("password", schema.String().Len(1, 0).OrNull().Sensitive(), nil),
	schema.Opt("password_disabled", schema.Bool(), false),
	schema.Opt("locked", schema.Bool(), false),
	schema.Opt("uid", schema.Int().Range(0, 2147483647).OrNull(), nil),
	schema.Opt("group", schema.Int().OrNull(), nil).Doc("Database id of the primary group."),
	schema.Opt("group_create", schema.Bool(), false).Doc("Create a primary group named like the user."),
	schema.Opt("groups", schema.List(schema.Int()), []any{}).Doc("Database ids of secondary groups."),
).Named("UserCreate")

var userUpdateSchema = schema.Object(
	schema.Maybe("username", usernameSchema()),
	schema.Maybe("full_name", schema.String().Len(1, 200).Kept()),
	schema.Maybe("password", schema.String().Len(1, 0).Sensitive()),
	schema.Maybe("password_disabled", schema.Bool()),
	schema.Maybe("locked", schema.Bool()),
	schema.Maybe("group", schema.Int()),
	schema.Maybe("groups", schema.List(schema.Int())),
).Named("UserUpdate")

// userEntries renders every user as user.query returns them.
func (d *Handlers) userEntries(ctx context.Context) ([]map[string]any, error) {
	acc := d.Svc.Accounts()
	keys, err := d.Svc.KeyIDsByUser(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(acc.Users))
	for _, u := range acc.Users {
		g := acc.Group(u.GroupID)
		roles := []any{}
		for _, r := range acc.RawRoles(u) {
			roles = append(roles, r)
		}
		out = append(out, map[string]any{
			"id": u.ID, "uid": u.UID, "username": u.Username, "full_name": u.FullName, "locked": u.Locked,
			"password_disabled": u.PasswordDisabled, "builtin": false, "local": true,
			"group":  map[string]any{"id": g.ID, "bsdgrp_gid": g.GID, "bsdgrp_group": g.Name, "bsdgrp_builtin": g.Builtin},
			"groups": int64List(u.GroupIDs), "roles": roles, "api_keys": int64List(keys[u.ID]),
		})
	}
	return out, nil
}

// getInstance runs get_instance over entries held in memory: the entry
// with that id, or the entity-not-found error.
func getInstance(entity string, entries []map[string]any, id int64, options any) (any, error) {
	om, _ := options.(map[string]any)
	o, err := query.ParseOptions("options", om)
	if err != nil {
		return nil, err
	}
	o.Get, o.Limit, o.Offset = true, 0, 0
	for _, e := range entries {
		if e["id"] == id {
			return query.Run([]map[string]any{e}, nil, o)
		}
	}
	return nil, keyward.NotFound(entity, id)
}

func getInstanceParams() []schema.Field {
	return []schema.Field{schema.Req("id", schema.Int()),
		schema.Opt("options", schema.Object(optionsFields(keyward.Current)...).Named("QueryOptions"), map[string]any{})}
}

// auditName describes an audited call by a name found from its params.
func auditName(prefix string, name func(params []any) string) func(context.Context, []any) string {
	return func(_ context.Context, params []any) string {
		if n := name(params); n != "" {
			return prefix + " " + n
		}
		return prefix
	}
}

// paramField reads a string field of a plain object param.
func paramField(params []any, i int, field string) string {
	if i < len(params) {
		if m, ok := params[i].(map[string]any); ok {
			s, _ := m[field].(string)
			return s
		}
	}
	return ""
}

// paramID reads an integer id param as sent.
func paramID(params []any, i int) (int64, bool) {
	if i < len(params) {
		return schema.Integer(params[i])
	}
	return 0, false
}

func (d *Handlers) userName(params []any) string {
	if id, ok := paramID(params, 0); ok {
		if u := d.Svc.Accounts().User(id); u != nil {
			return u.Username
		}
	}
	return ""
}

func (d *Handlers) userResult(ctx context.Context, id int64) (any, error) {
	entries, err := d.userEntries(ctx)
	if err != nil {
		return nil, err
	}
	return getInstance("User", entries, id, nil)
}

func (d *Handlers) userMethods() []*rpc.Method {
	read, write := []keyward.Role{keyward.AccountRead}, []keyward.Role{keyward.AccountWrite}
	return []*rpc.Method{{
		Name: "user.query", Summary: "Query users.", Description: "Queries local users (query method).",
		Params: queryParams(keyward.Current), Versions: queryVersions(), Query: true,
		Result: listResult(userEntry), Roles: read,
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			entries, err := d.userEntries(ctx)
			if err != nil {
				return nil, err
			}
			return runQuery(c, entries)
		},
	}, {
		Name: "user.get_instance", Summary: "Get one user.", Description: "Returns the user with that id.",
		Params: getInstanceParams(), Result: userEntry, Roles: read,
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			entries, err := d.userEntries(ctx)
			if err != nil {
				return nil, err
			}
			return getInstance("User", entries, c.Params[0].(int64), c.Params[1])
		},
	}, {
		Name: "user.create", Summary: "Create a user.",
		Description: "Creates a local user with a primary group (an existing one, or a new one named like the user) and secondary groups.",
		Params:      []schema.Field{schema.Req("user_create", userCreateSchema)}, Result: userEntry, Roles: write,
		Audit: auditName("Create user", func(p []any) string { return paramField(p, 0, "username") }),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			var in service.UserCreate
			if err := schema.Decode(c.Params[0], &in); err != nil {
				return nil, err
			}
			u, err := d.Svc.CreateUser(ctx, in)
			if err != nil {
				return nil, err
			}
			return d.userResult(ctx, u.ID)
		},
	}, d.userUpdateMethod(write), d.userDeleteMethod(write)}
}

// paramString reads a string param as sent.
func paramString(params []any, i int) string {
	if i < len(params) {
		s, _ := params[i].(string)
		return s
	}
	return ""
}
