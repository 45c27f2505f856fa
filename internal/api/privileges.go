package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

var roleEntry = schema.Object(
	schema.Req("name", schema.String()),
	schema.Req("title", schema.String()),
	schema.Req("includes", schema.List(schema.String())),
	schema.Req("builtin", schema.Bool()),
	schema.Req("stig", schema.Null()),
).Named("Role")

func roleEntries() []map[string]any {
	var out []map[string]any
	for _, r := range keyward.AllRoles() {
		var inc []string
		for _, i := range r.Includes() {
			inc = append(inc, i.String())
		}
		out = append(out, map[string]any{"name": r.String(), "title": r.Title(), "includes": stringList(inc),
			"builtin": r.Builtin(), "stig": nil})
	}
	return out
}

func (d *Handlers) privilegeName(params []any) string {
	if id, ok := paramID(params, 0); ok {
		if p := d.Svc.Accounts().Privilege(id); p != nil {
			return p.Name
		}
	}
	return ""
}

func (d *Handlers) privilegeResult(id int64) (any, error) {
	return getInstance("Privilege", privilegeEntries(d.Svc.Accounts()), id, nil)
}

func (d *Handlers) privilegeMethods() []*rpc.Method {
	read, write := []keyward.Role{keyward.PrivilegeRead}, []keyward.Role{keyward.PrivilegeWrite}
	return []*rpc.Method{{
		Name: "privilege.query", Summary: "Query privileges.", Description: "Queries privileges: mappings from local groups (by gid) to roles.",
		Params: queryParams(keyward.Current), Versions: queryVersions(), Query: true, Result: listResult(privilegeEntry), Roles: read,
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			return runQuery(c, privilegeEntries(d.Svc.Accounts()))
		},
	}, {
		Name: "privilege.get_instance", Summary: "Get one privilege.", Description: "Returns the privilege with that id.",
		Params: getInstanceParams(), Result: privilegeEntry, Roles: read,
		Handler: func(_ context.Context, c *rpc.Call) (any, error) {
			return getInstance("Privilege", privilegeEntries(d.Svc.Accounts()), c.Params[0].(int64), c.Params[1])
		},
	}, {
		Name: "privilege.roles", Summary: "Query the role catalogue.", Description: "Lists every role with what it includes (query method).",
		Params: queryParams(keyward.Current), Versions: queryVersions(), Query: true, Result: listResult(roleEntry), Roles: read,
		Examples: []rpc.Example{{Name: "one role", Params: []any{[]any{[]any{"name", "=", "API_KEY_WRITE"}}, map[string]any{"get": true}},
			Result: map[string]any{"name": "API_KEY_WRITE", "title": "Manage API keys", "includes": []any{"API_KEY_READ"}, "builtin": true, "stig": nil}}},
		Handler: func(_ context.Context, c *rpc.Call) (any, error) { return runQuery(c, roleEntries()) },
	}, {
		Name: "privilege.create", Summary: "Create a privilege.", Description: "Maps local groups (by gid) to roles. Role changes apply to open sessions at once.",
		Params: []schema.Field{schema.Req("privilege_create", privilegeSchema(true))}, Result: privilegeEntry, Roles: write,
		Audit: auditName("Create privilege", func(p []any) string { return paramField(p, 0, "name") }),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			in, err := decodePrivilege(c.Params[0])
			if err != nil {
				return nil, err
			}
			p, err := d.Svc.CreatePrivilege(ctx, in)
			if err != nil {
				return nil, err
			}
			return d.privilegeResult(p.ID)
		},
	}, {
		Name: "privilege.update", Summary: "Change a privilege.",
		Description: "Changes the given fields; the merged privilege is validated. Users left without roles lose their sessions.",
		Params:      []schema.Field{schema.Req("id", schema.Int()), schema.Req("privilege_update", privilegeSchema(false))},
		Result:      privilegeEntry, Roles: write,
		Audit: auditName("Update privilege", d.privilegeName),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			in, err := decodePrivilege(c.Params[1])
			if err != nil {
				return nil, err
			}
			_, p, err := d.Svc.UpdatePrivilege(ctx, c.Params[0].(int64), in)
			if err != nil {
				return nil, err
			}
			return d.privilegeResult(p.ID)
		},
	}, {
		Name: "privilege.delete", Summary: "Delete a privilege.", Description: "Deletes a privilege; built-in privileges cannot be deleted.",
		Params: []schema.Field{schema.Req("id", schema.Int())}, Result: schema.Const(true), Roles: write,
		Audit:  auditName("Delete privilege", d.privilegeName),
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EPERM, Message: service.ErrBuiltinPrivilege.Reason()}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			if _, err := d.Svc.DeletePrivilege(ctx, c.Params[0].(int64)); err != nil {
				return nil, err
			}
			return true, nil
		},
	}}
}
