package acceptance_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

func TestPrivilegeRolesApplyToOpenSessions(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	u := admin.MustResult("user.create", map[string]any{"username": "svc", "full_name": "Service", "password": "pw", "group_create": true}).(map[string]any)
	group := u["group"].(map[string]any)
	p := admin.MustResult("privilege.create", map[string]any{"name": "Key managers", "local_groups": []any{group["bsdgrp_gid"]},
		"roles": []any{}, "web_shell": false}).(map[string]any)
	pid := p["id"]
	c := apptest.MustDial(t, srv.WSURL("current"))
	if r := c.Login("svc", "pw")["response_type"]; r != "DENIED" { // v26.0.0: the right password of a user without roles
		t.Fatalf("user without roles: %v", r)
	}
	admin.MustResult("privilege.update", pid, map[string]any{"roles": []any{"SHARING_ADMIN"}})
	info := c.MustLogin("svc", "pw")["user_info"].(map[string]any)["privilege"].(map[string]any)
	roles := info["roles"].(map[string]any)["$set"].([]any)
	if !slices.Contains(roles, any("SHARING_ADMIN")) || !slices.Contains(roles, any("READONLY_ADMIN")) || info["webui_access"] != true {
		t.Fatalf("privilege %s", apptest.String(info))
	}
	found := admin.MustResult("privilege.query", []any{[]any{"local_groups.0.group", "=", group["bsdgrp_group"]}}, map[string]any{"get": true})
	if found.(map[string]any)["name"] != "Key managers" {
		t.Fatalf("privilege.query by group: %s", apptest.String(found))
	}
	users := admin.MustResult("user.query", []any{[]any{"username", "=", "svc"}}, map[string]any{"get": true}).(map[string]any)
	if apptest.String(users["roles"]) != `["SHARING_ADMIN"]` || users["local"] != true || apptest.String(users["api_keys"]) != `[]` {
		t.Fatalf("user entry %s", apptest.String(users))
	}
	t.Run("RoleRemovalEndsSession", func(t *testing.T) {
		admin.MustResult("privilege.update", pid, map[string]any{"roles": []any{}})
		if apptest.Errno(c.Call("auth.me")) != 207 {
			t.Fatal("session survived losing every role")
		}
	})
	t.Run("LockEndsSession", func(t *testing.T) {
		admin.MustResult("privilege.update", pid, map[string]any{"roles": []any{"READONLY_ADMIN"}})
		c.MustLogin("svc", "pw")
		admin.MustResult("user.update", u["id"], map[string]any{"locked": true})
		if apptest.Errno(c.Call("auth.me")) != 207 {
			t.Fatal("session survived lock")
		}
	})
	t.Run("DeleteReturnsID", func(t *testing.T) {
		if got := admin.MustResult("user.delete", u["id"]); got != u["id"] {
			t.Fatalf("user.delete returned %v", got)
		}
	})
}

