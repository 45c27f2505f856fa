package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/keyward/keyward"
)

// ErrBuiltinPrivilege refuses to delete a built-in privilege.
var ErrBuiltinPrivilege = keyward.Errorf(keyward.EPERM, "Unable to delete built-in privilege")

// ErrAdminSetUp refuses a second first-run setup.
var ErrAdminSetUp = keyward.Errorf(keyward.EEXIST, "Local administrator is already set up")

// HasLocalAdministrator reports whether a local administrator exists.
func (s *Service) HasLocalAdministrator() bool { return s.Accounts().HasLocalAdministrator() }

// SetupLocalAdministrator creates the first administrator (accounts.md 8):
// uid 950 (or the next free uid >= 3000), a primary group named like the
// user (gid 950 or the next free one; an existing group of that name is
// reused) and membership of builtin_administrators. It is refused once a
// local administrator exists; of two concurrent calls exactly one succeeds,
// because the check runs inside the write transaction.
func (s *Service) SetupLocalAdministrator(ctx context.Context, username, pw string) error {
	if err := CheckUsername("username", username); err != nil {
		return err
	}
	hash := s.hasher.Hash(pw)
	return s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		if acc.HasLocalAdministrator() {
			return ErrAdminSetUp
		}
		if acc.UserByName(username) != nil {
			v := &keyward.ValidationError{}
			v.Add("username", fmt.Sprintf("A user with the username %q already exists.", username), keyward.EEXIST)
			return v
		}
		g := acc.GroupByName(username)
		if g == nil {
			g = &keyward.Group{GID: firstFreeID(950, 3000, gidTaken(acc)), Name: username}
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
		}
		admins := acc.GroupByGID(544)
		u := &keyward.User{
			UID: firstFreeID(950, 3000, uidTaken(acc)), Username: username, FullName: "Local Administrator",
			PasswordHash: hash, GroupID: g.ID, CreatedAt: s.now().UTC(),
		}
		if admins != nil && admins.ID != g.ID {
			u.GroupIDs = []int64{admins.ID}
		}
		return tx.CreateUser(ctx, u)
	})
}

// BuiltinPrivilege reports whether p is one of the built-in privileges.
func BuiltinPrivilege(p *keyward.Privilege) bool { return p.BuiltinName != "" }

// PrivilegeInput is privilege_create, or privilege_update's given fields.
type PrivilegeInput struct {
	Name        keyward.Opt[string]   `json:"name"`
	LocalGroups keyward.Opt[[]int64]  `json:"local_groups"`
	DSGroups    keyward.Opt[[]any]    `json:"ds_groups"`
	Roles       keyward.Opt[[]string] `json:"roles"`
	WebShell    keyward.Opt[bool]     `json:"web_shell"`
}

// CreatePrivilege runs privilege.create.
func (s *Service) CreatePrivilege(ctx context.Context, in PrivilegeInput) (*keyward.Privilege, error) {
	var out *keyward.Privilege
	err := s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		p := mergePrivilege(&keyward.Privilege{}, in)
		if err := validatePrivilege(acc, nil, p, in, "privilege_create"); err != nil {
			return err
		}
		out = p
		return tx.CreatePrivilege(ctx, p)
	})
	return out, err
}

// UpdatePrivilege runs privilege.update and returns the privilege before
// and after.
func (s *Service) UpdatePrivilege(ctx context.Context, id int64, in PrivilegeInput) (before, after *keyward.Privilege, err error) {
	err = s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		old := acc.Privilege(id)
		if old == nil {
			return keyward.NotFound("Privilege", id)
		}
		p := mergePrivilege(old, in)
		if err := validatePrivilege(acc, old, p, in, "privilege_update"); err != nil {
			return err
		}
		before, after = old, p
		return tx.UpdatePrivilege(ctx, p)
	})
	return before, after, err
}

// DeletePrivilege runs privilege.delete and returns the deleted privilege.
func (s *Service) DeletePrivilege(ctx context.Context, id int64) (*keyward.Privilege, error) {
	var out *keyward.Privilege
	err := s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		p := acc.Privilege(id)
		if p == nil {
			return keyward.NotFound("Privilege", id)
		}
		if BuiltinPrivilege(p) {
			return ErrBuiltinPrivilege
		}
		out = p
		return tx.DeletePrivilege(ctx, id)
	})
	return out, err
}

func mergePrivilege(old *keyward.Privilege, in PrivilegeInput) *keyward.Privilege {
	p := *old
	p.GIDs, p.Roles = slices.Clone(old.GIDs), slices.Clone(old.Roles)
	if in.Name.Set {
		p.Name = in.Name.Value
	}
	if in.LocalGroups.Set {
		p.GIDs = slices.Clone(in.LocalGroups.Value)
	}
	if in.Roles.Set {
		p.Roles = slices.Clone(in.Roles.Value)
	}
	if in.WebShell.Set {
		p.WebShell = in.WebShell.Value
	}
	return &p
}
