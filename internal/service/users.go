package service

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/keyward/keyward"
)

// UserCreate is the user_create parameter.
type UserCreate struct {
	Username         string  `json:"username"`
	FullName         string  `json:"full_name"`
	Password         *string `json:"password"`
	PasswordDisabled bool    `json:"password_disabled"`
	Locked           bool    `json:"locked"`
	UID              *int64  `json:"uid"`
	Group            *int64  `json:"group"`
	GroupCreate      bool    `json:"group_create"`
	Groups           []int64 `json:"groups"`
}

// UserUpdate is the user_update parameter: absent fields stay unchanged.
type UserUpdate struct {
	Username         keyward.Opt[string]  `json:"username"`
	FullName         keyward.Opt[string]  `json:"full_name"`
	Password         keyward.Opt[string]  `json:"password"`
	PasswordDisabled keyward.Opt[bool]    `json:"password_disabled"`
	Locked           keyward.Opt[bool]    `json:"locked"`
	Group            keyward.Opt[int64]   `json:"group"`
	Groups           keyward.Opt[[]int64] `json:"groups"`
}

// UsernamePattern is the rule for usernames (accounts.md 5.1).
var UsernamePattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$`)

// CheckUsername applies the username rule of accounts.md 5.1 to a new
// name; attr is the attribute its refusal names. Every way of making or
// renaming a user (the API, first-run setup, the keyward user commands,
// admin_username) passes here.
func CheckUsername(attr, name string) error {
	if UsernamePattern.MatchString(name) {
		return nil
	}
	return keyward.Invalid(attr, fmt.Sprintf("Value error, %q: usernames are 1-32 characters of A-Z, a-z, 0-9, "+
		"period, underscore and hyphen, and may not start with a period or hyphen.", name))
}

// firstFreeID returns want if no taken(want), else the lowest free id >= from.
func firstFreeID(want, from int64, taken func(int64) bool) int64 {
	if want > 0 && !taken(want) {
		return want
	}
	for id := from; ; id++ {
		if !taken(id) {
			return id
		}
	}
}

func uidTaken(acc *keyward.Accounts) func(int64) bool {
	return func(uid int64) bool {
		return slices.ContainsFunc(acc.Users, func(u *keyward.User) bool { return u.UID == uid })
	}
}

func gidTaken(acc *keyward.Accounts) func(int64) bool {
	return func(gid int64) bool { return acc.GroupByGID(gid) != nil }
}

// CreateUser runs user.create.
func (s *Service) CreateUser(ctx context.Context, in UserCreate) (*keyward.User, error) {
	if err := CheckUsername("user_create.username", in.Username); err != nil {
		return nil, err
	}
	var created *keyward.User
	err := s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		if err := validateCreate(acc, in); err != nil {
			return err
		}
		u := &keyward.User{
			Username: in.Username, FullName: in.FullName, PasswordDisabled: in.PasswordDisabled,
			Locked: in.Locked, GroupIDs: sortedUnique(in.Groups), CreatedAt: s.now().UTC(),
		}
		if in.Password != nil {
			u.PasswordHash = s.hasher.Hash(*in.Password)
		}
		u.UID = firstFreeID(0, 3000, uidTaken(acc))
		if in.UID != nil {
			u.UID = *in.UID
		}
		if in.GroupCreate {
			g := &keyward.Group{GID: firstFreeID(0, 3000, gidTaken(acc)), Name: in.Username}
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
			u.GroupID = g.ID
		} else {
			u.GroupID = *in.Group
		}
		created = u
		return tx.CreateUser(ctx, u)
	})
	return created, err
}

func validateCreate(acc *keyward.Accounts, in UserCreate) error {
	v := &keyward.ValidationError{}
	if acc.UserByName(in.Username) != nil {
		v.Add("user_create.username", fmt.Sprintf("A user with the username %q already exists.", in.Username), keyward.EEXIST)
	}
	if in.UID != nil && uidTaken(acc)(*in.UID) {
		v.Add("user_create.uid", fmt.Sprintf("The uid %d is already in use.", *in.UID), keyward.EEXIST)
	}
	if !in.PasswordDisabled && in.Password == nil {
		v.Add("user_create.password", "Password is required when password login is enabled.")
	}
	switch {
	case in.Group == nil && !in.GroupCreate:
		v.Add("user_create.group", "Enter either a group name or create a new group to continue.")
	case in.Group != nil && in.GroupCreate:
		v.Add("user_create.group", "A primary group may not be given when group_create is true.")
	case in.GroupCreate && acc.GroupByName(in.Username) != nil:
		v.Add("user_create.group_create", fmt.Sprintf("A group with the name %q already exists.", in.Username), keyward.EEXIST)
	case in.Group != nil && acc.Group(*in.Group) == nil:
		v.Add("user_create.group", fmt.Sprintf("Group %d does not exist.", *in.Group), keyward.ENOENT)
	}
	checkGroups(acc, v, "user_create.groups", in.Groups)
	return v.Err()
}

func checkGroups(acc *keyward.Accounts, v *keyward.ValidationError, attr string, ids []int64) {
	for i, id := range ids {
		if acc.Group(id) == nil {
			v.Add(fmt.Sprintf("%s.%d", attr, i), fmt.Sprintf("Group %d does not exist.", id), keyward.ENOENT)
		}
	}
}

func sortedUnique(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// UpdateUser runs user.update; before is the user as it was.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserUpdate) (before, after *keyward.User, err error) {
	if in.Username.Set {
		if err := CheckUsername("user_update.username", in.Username.Value); err != nil {
			return nil, nil, err
		}
	}
	err = s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		old := acc.User(id)
		if old == nil {
			return keyward.NotFound("User", id)
		}
		u := applyUpdate(*old, in)
		if err := validateUpdate(acc, old, &u, in); err != nil {
			return err
		}
		if in.Password.Set {
			u.PasswordHash = s.hasher.Hash(in.Password.Value)
		}
		if in.Password.Set || (u.PasswordDisabled && !old.PasswordDisabled) {
			u.TokenEpoch = old.TokenEpoch + 1 // the user's tokens stop logging in
		}
		before, after = old, &u
		return tx.UpdateUser(ctx, &u)
	})
	// A session changing its own user's password may go on making tokens.
	if c := keyward.CallerFrom(ctx); err == nil && c != nil && c.Session != nil && c.Session.UserID == id {
		c.Session.TokenEpoch.Store(after.TokenEpoch)
	}
	return before, after, err
}

func applyUpdate(u keyward.User, in UserUpdate) keyward.User {
	set := func(o keyward.Opt[string], dst *string) {
		if o.Set {
			*dst = o.Value
		}
	}
	set(in.Username, &u.Username)
	set(in.FullName, &u.FullName)
	if in.PasswordDisabled.Set {
		u.PasswordDisabled = in.PasswordDisabled.Value
	}
	if in.Locked.Set {
		u.Locked = in.Locked.Value
	}
	if in.Group.Set {
		u.GroupID = in.Group.Value
	}
	if in.Groups.Set {
		u.GroupIDs = sortedUnique(in.Groups.Value)
	}
	return u
}

func validateUpdate(acc *keyward.Accounts, old, u *keyward.User, in UserUpdate) error {
	v := &keyward.ValidationError{}
	if other := acc.UserByName(u.Username); other != nil && other.ID != u.ID {
		v.Add("user_update.username", fmt.Sprintf("A user with the username %q already exists.", u.Username), keyward.EEXIST)
	}
	if !u.PasswordDisabled && old.PasswordHash == "" && !in.Password.Set {
		v.Add("user_update.password", "Password is required when password login is enabled.")
	}
	if in.Group.Set && acc.Group(u.GroupID) == nil {
		v.Add("user_update.group", fmt.Sprintf("Group %d does not exist.", u.GroupID), keyward.ENOENT)
	}
	if in.Groups.Set {
		checkGroups(acc, v, "user_update.groups", in.Groups.Value)
	}
	protectAdmin(acc, old, u, in, v)
	return v.Err()
}

// protectAdmin adds to v the refusals of a change that would leave no
// local administrator (accounts.md 5.3, as TrueNAS 25.10.6): disabling
// the password or locking the last one is refused at its own attribute,
// any other way of getting there (leaving the administrators' groups) at
// user_update.groups. Each is checked on the accounts as they would be
// after it.
func protectAdmin(acc *keyward.Accounts, old, u *keyward.User, in UserUpdate, v *keyward.ValidationError) {
	if !acc.HasLocalAdministrator() || withUser(acc, u).HasLocalAdministrator() {
		return
	}
	refused := false
	if in.PasswordDisabled.Set && u.PasswordDisabled {
		only := *old
		only.PasswordDisabled = true
		if !withUser(acc, &only).HasLocalAdministrator() {
			v.Add("user_update.password_disabled", "After disabling password for this user no password-enabled "+
				"local user will have built-in privilege 'Local Administrator'.")
			refused = true
		}
	}
	if in.Locked.Set && u.Locked {
		only := *old
		only.Locked = true
		if !withUser(acc, &only).HasLocalAdministrator() {
			v.Add("user_update.locked", "After locking this user no local users will have FULL_ADMIN role")
			refused = true
		}
	}
	if !refused {
		v.Add("user_update.groups", "After this change no password-enabled local user will have built-in "+
			"privilege 'Local Administrator'.")
	}
}

// withUser returns a copy of acc with u replacing the user of the same id.
func withUser(acc *keyward.Accounts, u *keyward.User) *keyward.Accounts {
	out := *acc
	out.Users = make([]*keyward.User, 0, len(acc.Users))
	for _, x := range acc.Users {
		if x.ID == u.ID {
			x = u
		}
		out.Users = append(out.Users, x)
	}
	return &out
}

// without returns a copy of acc without the user id.
func without(acc *keyward.Accounts, id int64) *keyward.Accounts {
	out := *acc
	out.Users = slices.DeleteFunc(slices.Clone(acc.Users), func(u *keyward.User) bool { return u.ID == id })
	return &out
}

// ErrDeleteSelf refuses user.delete of the caller's own account, as
// TrueNAS does (accounts.md 5.3).
var ErrDeleteSelf = keyward.Errorf(keyward.EINVAL, "Cannot delete the currently active user")

// DeleteUser runs user.delete and returns the deleted user. The user's
// API keys go with it; with deleteGroup, so does its primary group when no
// other user and no privilege uses it.
func (s *Service) DeleteUser(ctx context.Context, id int64, deleteGroup bool) (*keyward.User, error) {
	// The user's keys go in the same transaction; the change log tells
	// this node (and every other) of each, in order.
	var deleted *keyward.User
	err := s.updateAccounts(ctx, func(tx keyward.AccountTx, acc *keyward.Accounts) error {
		u := acc.User(id)
		if u == nil {
			return keyward.NotFound("User", id)
		}
		if c := keyward.CallerFrom(ctx); c != nil && c.Session != nil && c.Session.UserID == u.ID {
			return ErrDeleteSelf
		}
		if acc.HasLocalAdministrator() && !without(acc, id).HasLocalAdministrator() {
			return keyward.Errorf(keyward.EACCES, "After deleting this user no local user will have built-in privilege 'Local Administrator'.")
		}
		deleted = u
		if _, err := tx.DeleteUser(ctx, id); err != nil {
			return err
		}
		if deleteGroup && groupUnused(without(acc, id), u.GroupID) {
			return tx.DeleteGroup(ctx, u.GroupID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return deleted, nil
}

func groupUnused(acc *keyward.Accounts, groupID int64) bool {
	g := acc.Group(groupID)
	if g == nil || g.Builtin {
		return false
	}
	for _, u := range acc.Users {
		if u.GroupID == groupID || slices.Contains(u.GroupIDs, groupID) {
			return false
		}
	}
	for _, p := range acc.Privileges {
		if slices.Contains(p.GIDs, g.GID) {
			return false
		}
	}
	return true
}
