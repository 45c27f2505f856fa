package acceptance_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// newUser creates a password user with a group of its own and returns it.
func newUser(t *testing.T, admin *apptest.Client, name string) map[string]any {
	t.Helper()
	return admin.MustResult("user.create", map[string]any{"username": name, "full_name": "Test " + name,
		"password": "pw-" + name, "group_create": true}).(map[string]any)
}

// TestGroupUpdate: renames and membership changes, the primary-group
// rule, the unchangeable gid and the audit description (the old name).
func TestGroupUpdate(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	alice, bob := newUser(t, admin, "alice"), newUser(t, admin, "bob")
	gid := alice["group"].(map[string]any)["id"]
	if got := admin.MustResult("group.update", gid, map[string]any{"name": "alices"}); got != gid {
		t.Fatalf("group.update returned %v, want %v", got, gid)
	}
	g := group(t, admin, gid)
	if g["name"] != "alices" || g["group"] != "alices" || g["gid"] != alice["group"].(map[string]any)["bsdgrp_gid"] {
		t.Fatalf("renamed group %s", apptest.String(g))
	}
	u := admin.MustResult("user.get_instance", alice["id"]).(map[string]any)
	if u["group"].(map[string]any)["bsdgrp_group"] != "alices" {
		t.Fatalf("the member's entry shows %s", apptest.String(u["group"]))
	}
	admin.MustResult("group.update", gid, map[string]any{"users": []any{alice["id"], bob["id"]}})
	if got := apptest.String(group(t, admin, gid)["users"]); got != apptest.String([]any{alice["id"], bob["id"]}) {
		t.Fatalf("users after adding bob: %s", got)
	}
	if got := userGroups(t, admin, bob["id"]); got != apptest.String([]any{gid}) {
		t.Fatalf("bob's groups: %s", got)
	}
	admin.MustResult("group.update", gid, map[string]any{"users": []any{alice["id"]}})
	if got := userGroups(t, admin, bob["id"]); got != "[]" {
		t.Fatalf("bob's groups after removal: %s", got)
	}
	admin.MustResult("group.update", gid, map[string]any{})
	t.Run("ErrRemovePrimaryMember", func(t *testing.T) {
		r := admin.Call("group.update", gid, map[string]any{"users": []any{bob["id"]}})
		if apptest.Extra(r) != `[["group_update.users","This group is primary for the following users: alice. You can't remove them.",22]]` {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("ErrGIDNeverChanges", func(t *testing.T) {
		r := admin.Call("group.update", gid, map[string]any{"gid": 7000})
		if apptest.Extra(r) != `[["group_update.gid","Extra inputs are not permitted",22]]` {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("ErrNameTaken", func(t *testing.T) {
		r := admin.Call("group.update", gid, map[string]any{"name": "bob", "sudo_commands": []any{"ALL"}})
		want := `[["group_update.name","A Group with the name \"bob\" already exists.",17],["group_update.sudo_commands","` + textNoSudo + `",22]]`
		if apptest.Extra(r) != want {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		r := admin.Call("group.update", 99999, map[string]any{})
		if apptest.Reason(r) != "[ENOENT] None: Group 99999 does not exist" {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("Audit", func(t *testing.T) {
		// The rename, two member changes, the empty update and the four
		// refused calls (the missing group has no name to show).
		got := strings.Join(auditDescriptions(t, admin, "group.update"), "|")
		if got != "Update group|Update group alice"+strings.Repeat("|Update group alices", 6) {
			t.Fatalf("audit descriptions %q", got)
		}
	})
}

// TestGroupBuiltinProtection: built-in groups keep their name and fields
// and cannot be deleted; their members may change (as TrueNAS's
// builtin_administrators and read-only administrators groups), except
// that the last local administrator may not leave.
func TestGroupBuiltinProtection(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	r := admin.Call("group.update", 1, map[string]any{"name": "admins", "sudo_commands": []any{}, "smb": true})
	want := `[["group_update.smb","SMB groups may not be configured while SMB service backend is unitialized.",22],` +
		`["group_update.smb","` + textBuiltin + `",22],["group_update.name","` + textBuiltin + `",22]]`
	if apptest.Extra(r) != want {
		t.Fatalf("renaming builtin_administrators: %s", apptest.String(r))
	}
	r = admin.Call("group.update", 2, map[string]any{"userns_idmap": nil})
	want = `[["group_update.userns_idmap","User namespace idmaps may not be configured for privileged accounts.",22],` +
		`["group_update.userns_idmap","User namespace idmaps may not be configured for builtin accounts.",22]]`
	if apptest.Extra(r) != want {
		t.Fatalf("idmap of a built-in group: %s", apptest.String(r))
	}
	if got := admin.MustResult("group.update", 1, map[string]any{"name": "builtin_administrators"}); apptest.String(got) != "1" {
		t.Fatalf("an unchanged name: %v", got)
	}
	t.Run("ErrLastAdministratorLeaves", func(t *testing.T) {
		r := admin.Call("group.update", 1, map[string]any{"users": []any{}})
		want := `[["group_update.users","After this change no password-enabled local user will have built-in privilege 'Local Administrator'.",22]]`
		if apptest.Extra(r) != want {
			t.Fatalf("got %s", apptest.String(r))
		}
		if admin.MustResult("user.has_local_administrator_set_up") != true {
			t.Fatal("the administrator is gone")
		}
	})
	t.Run("ErrDelete", func(t *testing.T) {
		for _, id := range []int{1, 2, 3} {
			r := admin.Call("group.delete", id)
			if apptest.Code(r) != -32001 || apptest.Errno(r) != 13 || apptest.Reason(r) != "[EACCES] A built-in group cannot be deleted." {
				t.Fatalf("group.delete(%d): %s", id, apptest.String(r))
			}
		}
	})
	t.Run("OKMembers", func(t *testing.T) {
		ro := newUser(t, admin, "viewer")
		c := apptest.MustDial(t, srv.WSURL("current"))
		if r := c.Login("viewer", "pw-viewer"); r["response_type"] == "SUCCESS" {
			t.Fatalf("a user without roles logged in: %s", apptest.String(r))
		}
		admin.MustResult("group.update", 2, map[string]any{"users": []any{ro["id"]}})
		c.MustLogin("viewer", "pw-viewer")
		if r := c.Call("group.update", 2, map[string]any{"users": []any{}}); apptest.Reason(r) != "[EACCES] Not authorized" {
			t.Fatalf("a read-only administrator changed a group: %s", apptest.String(r))
		}
		admin.MustResult("group.update", 2, map[string]any{"users": []any{}})
		if apptest.Errno(c.Call("auth.me")) != 207 {
			t.Fatal("the session survived leaving its only privileged group")
		}
	})
}
