package keyward

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// User is a local account.
type User struct {
	ID int64
	// Stamp is drawn at random when the user is created and never changes.
	// With ID it names this account and no other, ever: sessions and tokens
	// remember both, so they can never pass to a later user.
	Stamp            int64
	UID              int64
	Username         string
	FullName         string
	PasswordHash     string // argon2id PHC string, "" when none is set
	PasswordDisabled bool
	Locked           bool
	GroupID          int64   // primary group (database id)
	GroupIDs         []int64 // secondary groups (database ids), ascending
	CreatedAt        time.Time
	// TokenEpoch grows when the user's password changes or password login
	// is disabled; tokens made before that no longer log in.
	TokenEpoch int64
}

// Group is a local group.
type Group struct {
	ID      int64
	GID     int64
	Name    string
	Builtin bool
}

// Privilege maps groups, by gid, to roles.
type Privilege struct {
	ID          int64
	BuiltinName string // "" for privileges made by users
	Name        string
	GIDs        []int64  // local_groups, in order
	Roles       []string // raw role names, in order
	WebShell    bool
}

// The built-in privileges (accounts.md section 3).
const (
	PrivLocalAdministrator    = "LOCAL_ADMINISTRATOR"
	PrivReadonlyAdministrator = "READONLY_ADMINISTRATOR"
	PrivSharingAdministrator  = "SHARING_ADMINISTRATOR"
)

// Accounts is a consistent snapshot of every user, group and privilege.
// Snapshots are never modified once built; writers build new ones.
type Accounts struct {
	Users      []*User      // by id
	Groups     []*Group     // by id
	Privileges []*Privilege // by id
}

// User returns the user with database id id, or nil.
func (a *Accounts) User(id int64) *User {
	i, ok := slices.BinarySearchFunc(a.Users, id, func(u *User, id int64) int { return cmp.Compare(u.ID, id) })
	if !ok {
		return nil
	}
	return a.Users[i]
}

// UserByName returns the user named name, or nil.
func (a *Accounts) UserByName(name string) *User {
	for _, u := range a.Users {
		if u.Username == name {
			return u
		}
	}
	return nil
}

// Group returns the group with database id id, or nil.
func (a *Accounts) Group(id int64) *Group {
	i, ok := slices.BinarySearchFunc(a.Groups, id, func(g *Group, id int64) int { return cmp.Compare(g.ID, id) })
	if !ok {
		return nil
	}
	return a.Groups[i]
}

// GroupByGID returns the group with that gid, or nil.
func (a *Accounts) GroupByGID(gid int64) *Group {
	for _, g := range a.Groups {
		if g.GID == gid {
			return g
		}
	}
	return nil
}

// GroupByName returns the group named name, or nil.
func (a *Accounts) GroupByName(name string) *Group {
	for _, g := range a.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Privilege returns the privilege with database id id, or nil.
func (a *Accounts) Privilege(id int64) *Privilege {
	for _, p := range a.Privileges {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// UserGIDs returns the gids of u's primary and secondary groups, ascending.
func (a *Accounts) UserGIDs(u *User) []int64 {
	var gids []int64
	for _, id := range append([]int64{u.GroupID}, u.GroupIDs...) {
		if g := a.Group(id); g != nil && !slices.Contains(gids, g.GID) {
			gids = append(gids, g.GID)
		}
	}
	slices.Sort(gids)
	return gids
}

// UserPrivileges returns the privileges mapped to any of u's groups.
func (a *Accounts) UserPrivileges(u *User) []*Privilege {
	gids := a.UserGIDs(u)
	var out []*Privilege
	for _, p := range a.Privileges {
		for _, gid := range p.GIDs {
			if slices.Contains(gids, gid) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// RawRoles returns the unexpanded roles of u's privileges, unique and sorted.
func (a *Accounts) RawRoles(u *User) []string {
	var out []string
	for _, p := range a.UserPrivileges(u) {
		for _, r := range p.Roles {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	slices.Sort(out)
	return out
}

// EffectiveRoles returns the expansion of u's raw roles.
func (a *Accounts) EffectiveRoles(u *User) RoleSet {
	var s RoleSet
	for _, name := range a.RawRoles(u) {
		if r, ok := ParseRole(name); ok {
			s |= Roles(r)
		}
	}
	return s.Expand()
}

// IsLocalAdministrator reports whether u is an unlocked, password-enabled
// member of a group of the LOCAL_ADMINISTRATOR privilege.
func (a *Accounts) IsLocalAdministrator(u *User) bool {
	if u.Locked || u.PasswordDisabled {
		return false
	}
	for _, p := range a.UserPrivileges(u) {
		if p.BuiltinName == PrivLocalAdministrator {
			return true
		}
	}
	return false
}

// HasLocalAdministrator reports whether any local administrator exists.
func (a *Accounts) HasLocalAdministrator() bool {
	return slices.ContainsFunc(a.Users, a.IsLocalAdministrator)
}

// AccountStore persists users, groups and privileges.
type AccountStore interface {
	// LoadAccounts reads a consistent snapshot and its generation, a
	// number that changes with every committed change to accounts.
	LoadAccounts(ctx context.Context) (*Accounts, int64, error)
	// AccountsGeneration returns the current generation.
	AccountsGeneration(ctx context.Context) (int64, error)
	// UpdateAccounts runs fn in one write transaction; the transaction
	// commits only if fn returns nil.
	UpdateAccounts(ctx context.Context, fn func(tx AccountTx) error) error
}

// AccountTx reads and changes accounts inside one write transaction.
type AccountTx interface {
	Load(ctx context.Context) (*Accounts, error)
	CreateUser(ctx context.Context, u *User) error // sets u.ID
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser deletes a user with its API keys and returns the keys' ids.
	DeleteUser(ctx context.Context, id int64) ([]int64, error)
	CreateGroup(ctx context.Context, g *Group) error // sets g.ID
	// UpdateGroup changes the gid and name of the group with g.ID.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup deletes a group and every secondary membership of it;
	// it must be no user's primary group.
	DeleteGroup(ctx context.Context, id int64) error
	CreatePrivilege(ctx context.Context, p *Privilege) error // sets p.ID
	UpdatePrivilege(ctx context.Context, p *Privilege) error
	DeletePrivilege(ctx context.Context, id int64) error
}

// Opt is a field of an update that may be absent: Set tells whether the
// caller sent it, Value what it sent.
type Opt[T any] struct {
	Set   bool
	Value T
}

// MarkSet records that the field was sent and returns a pointer to Value
// for a decoder to fill.
func (o *Opt[T]) MarkSet() any {
	o.Set = true
	return &o.Value
}
