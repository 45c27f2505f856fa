package api

import (
	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/service"
)

// groupExamples document the group writes. On the examples' fresh server
// the administrator's own group is id 4 (gid 950), so the first group made
// is id 5 and takes gid 3000; the examples run in method-name order.
var groupExamples = map[string][]rpc.Example{
	"group.create": {{Name: "a group with the administrator in it",
		Params: []any{map[string]any{"name": "backup_operators", "users": []any{1}}}, Result: 5}},
	"group.delete": {
		{Name: "a built-in group", Params: []any{1}, Err: service.ErrBuiltinGroup},
		{Name: "the group made by group.create", Params: []any{5}, Result: 5},
	},
	"group.get_next_gid": {{Name: "on a fresh server", Params: []any{}, Result: 3000}},
	"group.update": {
		{Name: "rename", Params: []any{4, map[string]any{"name": "admins"}}, Result: 4},
		{Name: "rename a built-in group", Params: []any{1, map[string]any{"name": "operators"}},
			Err: keyward.Invalid("group_update.name", "This configuration parameter may not be changed for builtin groups.")},
	},
}
