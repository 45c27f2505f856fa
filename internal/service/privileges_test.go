package service_test

import (
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

// privilege builds a PrivilegeInput; nil fields stay unset.
func privilege(name *string, gids []int64, roles []string) service.PrivilegeInput {
	var in service.PrivilegeInput
	if name != nil {
		in.Name = keyward.Opt[string]{Set: true, Value: *name}
	}
	if gids != nil {
		in.LocalGroups = keyward.Opt[[]int64]{Set: true, Value: gids}
	}
	if roles != nil {
		in.Roles = keyward.Opt[[]string]{Set: true, Value: roles}
	}
	return in
}

// builtinID returns the id of a built-in privilege.
func builtinID(e *env, builtin string) int64 {
	for _, p := range e.svc.Accounts().Privileges {
		if p.BuiltinName == builtin {
			return p.ID
		}
	}
	e.tb.Fatalf("no built-in privilege %s", builtin)
	return 0
}

// TestCreatePrivilege checks privilege_create's validation (accounts.md 7.2).
func TestCreatePrivilege(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	dsGroup := privilege(ptr("ds"), nil, nil)
	dsGroup.DSGroups = keyward.Opt[[]any]{Set: true, Value: []any{"S-1-5-21", map[string]any{"gid": int64(7)}}}
	tests := []struct {
		name       string
		in         service.PrivilegeInput
		attr, text string
	}{
		{"ErrNameTaken", privilege(ptr("Local Administrator"), nil, nil), "privilege_create.name", "A privilege with this name already exists."},
		{"ErrNoGroup", privilege(ptr("p"), []int64{544, 4321}, nil), "privilege_create.local_groups.1", "4321: local group does not exist."},
		{"ErrRole", privilege(ptr("p"), nil, []string{"API_KEY_READ", "NO_SUCH_ROLE"}), "privilege_create.roles.1", "Invalid role"},
		{"ErrDSGroupText", dsGroup, "privilege_create.ds_groups.0", "S-1-5-21: directory Service group does not exist."},
		{"ErrDSGroupObject", dsGroup, "privilege_create.ds_groups.1", `{"gid":7}: directory Service group does not exist.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CreatePrivilege(e.ctx, tt.in)
			wantInvalid(t, err, tt.attr, tt.text)
		})
	}
	t.Run("OK", func(t *testing.T) {
		u := e.user("alice")
		gid := e.svc.Accounts().Group(u.GroupID).GID
		p, err := e.svc.CreatePrivilege(e.ctx, privilege(ptr("readers"), []int64{gid}, []string{"API_KEY_READ"}))
		if err != nil || p.ID == 0 {
			t.Fatalf("privilege %+v, %v", p, err)
		}
		if !e.svc.Roles(u.ID).Has(keyward.APIKeyRead) {
			t.Errorf("alice's roles %v, want API_KEY_READ at once", e.svc.Roles(u.ID).Names())
		}
	})
}

// TestUpdatePrivilege checks privilege_update, with the rules for
// built-in privileges.
func TestUpdatePrivilege(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	local := builtinID(e, keyward.PrivLocalAdministrator)
	readonly := builtinID(e, keyward.PrivReadonlyAdministrator)
	alice := e.user("alice")
	gid := e.svc.Accounts().Group(alice.GroupID).GID
	webShell := service.PrivilegeInput{WebShell: keyward.Opt[bool]{Set: true, Value: true}}
	tests := []struct {
		name       string
		id         int64
		in         service.PrivilegeInput
		attr, text string
	}{
		{"ErrNotFound", 999, service.PrivilegeInput{}, "", "Privilege 999 does not exist"},
		{"ErrBuiltinName", local, privilege(ptr("Root"), nil, nil), "privilege_update.name", "This field is read-only for built-in privileges"},
		{"ErrBuiltinRoles", readonly, privilege(nil, nil, []string{"FULL_ADMIN"}), "privilege_update.roles", "This field is read-only for built-in privileges"},
		{"ErrAdministratorsGroup", local, privilege(nil, []int64{gid}, nil), "privilege_update.local_groups",
			`The group builtin_administrators must be among grantees of the "Local Administrator" privilege.`},
		{"ErrReadonlyWebShell", readonly, webShell, "privilege_update.web_shell",
			"Web shell access may not be enabled for the built-in group for read-only administrators."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.svc.UpdatePrivilege(e.ctx, tt.id, tt.in)
			wantInvalid(t, err, tt.attr, tt.text)
		})
	}
	t.Run("OKBuiltinGroups", func(t *testing.T) {
		before, after, err := e.svc.UpdatePrivilege(e.ctx, local, privilege(nil, []int64{544, gid}, nil))
		if err != nil || len(before.GIDs) != 1 || len(after.GIDs) != 2 || !e.svc.Roles(alice.ID).Has(keyward.FullAdmin) {
			t.Fatalf("before %+v, after %+v, %v", before, after, err)
		}
	})
	t.Run("ErrNoPasswordMember", func(t *testing.T) {
		// alice is an administrator too now, so admin may be locked; then
		// builtin_administrators alone has no member who may log in.
		update(e, e.admin.ID, service.UserUpdate{Locked: keyward.Opt[bool]{Set: true, Value: true}})
		_, _, err := e.svc.UpdatePrivilege(e.ctx, local, privilege(nil, []int64{544}, nil))
		wantInvalid(t, err, "privilege_update.local_groups", "None of the members of these groups has password login enabled.")
	})
}

// TestDeletePrivilege checks privilege.delete.
func TestDeletePrivilege(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	t.Run("ErrBuiltin", func(t *testing.T) {
		_, err := e.svc.DeletePrivilege(e.ctx, builtinID(e, keyward.PrivSharingAdministrator))
		wantErrno(t, err, keyward.EPERM, "Unable to delete built-in privilege")
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := e.svc.DeletePrivilege(e.ctx, 999)
		wantInvalid(t, err, "", "Privilege 999 does not exist")
	})
	t.Run("OK", func(t *testing.T) {
		u := e.user("alice", "API_KEY_READ")
		deletePrivilege(e, "priv-alice")
		if !e.svc.Roles(u.ID).Empty() {
			t.Errorf("roles %v after the privilege went", e.svc.Roles(u.ID).Names())
		}
	})
}
