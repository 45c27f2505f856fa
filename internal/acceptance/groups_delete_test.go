package acceptance_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestGroupDelete: a group a privilege lists is kept (privileges keep
// pointing at gids, as TrueNAS); a primary group goes only with its users
// (delete_users, their keys too); members lose a deleted group.
func TestGroupDelete(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	carol, dave := newUser(t, admin, "carol"), newUser(t, admin, "dave")
	staff := admin.MustResult("group.create", map[string]any{"name": "staff", "users": []any{carol["id"]}})
	priv := admin.MustResult("privilege.create", map[string]any{"name": "Staff", "local_groups": []any{group(t, admin, staff)["gid"]},
		"roles": []any{"READONLY_ADMIN"}, "web_shell": false}).(map[string]any)
	t.Run("ErrListedByPrivilege", func(t *testing.T) {
		r := admin.Call("group.delete", staff)
		want := "[EACCES] This group is used by privilege 'Staff'. Please remove it from that privilege first, then delete the group."
		if apptest.Code(r) != -32001 || apptest.Reason(r) != want {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("OKSecondaryMembersLoseIt", func(t *testing.T) {
		admin.MustResult("privilege.update", priv["id"], map[string]any{"local_groups": []any{}})
		if got := admin.MustResult("group.delete", staff); got != staff {
			t.Fatalf("group.delete returned %v", got)
		}
		if got := userGroups(t, admin, carol["id"]); got != "[]" {
			t.Fatalf("carol's groups: %s", got)
		}
		if r := admin.Call("group.get_instance", staff); apptest.Code(r) != -32602 {
			t.Fatalf("deleted group still read: %s", apptest.String(r))
		}
	})
	daves := dave["group"].(map[string]any)["id"]
	t.Run("ErrPrimaryGroup", func(t *testing.T) {
		r := admin.Call("group.delete", daves, map[string]any{"delete_users": false})
		want := "[EINVAL] This group is the primary group of the following users: dave. " +
			"Give them another primary group first, or delete them with the delete_users option."
		if apptest.Code(r) != -32001 || apptest.Reason(r) != want {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("OKDeleteUsers", func(t *testing.T) {
		admin.MustResult("group.update", 2, map[string]any{"users": []any{dave["id"]}}) // keys need roles
		apptest.MustCreateKey(t, admin, "dave-key", "dave")
		if got := admin.MustResult("group.delete", daves, map[string]any{"delete_users": true}); got != daves {
			t.Fatalf("group.delete returned %v", got)
		}
		if r := admin.Call("user.get_instance", dave["id"]); apptest.Code(r) != -32602 {
			t.Fatalf("dave survived: %s", apptest.String(r))
		}
		keys := admin.MustResult("api_key.query", []any{[]any{"name", "=", "dave-key"}})
		if apptest.String(keys) != "[]" {
			t.Fatalf("dave's key survived: %s", apptest.String(keys))
		}
		if got := apptest.String(group(t, admin, 2)["users"]); got != "[]" {
			t.Fatalf("the read-only administrators still list %s", got)
		}
		admin.MustResult("user.get_instance", carol["id"])
	})
	t.Run("ErrMissing", func(t *testing.T) {
		if r := admin.Call("group.delete", 99999); apptest.Reason(r) != "[ENOENT] None: Group 99999 does not exist" {
			t.Fatalf("got %s", apptest.String(r))
		}
	})
	t.Run("Audit", func(t *testing.T) {
		got := strings.Join(auditDescriptions(t, admin, "group.delete"), "|")
		want := "Delete group|Delete group dave|Delete group dave and all users that have this group as their primary group|" +
			"Delete group staff|Delete group staff"
		if got != want {
			t.Fatalf("audit descriptions %q", got)
		}
	})
}

// TestGroupDeleteKeepsAnAdministrator: deleting the users of a group may
// not remove the last local administrator.
func TestGroupDeleteKeepsAnAdministrator(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	me := admin.MustResult("user.query", []any{[]any{"username", "=", apptest.AdminUser}}, map[string]any{"get": true}).(map[string]any)
	r := admin.Call("group.delete", me["group"].(map[string]any)["id"], map[string]any{"delete_users": true})
	want := "[EACCES] After deleting the users of this group no local user will have built-in privilege 'Local Administrator'."
	if apptest.Code(r) != -32001 || apptest.Reason(r) != want {
		t.Fatalf("got %s", apptest.String(r))
	}
	admin.MustResult("auth.me")
}

// TestGroupWritesRefusedForReadonlyAdmin: the writes need ACCOUNT_WRITE;
// group.get_next_gid needs ACCOUNT_READ, which READONLY_ADMIN includes.
func TestGroupWritesRefusedForReadonlyAdmin(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "reader", "pw-reader", "READONLY_ADMIN")
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.MustLogin("reader", "pw-reader")
	for _, call := range []struct {
		method string
		params []any
	}{
		{"group.create", []any{map[string]any{"name": "x"}}},
		{"group.update", []any{1, map[string]any{}}},
		{"group.delete", []any{5}},
	} {
		r := c.Call(call.method, call.params...)
		if apptest.Code(r) != -32001 || apptest.Errno(r) != 13 || apptest.Reason(r) != "[EACCES] Not authorized" {
			t.Fatalf("%s: %s", call.method, apptest.String(r))
		}
	}
	if got := c.MustResult("group.get_next_gid"); apptest.String(got) != "3001" {
		t.Fatalf("get_next_gid: %v (the reader's own group has 3000)", got)
	}
	if n := admin.MustResult("group.query", []any{}, map[string]any{"count": true}); apptest.String(n) != "5" {
		t.Fatalf("%v groups", n)
	}
}

// TestGroupMemberGainsRoles: a logged-in user added to a group gains the
// roles of the privileges listing its gid on the next call, and loses them
// when removed; a user left without roles loses the session.
func TestGroupMemberGainsRoles(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "erin", "pw-erin", "READONLY_ADMIN")
	erin := admin.MustResult("user.query", []any{[]any{"username", "=", "erin"}}, map[string]any{"get": true}).(map[string]any)
	writers := admin.MustResult("group.create", map[string]any{"name": "account_writers"})
	admin.MustResult("privilege.create", map[string]any{"name": "Account writers", "local_groups": []any{group(t, admin, writers)["gid"]},
		"roles": []any{"ACCOUNT_WRITE"}, "web_shell": false})
	c := apptest.MustDial(t, srv.WSURL("current"))
	c.MustLogin("erin", "pw-erin")
	if r := c.Call("group.create", map[string]any{"name": "erins"}); apptest.Errno(r) != 13 {
		t.Fatalf("before joining: %s", apptest.String(r))
	}
	admin.MustResult("group.update", writers, map[string]any{"users": []any{erin["id"]}})
	if _, ok := apptest.Int(c.MustResult("group.create", map[string]any{"name": "erins"})); !ok {
		t.Fatal("group.create after joining did not return an id")
	}
	roles := apptest.String(c.MustResult("auth.me").(map[string]any)["privilege"].(map[string]any)["roles"])
	if !strings.Contains(roles, `"ACCOUNT_WRITE"`) || !strings.Contains(roles, `"READONLY_ADMIN"`) {
		t.Fatalf("roles after joining: %s", roles)
	}
	admin.MustResult("group.update", writers, map[string]any{"users": []any{}})
	if r := c.Call("group.create", map[string]any{"name": "erins2"}); apptest.Errno(r) != 13 {
		t.Fatalf("after leaving: %s", apptest.String(r))
	}
	t.Run("NoRolesLeftEndsSession", func(t *testing.T) {
		frank := newUser(t, admin, "frank")
		admin.MustResult("group.update", writers, map[string]any{"users": []any{frank["id"]}})
		f := apptest.MustDial(t, srv.WSURL("current"))
		f.MustLogin("frank", "pw-frank")
		admin.MustResult("group.update", writers, map[string]any{"users": []any{}})
		if r := f.Call("auth.me"); apptest.Errno(r) != 207 {
			t.Fatalf("frank's session survived losing every role: %s", apptest.String(r))
		}
	})
}

// TestGroupDeleteNotSelf: group.delete with delete_users does not delete
// the caller's own account with its primary group (as user.delete refuses
// to, "Cannot delete the currently active user").
func TestGroupDeleteNotSelf(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	uid := apptest.MustUserWithRoles(t, admin, "eve", "pw-eve", "ACCOUNT_WRITE")
	eve := apptest.MustDial(t, srv.WSURL("current"))
	eve.MustLogin("eve", "pw-eve")
	u := admin.MustResult("user.get_instance", uid).(map[string]any)
	primary := u["group"].(map[string]any)["id"]
	// eve's roles come through another group, so her primary group is
	// listed by no privilege.
	ops := admin.MustResult("group.create", map[string]any{"name": "ops", "users": []any{uid}})
	privs := admin.MustResult("privilege.query", []any{[]any{"name", "=", "priv-eve"}}).([]any)
	admin.MustResult("privilege.update", privs[0].(map[string]any)["id"],
		map[string]any{"local_groups": []any{group(t, admin, ops)["gid"]}})
	r := eve.Call("group.delete", primary, map[string]any{"delete_users": true})
	if apptest.Code(r) != -32001 || apptest.Reason(r) != "[EINVAL] Cannot delete the currently active user" {
		t.Fatalf("group.delete of the caller's primary group with delete_users: %s", apptest.String(r))
	}
	if got := admin.Call("user.get_instance", uid); got["error"] != nil {
		t.Fatalf("eve was deleted: %s", apptest.String(got))
	}
}
