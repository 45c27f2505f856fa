package service

import (
	"context"
	"slices"

	"github.com/keyward/keyward"
)

// minAutoGID is the lowest gid given out automatically (TrueNAS's
// MIN_AUTO_XID, which keeps clear of the ids of system accounts and apps).
const minAutoGID = 3000

// GroupCreate is the group_create parameter (TrueNAS 25.10 GroupCreate).
// The sudo, smb and idmap fields are accepted only with values that mean
// "none": Keyward runs no commands, shares or containers.
type GroupCreate struct {
	Name                 string   `json:"name"`
	GID                  *int64   `json:"gid"`
	Users                []int64  `json:"users"`
	SudoCommands         []string `json:"sudo_commands"`
	SudoCommandsNopasswd []string `json:"sudo_commands_nopasswd"`
	SMB                  bool     `json:"smb"`
	UsernsIdmap          any      `json:"userns_idmap"`
}

// GroupUpdate is the group_update parameter: absent fields stay unchanged.
// A group's gid never changes, so privileges keep pointing at it.
type GroupUpdate struct {
	Name                 keyward.Opt[string]   `json:"name"`
	Users                keyward.Opt[[]int64]  `json:"users"`
	SudoCommands         keyward.Opt[[]string] `json:"sudo_commands"`
	SudoCommandsNopasswd keyward.Opt[[]string] `json:"sudo_commands_nopasswd"`
	SMB                  keyward.Opt[bool]     `json:"smb"`
	UsernsIdmap          keyward.Opt[any]      `json:"userns_idmap"`
}

// NextGID returns the gid group.create would give a group made now: the
// lowest gid from 3000 up that no group has and no privilege lists. Unlike
// TrueNAS it reserves nothing; a create that loses a race for the gid is
// refused as a duplicate.
func (s *Service) NextGID() int64 {
	return nextGID(s.Accounts())
}

func nextGID(acc *keyward.Accounts) int64 {
	for gid := int64(minAutoGID); ; gid++ {
		if acc.GroupByGID(gid) == nil && privilegeListing(acc, gid) == nil {
			return gid
		}
	}
}

// privilegeListing returns the first privilege (by id) whose local_groups
// lists gid, or nil.
func privilegeListing(acc *keyward.Accounts, gid int64) *keyward.Privilege {
	for _, p := range acc.Privileges {
		if slices.Contains(p.GIDs, gid) {
			return p
		}
	}
	return nil
}

// CreateGroup runs group.create and returns the new group.
func (s *Service) CreateGroup(ctx context.Context, in GroupCreate) (*keyward.Group, error) {
	if err := CheckGroupName("group_create.name", in.Name); err != nil {
		return nil, err
	}
	var created *keyward.Group
	err := s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		if err := validateGroupCreate(acc, in); err != nil {
			return err
		}
		g := &keyward.Group{Name: in.Name, GID: nextGID(acc)}
		if in.GID != nil {
			g.GID = *in.GID
		}
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		created = g
		return setMembers(ctx, tx, acc, g.ID, sortedUnique(in.Users))
	})
	return created, err
}

// UpdateGroup runs group.update and returns the group before and after.
// Membership changes apply to the members' open sessions at once; users
// left without roles lose their sessions.
func (s *Service) UpdateGroup(ctx context.Context, id int64, in GroupUpdate) (before, after *keyward.Group, err error) {
	if in.Name.Set {
		if err := CheckGroupName("group_update.name", in.Name.Value); err != nil {
			return nil, nil, err
		}
	}
	err = s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		old := acc.Group(id)
		if old == nil {
			return keyward.NotFound("Group", id)
		}
		if err := validateGroupUpdate(acc, old, in); err != nil {
			return err
		}
		g := *old
		if in.Name.Set && in.Name.Value != old.Name {
			g.Name = in.Name.Value
			if err := tx.UpdateGroup(ctx, &g); err != nil {
				return err
			}
		}
		before, after = old, &g
		if !in.Users.Set {
			return nil
		}
		return setMembers(ctx, tx, acc, id, sortedUnique(in.Users.Value))
	})
	return before, after, err
}

