package service

import (
	"fmt"
	"slices"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/ejson"
)

// validatePrivilege applies accounts.md 7.2 to the merged privilege p (old
// is nil on create); every failure is collected.
func validatePrivilege(acc *keyward.Accounts, old, p *keyward.Privilege, in PrivilegeInput, attr string) error {
	v := &keyward.ValidationError{}
	for _, other := range acc.Privileges {
		if other.Name == p.Name && (old == nil || other.ID != old.ID) {
			v.Add(attr+".name", "A privilege with this name already exists.")
		}
	}
	for i, gid := range p.GIDs {
		if acc.GroupByGID(gid) == nil {
			v.Add(fmt.Sprintf("%s.local_groups.%d", attr, i), fmt.Sprintf("%d: local group does not exist. "+
				"This error may be addressed by either re-creating the missing group with the specified group id "+
				"or removing this entry from the privilege.", gid))
		}
	}
	for i, g := range in.DSGroups.Value {
		shown, _ := ejson.Marshal(g)
		if s, ok := g.(string); ok {
			shown = []byte(s)
		}
		v.Add(fmt.Sprintf("%s.ds_groups.%d", attr, i), fmt.Sprintf("%s: directory Service group does not exist. "+
			"If the directory service state is healthy, then this error may be addressed by removing this entry from the privilege.", shown))
	}
	for i, r := range p.Roles {
		if _, ok := keyward.ParseRole(r); !ok {
			v.Add(fmt.Sprintf("%s.roles.%d", attr, i), "Invalid role")
		}
	}
	if old != nil && BuiltinPrivilege(old) {
		validateBuiltin(acc, old, p, v, attr)
	}
	return v.Err()
}

func validateBuiltin(acc *keyward.Accounts, old, p *keyward.Privilege, v *keyward.ValidationError, attr string) {
	const readOnly = "This field is read-only for built-in privileges"
	if p.Name != old.Name {
		v.Add(attr+".name", readOnly)
	}
	if !slices.Equal(p.Roles, old.Roles) {
		v.Add(attr+".roles", readOnly)
	}
	switch old.BuiltinName {
	case keyward.PrivLocalAdministrator:
		if !slices.Contains(p.GIDs, 544) {
			v.Add(attr+".local_groups", `The group builtin_administrators must be among grantees of the "Local Administrator" privilege.`)
		} else if !hasPasswordMember(acc, p.GIDs) {
			v.Add(attr+".local_groups", `None of the members of these groups has password login enabled. `+
				`At least one grantee of the "Local Administrator" privilege must have password login enabled.`)
		}
	case keyward.PrivReadonlyAdministrator:
		if p.WebShell {
			v.Add(attr+".web_shell", "Web shell access may not be enabled for the built-in group for read-only administrators.")
		}
	}
}

// hasPasswordMember reports whether an unlocked, password-enabled user is in
// a group with one of gids.
func hasPasswordMember(acc *keyward.Accounts, gids []int64) bool {
	for _, u := range acc.Users {
		if u.Locked || u.PasswordDisabled {
			continue
		}
		for _, gid := range acc.UserGIDs(u) {
			if slices.Contains(gids, gid) {
				return true
			}
		}
	}
	return false
}
