package keyward

import (
	"math/bits"
	"slices"
)

// Role is a named permission. Roles may include other roles.
type Role uint8

// The role catalogue (accounts.md section 2).
const (
	FullAdmin Role = iota
	ReadonlyAdmin
	SharingAdmin
	AccountRead
	AccountWrite
	APIKeyRead
	APIKeyWrite
	AuthSessionsRead
	AuthSessionsWrite
	PrivilegeRead
	PrivilegeWrite
	SystemAuditRead
	AlertListRead
	AlertRead
	numRoles
)

type roleInfo struct {
	name     string
	title    string
	includes []Role
	builtin  bool
}

var roleCatalogue = [numRoles]roleInfo{
	FullAdmin:         {"FULL_ADMIN", "Full administrator", nil, false},
	ReadonlyAdmin:     {"READONLY_ADMIN", "Read-only administrator", nil, false},
	SharingAdmin:      {"SHARING_ADMIN", "Sharing administrator", []Role{ReadonlyAdmin}, false},
	AccountRead:       {"ACCOUNT_READ", "Read users and groups", nil, true},
	AccountWrite:      {"ACCOUNT_WRITE", "Manage users", []Role{AccountRead}, true},
	APIKeyRead:        {"API_KEY_READ", "Read API keys", nil, true},
	APIKeyWrite:       {"API_KEY_WRITE", "Manage API keys", []Role{APIKeyRead}, true},
	AuthSessionsRead:  {"AUTH_SESSIONS_READ", "Read sessions", nil, true},
	AuthSessionsWrite: {"AUTH_SESSIONS_WRITE", "Terminate sessions", []Role{AuthSessionsRead}, true},
	PrivilegeRead:     {"PRIVILEGE_READ", "Read privileges", nil, true},
	PrivilegeWrite:    {"PRIVILEGE_WRITE", "Manage privileges", []Role{PrivilegeRead}, true},
	SystemAuditRead:   {"SYSTEM_AUDIT_READ", "Read the audit log", nil, true},
	AlertListRead:     {"ALERT_LIST_READ", "List alerts", nil, true},
	AlertRead:         {"ALERT_READ", "Read alerts", []Role{AlertListRead}, true},
}

func init() {
	// FULL_ADMIN includes every role; READONLY_ADMIN every *_READ role.
	for r := Role(1); r < numRoles; r++ {
		roleCatalogue[FullAdmin].includes = append(roleCatalogue[FullAdmin].includes, r)
	}
	roleCatalogue[ReadonlyAdmin].includes = []Role{
		AccountRead, APIKeyRead, AuthSessionsRead, PrivilegeRead, SystemAuditRead, AlertListRead, AlertRead,
	}
}

// String returns the role's name, e.g. "API_KEY_WRITE".
func (r Role) String() string {
	if r < numRoles {
		return roleCatalogue[r].name
	}
	return "UNKNOWN"
}

// Title returns a short human description of the role.
func (r Role) Title() string { return roleCatalogue[r].title }

// Builtin reports the role's builtin flag: false marks the administrative
// roles that give web UI access.
func (r Role) Builtin() bool { return roleCatalogue[r].builtin }

// Includes returns the roles r directly includes.
func (r Role) Includes() []Role { return slices.Clone(roleCatalogue[r].includes) }

// AllRoles returns the whole catalogue, in catalogue order.
func AllRoles() []Role {
	out := make([]Role, numRoles)
	for i := range out {
		out[i] = Role(i)
	}
	return out
}

// ParseRole returns the role named name.
func ParseRole(name string) (Role, bool) {
	for r := range numRoles {
		if roleCatalogue[r].name == name {
			return r, true
		}
	}
	return 0, false
}

// RoleSet is a set of roles.
type RoleSet uint32

// Roles returns the set of the given roles.
func Roles(rs ...Role) RoleSet {
	var s RoleSet
	for _, r := range rs {
		s |= 1 << r
	}
	return s
}

// Has reports whether r is in s.
func (s RoleSet) Has(r Role) bool { return s&(1<<r) != 0 }

// HasAny reports whether s and t share a role.
func (s RoleSet) HasAny(t RoleSet) bool { return s&t != 0 }

// Contains reports whether every role of t is in s.
func (s RoleSet) Contains(t RoleSet) bool { return s&t == t }

// Empty reports whether s has no role.
func (s RoleSet) Empty() bool { return s == 0 }

// Len returns the number of roles in s.
func (s RoleSet) Len() int { return bits.OnesCount32(uint32(s)) }

// List returns the roles of s in catalogue order.
func (s RoleSet) List() []Role {
	var out []Role
	for r := range numRoles {
		if s.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// Names returns the names of the roles of s, sorted.
func (s RoleSet) Names() []string {
	var out []string
	for _, r := range s.List() {
		out = append(out, r.String())
	}
	slices.Sort(out)
	return out
}

// Expand returns s with every role its roles include, transitively.
func (s RoleSet) Expand() RoleSet {
	for {
		next := s
		for _, r := range s.List() {
			next |= Roles(roleCatalogue[r].includes...)
		}
		if next == s {
			return s
		}
		s = next
	}
}

// Granting returns the roles whose expansion contains a role of s: the
// roles that grant a method requiring any role of s.
func (s RoleSet) Granting() RoleSet {
	var out RoleSet
	for r := range numRoles {
		if Roles(r).Expand().HasAny(s) {
			out |= Roles(r)
		}
	}
	return out
}
