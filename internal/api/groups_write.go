package api

import (
	"context"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
	"github.com/keyward/keyward/internal/service"
)

// groupFields are the fields group_create and group_update share, in
// TrueNAS's order; field makes each required, defaulted or optional.
func groupFields(field func(name string, s *schema.Schema, def any) schema.Field) []schema.Field {
	return []schema.Field{
		field("name", schema.String().RecordAs(service.RecordedGroupName).
			Desc("1 or more of A-Z a-z 0-9 _ - . , not starting with -; unique."), nil),
		field("sudo_commands", schema.List(schema.String().Len(1, 0)), []any{}).
			Doc("Accepted only empty: Keyward runs no commands."),
		field("sudo_commands_nopasswd", schema.List(schema.String().Len(1, 0)), []any{}).
			Doc("Accepted only empty: Keyward runs no commands."),
		field("smb", schema.Bool(), false).
			Doc("Accepted only false (TrueNAS's default is true): Keyward has no SMB server."),
		field("userns_idmap", schema.AnyOf(schema.Const("DIRECT"), schema.Int().Range(1, 4294967294), schema.Null()), nil).
			Doc("Accepted only null: Keyward runs no containers."),
		field("users", schema.List(schema.Int()), []any{}).
			Doc("Database ids of the members; users having the group as their primary group must be listed."),
	}
}

var groupCreateSchema = schema.Object(append([]schema.Field{
	schema.Opt("gid", schema.Int().Range(0, 90000000).OrNull(), nil).
		Doc("If null, the next free gid from 3000 (as group.get_next_gid). Never changes afterwards."),
}, groupFields(func(name string, s *schema.Schema, def any) schema.Field {
	if name == "name" {
		return schema.Req(name, s)
	}
	return schema.Opt(name, s, def)
})...)...).Named("GroupCreate")

var groupUpdateSchema = schema.Object(groupFields(func(name string, s *schema.Schema, _ any) schema.Field {
	return schema.Maybe(name, s)
})...).Named("GroupUpdate")

func (d *Handlers) groupName(params []any) string {
	if id, ok := paramID(params, 0); ok {
		if g := d.Svc.Accounts().Group(id); g != nil {
			return g.Name
		}
	}
	return ""
}

// groupDeleteAudit describes group.delete as TrueNAS does.
func (d *Handlers) groupDeleteAudit(_ context.Context, params []any) string {
	desc := "Delete group"
	if name := d.groupName(params); name != "" {
		desc += " " + name
	}
	if len(params) > 1 {
		if o, ok := params[1].(map[string]any); ok && o["delete_users"] == true {
			desc += " and all users that have this group as their primary group"
		}
	}
	return desc
}

func (d *Handlers) groupWriteMethods() []*rpc.Method {
	write := []keyward.Role{keyward.AccountWrite}
	return []*rpc.Method{{
		Name: "group.create", Summary: "Create a group.",
		Description: "Creates a local group with its members and returns its id. Members gain the roles of the " +
			"privileges listing its gid at once.",
		Params: []schema.Field{schema.Req("group_create", groupCreateSchema)}, Result: schema.Int().Desc("The new group's id."),
		Roles: write, Examples: groupExamples["group.create"],
		Audit: auditName("Create group", func(p []any) string { return service.RecordedGroupName(paramField(p, 0, "name")) }),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			var in service.GroupCreate
			if err := schema.Decode(c.Params[0], &in); err != nil {
				return nil, err
			}
			g, err := d.Svc.CreateGroup(ctx, in)
			if err != nil {
				return nil, err
			}
			return g.ID, nil
		},
	}, {
		Name: "group.update", Summary: "Change a group.",
		Description: "Renames a group or sets its members, and returns its id. The gid never changes, so privileges keep " +
			"pointing at the group. Role changes apply to the members' open sessions at once; users left without roles " +
			"lose their sessions. Built-in groups keep their name; their members may change.",
		Params: []schema.Field{schema.Req("id", schema.Int()), schema.Req("group_update", groupUpdateSchema)},
		Result: schema.Int().Desc("The group's id."), Roles: write, Examples: groupExamples["group.update"],
		Audit: auditName("Update group", d.groupName),
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			var in service.GroupUpdate
			if err := schema.Decode(c.Params[1], &in); err != nil {
				return nil, err
			}
			_, g, err := d.Svc.UpdateGroup(ctx, c.Params[0].(int64), in)
			if err != nil {
				return nil, err
			}
			return g.ID, nil
		},
	}, d.groupDeleteMethod(write), {
		Name: "group.get_next_gid", Summary: "Get the next free gid.",
		Description: "Returns the gid group.create gives a group made without one: the lowest gid from 3000 up that " +
			"no group has and no privilege lists. Nothing is reserved.",
		Result: schema.Int(), Roles: []keyward.Role{keyward.AccountRead}, Examples: groupExamples["group.get_next_gid"],
		Handler: func(context.Context, *rpc.Call) (any, error) { return d.Svc.NextGID(), nil },
	}}
}

func (d *Handlers) groupDeleteMethod(write []keyward.Role) *rpc.Method {
	return &rpc.Method{
		Name: "group.delete", Summary: "Delete a group.",
		Description: "Deletes a local group and returns its id; its members lose it. A built-in group, or one a privilege " +
			"lists, cannot be deleted. With `delete_users` the users having it as their primary group are deleted with " +
			"it (with their API keys and sessions); without, such a group is not deleted.",
		Params: []schema.Field{schema.Req("id", schema.Int()),
			schema.Opt("options", schema.Object(schema.Opt("delete_users", schema.Bool(), false)), map[string]any{"delete_users": false})},
		Result: schema.Int().Desc("The deleted group's id."), Roles: write, Examples: groupExamples["group.delete"],
		Audit:  d.groupDeleteAudit,
		Errors: []rpc.ErrorDoc{{Code: rpc.CodeCallError, Errno: keyward.EACCES, Message: service.ErrBuiltinGroup.Reason()}},
		Handler: func(ctx context.Context, c *rpc.Call) (any, error) {
			id := c.Params[0].(int64)
			deleteUsers := c.Params[1].(map[string]any)["delete_users"].(bool)
			if _, err := d.Svc.DeleteGroup(ctx, id, deleteUsers); err != nil {
				return nil, err
			}
			return id, nil
		},
	}
}