// TestLastAdministratorProtection: the last local administrator cannot
// be deleted (-32001 EACCES), lose password login or be locked (-32602 at
// the field, as TrueNAS 25.10.6), or leave the administrators' groups; and
// no user may delete their own account (accounts.md 5.3).
func TestLastAdministratorProtection(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	me := admin.MustResult("user.query", []any{[]any{"username", "=", "admin"}}, map[string]any{"get": true}).(map[string]any)
	id := me["id"]
	apptest.MustUserWithRoles(t, admin, "ops", "pw-ops", "ACCOUNT_WRITE", "READONLY_ADMIN")
	ops := apptest.MustDial(t, srv.WSURL("current"))
	ops.MustLogin("ops", "pw-ops")
	const tail = " no password-enabled local user will have built-in privilege 'Local Administrator'."
	for _, tc := range []struct {
		name        string
		call        func() map[string]any
		code, errno int64
		reason      string
	}{
		{"ErrDelete", func() map[string]any { return ops.Call("user.delete", id) }, -32001, 13,
			"[EACCES] After deleting this user no local user will have built-in privilege 'Local Administrator'."},
		{"ErrDeleteSelf", func() map[string]any { return admin.Call("user.delete", id) }, -32001, 22,
			"[EINVAL] Cannot delete the currently active user"},
		{"ErrDisablePassword", func() map[string]any { return admin.Call("user.update", id, map[string]any{"password_disabled": true}) },
			-32602, 22, "[EINVAL] user_update.password_disabled: After disabling password for this user" + tail + "\n"},
		{"ErrLock", func() map[string]any { return admin.Call("user.update", id, map[string]any{"locked": true}) },
			-32602, 22, "[EINVAL] user_update.locked: After locking this user no local users will have FULL_ADMIN role\n"},
		{"ErrLockAndDisablePassword", func() map[string]any {
			return ops.Call("user.update", id, map[string]any{"locked": true, "password_disabled": true})
		}, -32602, 22, "[EINVAL] user_update.password_disabled: After disabling password for this user" + tail + "\n" +
			"[EINVAL] user_update.locked: After locking this user no local users will have FULL_ADMIN role\n"},
		{"ErrLeaveAdmins", func() map[string]any { return admin.Call("user.update", id, map[string]any{"groups": []any{}}) },
			-32602, 22, "[EINVAL] user_update.groups: After this change" + tail + "\n"},
		{"ErrDeleteBuiltinPrivilege", func() map[string]any { return admin.Call("privilege.delete", 1) }, -32001, 1,
			"[EPERM] Unable to delete built-in privilege"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.call()
			if apptest.Code(r) != tc.code || apptest.Errno(r) != tc.errno || apptest.Reason(r) != tc.reason {
				t.Fatalf("got %s", apptest.String(r))
			}
		})
	}
	t.Run("OKStillAdministrator", func(t *testing.T) {
		if admin.MustResult("user.has_local_administrator_set_up") != true {
			t.Fatal("the administrator is gone")
		}
		admin.MustResult("auth.me")
	})
	t.Run("OKDeleteAnother", func(t *testing.T) {
		opsID := admin.MustResult("user.query", []any{[]any{"username", "=", "ops"}}, map[string]any{"get": true}).(map[string]any)["id"]
		if apptest.Code(ops.Call("user.delete", opsID)) != -32001 {
			t.Fatal("ops deleted their own account")
		}
		if got := admin.MustResult("user.delete", opsID); got != opsID {
			t.Fatalf("user.delete returned %v", got)
		}
	})
}

func TestPrivilegeValidation(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	r := admin.Call("privilege.create", map[string]any{"name": "x", "roles": []any{"NOPE"}, "web_shell": false})
	if apptest.Extra(r) != `[["privilege_create.roles.0","Invalid role",22]]` {
		t.Fatalf("bad role: %s", apptest.Extra(r))
	}
	r = admin.Call("privilege.create", map[string]any{"name": "x", "local_groups": []any{99999}, "web_shell": false})
	if !strings.HasPrefix(apptest.Extra(r), `[["privilege_create.local_groups.0","99999: local group does not exist.`) {
		t.Fatalf("bad gid: %s", apptest.Extra(r))
	}
	r = admin.Call("privilege.update", 1, map[string]any{"roles": []any{"READONLY_ADMIN"}, "local_groups": []any{951}})
	if !strings.Contains(apptest.Extra(r), "privilege_update.roles") || !strings.Contains(apptest.Extra(r), "builtin_administrators must be among grantees") {
		t.Fatalf("built-in change: %s", apptest.Extra(r))
	}
	r = admin.Call("privilege.get_instance", 99)
	if apptest.Reason(r) != "[ENOENT] None: Privilege 99 does not exist" {
		t.Fatalf("get_instance: %s", apptest.String(r))
	}
	r = admin.Call("user.create", map[string]any{"username": "admin", "full_name": "x", "password": "p", "group": 12345})
	if apptest.Extra(r) != `[["user_create.username","A user with the username \"admin\" already exists.",17],["user_create.group","Group 12345 does not exist.",2]]` {
		t.Fatalf("user.create: %s", apptest.Extra(r))
	}
}
