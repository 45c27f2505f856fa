package acceptance_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

const (
	textNoSudo  = "Keyward runs no commands: sudo commands cannot be granted to a group."
	textBuiltin = "This configuration parameter may not be changed for builtin groups."
)

// group reads one group entry.
func group(t *testing.T, admin *apptest.Client, id any) map[string]any {
	t.Helper()
	return admin.MustResult("group.get_instance", id).(map[string]any)
}

// userGroups returns the secondary groups of a user as JSON.
func userGroups(t *testing.T, admin *apptest.Client, id any) string {
	t.Helper()
	return apptest.String(admin.MustResult("user.get_instance", id).(map[string]any)["groups"])
}

// auditDescriptions returns the descriptions of the METHOD_CALL records
// of a method, sorted.
func auditDescriptions(t *testing.T, admin *apptest.Client, method string) []string {
	t.Helper()
	recs := admin.MustResult("audit.query", map[string]any{
		"query-filters": []any{[]any{"event_data.method", "=", method}},
		"query-options": map[string]any{"limit": 100},
	}).([]any)
	var out []string
	for _, r := range recs {
		out = append(out, r.(map[string]any)["event_data"].(map[string]any)["description"].(string))
	}
	slices.Sort(out)
	return out
}

// TestGroupCreate: group.create returns the new id; a group made without a
// gid takes group.get_next_gid's; members listed are members; audited as
// TrueNAS does.
func TestGroupCreate(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	next := admin.MustResult("group.get_next_gid")
	if apptest.String(next) != "3000" {
		t.Fatalf("get_next_gid on a fresh server: %v", next)
	}
	id := admin.MustResult("group.create", map[string]any{"name": "backup_operators"})
	g := group(t, admin, id)
	if g["gid"] != next || g["name"] != "backup_operators" || g["group"] != "backup_operators" || g["builtin"] != false ||
		g["immutable"] != false || g["local"] != true || apptest.String(g["users"]) != "[]" || apptest.String(g["roles"]) != "[]" {
		t.Fatalf("created group %s", apptest.String(g))
	}
	if got := admin.MustResult("group.get_next_gid"); apptest.String(got) != "3001" {
		t.Fatalf("get_next_gid after a create: %v", got)
	}
	me := admin.MustResult("user.query", []any{[]any{"username", "=", apptest.AdminUser}}, map[string]any{"get": true}).(map[string]any)
	ops := admin.MustResult("group.create", map[string]any{"name": "ops.team-1", "gid": 4242, "users": []any{me["id"]},
		"sudo_commands": []any{}, "sudo_commands_nopasswd": []any{}, "smb": false, "userns_idmap": nil})
	if g := group(t, admin, ops); apptest.String(g["gid"]) != "4242" || apptest.String(g["users"]) != apptest.String([]any{me["id"]}) {
		t.Fatalf("group with a gid and a member: %s", apptest.String(g))
	}
	if !strings.Contains(userGroups(t, admin, me["id"]), apptest.String(ops)) {
		t.Fatalf("the member's groups lack the new group: %s", userGroups(t, admin, me["id"]))
	}
	t.Run("OKOnV25.04", func(t *testing.T) {
		old := apptest.MustDial(t, srv.WSURL("v25.04.0"))
		old.MustLogin(apptest.AdminUser, apptest.AdminPassword)
		if _, ok := apptest.Int(old.MustResult("group.create", map[string]any{"name": "legacy"})); !ok {
			t.Fatal("group.create on v25.04.0 did not return an id")
		}
	})
	t.Run("Audit", func(t *testing.T) {
		got := strings.Join(auditDescriptions(t, admin, "group.create"), "|")
		if got != "Create group backup_operators|Create group legacy|Create group ops.team-1" {
			t.Fatalf("audit descriptions %q", got)
		}
	})
}

// TestGroupCreateValidation: TrueNAS's texts and attributes, and
// Keyward's refusals of the fields it accepts only as none.
func TestGroupCreateValidation(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	chars := "a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, " +
		"A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z, " +
		"0, 1, 2, 3, 4, 5, 6, 7, 8, 9, _, -, ."
	for _, tc := range []struct {
		name   string
		params map[string]any
		extra  string
	}{
		{"ErrNameEmpty", map[string]any{"name": ""}, `[["group_create.name","Value error, Must be at least 1 character in length",22]]`},
		{"ErrNameStart", map[string]any{"name": "-ops"}, `[["group_create.name","Value error, Cannot start with \"'-'\"",22]]`},
		{"ErrNameChars", map[string]any{"name": "ops team"}, `[["group_create.name","Value error, Valid characters are: '` + chars + `'",22]]`},
		{"ErrNameMissing", map[string]any{}, `[["group_create.name","Field required",22]]`},
		{"ErrNameTaken", map[string]any{"name": "builtin_administrators"},
			`[["group_create.name","A Group with the name \"builtin_administrators\" already exists.",17]]`},
		{"ErrGIDTaken", map[string]any{"name": "x", "gid": 544},
			`[["group_create.gid","Gid 544 is already used (group builtin_administrators has it)",17],` +
				`["group_create.gid","A privilege 'Local Administrator' already uses this group ID.",22]]`},
		{"ErrGIDRange", map[string]any{"name": "x", "gid": 90000001},
			`[["group_create.gid","Input should be less than or equal to 90000000",22]]`},
		{"ErrUsersMissing", map[string]any{"name": "x", "users": []any{99999, 99998}},
			`[["group_create.users","Following users do not exist: 99998, 99999",22]]`},
		{"ErrDirectoryUser", map[string]any{"name": "x", "users": []any{100000001}, "sudo_commands": []any{"ALL"}},
			`[["group_create.users.0","Directory services users may not be added as members of local groups.",22]]`},
		{"ErrSudo", map[string]any{"name": "x", "sudo_commands": []any{"/usr/bin/ls"}, "sudo_commands_nopasswd": []any{"ALL"}},
			`[["group_create.sudo_commands","` + textNoSudo + `",22],["group_create.sudo_commands_nopasswd","` + textNoSudo + `",22]]`},
		{"ErrSudoEmptyCommand", map[string]any{"name": "x", "sudo_commands": []any{""}},
			`[["group_create.sudo_commands.0","String should have at least 1 character",22]]`},
		{"ErrSMB", map[string]any{"name": "x", "smb": true},
			`[["group_create.smb","SMB groups may not be configured while SMB service backend is unitialized.",22]]`},
		{"ErrIdmap", map[string]any{"name": "x", "userns_idmap": "DIRECT"},
			`[["group_create.userns_idmap","Keyward runs no containers: user namespace idmaps cannot be configured.",22]]`},
		{"ErrExcludedField", map[string]any{"name": "x", "builtin": true},
			`[["group_create.builtin","Extra inputs are not permitted",22]]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.Call("group.create", tc.params)
			if apptest.Code(r) != -32602 || apptest.Extra(r) != tc.extra {
				t.Fatalf("got %s\nwant extra %s", apptest.String(r), tc.extra)
			}
		})
	}
	if n := admin.MustResult("group.query", []any{}, map[string]any{"count": true}); apptest.String(n) != "4" {
		t.Fatalf("%v groups after refused creates, want the 3 built-in and the administrator's", n)
	}
}
