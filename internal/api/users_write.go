package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

func (d *Handlers) userUpdateMethod(roles []keyward.Role) *rpc.Method {
	return &rpc.Method{
		Name: "user.update", Summary: "Change a user.",
		Description: "Changes the given fields of a user. Locking a user, or leaving it without roles, ends its sessions. " +
			"The last local administrator cannot be locked, lose password login or leave the administrators.",
		Params: []schema.Field{schema.Req("id", schema.Int()), schema.Req("user_update", userUpdateSchema)},
		Result: userEntry, Roles: roles,
		Audit: auditName("Update user", d.userName),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			var in service.UserUpdate
			if err := schema.Decode(c.Params[1], &in); err != nil {
				return nil, err
			}
			_, u, err := d.Svc.UpdateUser(ctx, c.Params[0].(int64), in)
			if err != nil {
				return nil, err
			}
			return d.userResult(ctx, u.ID)
		},
	}
}

func (d *Handlers) userDeleteMethod(roles []keyward.Role) *rpc.Method {
	return &rpc.Method{
		Name: "user.delete", Summary: "Delete a user.",
		Description: "Deletes a user, its sessions and all its API keys; with `delete_group` (the default) also its " +
			"primary group when no other user or privilege uses it. Returns the deleted id. A user may not delete " +
			"their own account, nor the last local administrator.",
		Params: []schema.Field{schema.Req("id", schema.Int()),
			schema.Opt("options", schema.Object(schema.Opt("delete_group", schema.Bool(), true)), map[string]any{"delete_group": true})},
		Result: schema.Int(), Roles: roles,
		Audit:  auditName("Delete user", d.userName),
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EINVAL, Message: service.ErrDeleteSelf.Reason()}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			id := c.Params[0].(int64)
			deleteGroup := c.Params[1].(map[string]any)["delete_group"].(bool)
			if _, err := d.Svc.DeleteUser(ctx, id, deleteGroup); err != nil {
				return nil, err
			}
			return id, nil
		},
	}
}

func (d *Handlers) setupMethods() []*rpc.Method {
	return []*rpc.Method{{
		Name: "user.has_local_administrator_set_up", Summary: "Tell whether first-run setup is done.",
		Description: "True when at least one local administrator exists (an unlocked, password-enabled member of a group of the Local Administrator privilege).",
		Result:      schema.Bool(), Access: rpc.NoAuth,
		Handler: func(context.Context, *rpc.Call) (any, error) { return d.Svc.HasLocalAdministrator(), nil },
	}, {
		Name: "user.setup_local_administrator", Summary: "Create the first administrator.",
		Description: "Creates the local administrator: uid 950, full name `Local Administrator`, a primary group named " +
			"like the user and membership of builtin_administrators. Allowed only while no local administrator exists. " +
			"Does not log the caller in.",
		Params: []schema.Field{
			schema.Req("username", usernameSchema()),
			schema.Req("password", schema.String().Len(1, 0).Sensitive()),
			schema.Opt("options", schema.Object(), map[string]any{}),
		},
		Result: schema.Null(), Access: rpc.NoAuth,
		Audit:  auditName("Set up local administrator", func(p []any) string { return paramString(p, 0) }),
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EEXIST, Message: service.ErrAdminSetUp.Reason()}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			return nil, d.Svc.SetupLocalAdministrator(ctx, c.Params[0].(string), c.Params[1].(string))
		},
	}}
}