// setMembers makes users (database ids, ascending) the members of group
// id: each gains or loses it as a secondary group. Users having it as
// their primary group are members already and are left as they are.
func setMembers(ctx context.Context, tx keyward.AccountTx, acc *keyward.Accounts, id int64, users []int64) error {
	for _, u := range changedMembers(acc, id, users) {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// changedMembers returns copies of the users whose secondary groups change
// when users become the members of group id.
func changedMembers(acc *keyward.Accounts, id int64, users []int64) []*keyward.User {
	var out []*keyward.User
	for _, u := range acc.Users {
		want := slices.Contains(users, u.ID) && u.GroupID != id
		if slices.Contains(u.GroupIDs, id) == want {
			continue
		}
		c := *u
		if want {
			c.GroupIDs = sortedUnique(append(slices.Clone(u.GroupIDs), id))
		} else {
			c.GroupIDs = slices.DeleteFunc(slices.Clone(u.GroupIDs), func(g int64) bool { return g == id })
		}
		out = append(out, &c)
	}
	return out
}

// DeleteGroup runs group.delete and returns the deleted group. With
// deleteUsers, the users having it as their primary group are deleted
// with it (with their API keys); without, such a group is not deleted.
func (s *Service) DeleteGroup(ctx context.Context, id int64, deleteUsers bool) (*keyward.Group, error) {
	var deleted *keyward.Group
	err := s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		g := acc.Group(id)
		if g == nil {
			return keyward.NotFound("Group", id)
		}
		primary, err := checkGroupDelete(acc, g, deleteUsers)
		if err != nil {
			return err
		}
		// As user.delete: nobody deletes their own account, also not as a
		// member deleted with its primary group.
		if c := keyward.CallerFrom(ctx); c != nil && c.Session != nil &&
			slices.ContainsFunc(primary, func(u *keyward.User) bool { return u.ID == c.Session.UserID }) {
			return ErrDeleteSelf
		}
		for _, u := range primary {
			if _, err := tx.DeleteUser(ctx, u.ID); err != nil {
				return err
			}
		}
		deleted = g
		return tx.DeleteGroup(ctx, id)
	})
	return deleted, err
}

// checkGroupDelete applies the rules of group.delete and returns the users
// having g as their primary group.
func checkGroupDelete(acc *keyward.Accounts, g *keyward.Group, deleteUsers bool) ([]*keyward.User, error) {
	if g.Builtin {
		return nil, ErrBuiltinGroup
	}
	if p := privilegeListing(acc, g.GID); p != nil {
		return nil, keyward.Errorf(keyward.EACCES, "This group is used by privilege %s. Please remove it from "+
			"that privilege first, then delete the group.", PyRepr(p.Name))
	}
	var primary []*keyward.User
	for _, u := range acc.Users {
		if u.GroupID == g.ID {
			primary = append(primary, u)
		}
	}
	if len(primary) == 0 {
		return nil, nil
	}
	if !deleteUsers {
		return nil, keyward.Errorf(keyward.EINVAL, "This group is the primary group of the following users: %s. "+
			"Give them another primary group first, or delete them with the delete_users option.", usernames(primary))
	}
	after := accountsWith(acc, nil, primary)
	if acc.HasLocalAdministrator() && !after.HasLocalAdministrator() {
		return nil, keyward.Errorf(keyward.EACCES, "After deleting the users of this group no local user will have "+
			"built-in privilege 'Local Administrator'.")
	}
	return primary, nil
}

// ErrBuiltinGroup refuses to delete a built-in group.
var ErrBuiltinGroup = keyward.Errorf(keyward.EACCES, "A built-in group cannot be deleted.")

// accountsWith returns a copy of acc where the users in changed replace
// those of the same id and the users in gone are left out.
func accountsWith(acc *keyward.Accounts, changed, gone []*keyward.User) *keyward.Accounts {
	out := *acc
	out.Users = make([]*keyward.User, 0, len(acc.Users))
	for _, u := range acc.Users {
		if slices.ContainsFunc(gone, func(g *keyward.User) bool { return g.ID == u.ID }) {
			continue
		}
		if i := slices.IndexFunc(changed, func(c *keyward.User) bool { return c.ID == u.ID }); i >= 0 {
			u = changed[i]
		}
		out.Users = append(out.Users, u)
	}
	return &out
}
