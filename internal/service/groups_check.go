package service

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
)

// Texts of group validation. TrueNAS's own where it has one; Keyward's for
// the fields it accepts only empty.
const (
	textNoSudo       = "Keyward runs no commands: sudo commands cannot be granted to a group."
	textNoIdmap      = "Keyward runs no containers: user namespace idmaps cannot be configured."
	textNoSMB        = "SMB groups may not be configured while SMB service backend is unitialized."
	textBuiltinField = "This configuration parameter may not be changed for builtin groups."
	// dsUserBase is where TrueNAS's synthetic ids of directory-service
	// users begin (BASE_SYNTHETIC_DATASTORE_ID).
	dsUserBase = 100000000
)

// groupNameChars are the characters of a group name, in the order TrueNAS
// lists them when refusing one (string.ascii_letters, digits, "_-.").
const groupNameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."

var groupNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.][A-Za-z0-9_.-]*$`)

// CheckGroupName applies TrueNAS's GroupName rule (any length from 1, the
// characters of groupNameChars, not starting with "-"), with its texts.
func CheckGroupName(attr, name string) error {
	switch {
	case name == "":
		return keyward.Invalid(attr, "Value error, Must be at least 1 character in length")
	case name[0] == '-' || !strings.ContainsRune(groupNameChars, []rune(name)[0]):
		return keyward.Invalid(attr, fmt.Sprintf(`Value error, Cannot start with "%s"`, PyRepr(string([]rune(name)[0]))))
	case !groupNamePattern.MatchString(name):
		list := strings.Join(strings.Split(groupNameChars, ""), ", ")
		return keyward.Invalid(attr, "Value error, Valid characters are: "+PyRepr(list))
	}
	return nil
}

// RecordedGroupName is how audit records show a group name as sent: as
// it is when it is a valid name, redacted otherwise (it might be a secret
// pasted into the wrong field).
func RecordedGroupName(name string) string {
	if groupNamePattern.MatchString(name) {
		return name
	}
	return keys.Redact(name)
}

// PyRepr renders s as Python's repr() does, as TrueNAS texts quote names.
func PyRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == '\\' || r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

func validateGroupCreate(acc *keyward.Accounts, in GroupCreate) error {
	v := &keyward.ValidationError{}
	const attr = "group_create"
	if in.SMB {
		v.Add(attr+".smb", textNoSMB)
	}
	if in.UsernsIdmap != nil {
		v.Add(attr+".userns_idmap", textNoIdmap)
	}
	checkGroupName(acc, v, attr, in.Name, 0)
	if in.GID != nil {
		if g := acc.GroupByGID(*in.GID); g != nil {
			v.Add(attr+".gid", fmt.Sprintf("Gid %d is already used (group %s has it)", *in.GID, g.Name), keyward.EEXIST)
		}
		if p := privilegeListing(acc, *in.GID); p != nil {
			v.Add(attr+".gid", fmt.Sprintf("A privilege %s already uses this group ID.", PyRepr(p.Name)))
		}
	}
	if checkMembers(acc, v, attr, in.Users, nil) {
		checkSudo(v, attr, in.SudoCommands, in.SudoCommandsNopasswd)
	}
	return v.Err()
}

func validateGroupUpdate(acc *keyward.Accounts, old *keyward.Group, in GroupUpdate) error {
	v := &keyward.ValidationError{}
	const attr = "group_update"
	if in.SMB.Value {
		v.Add(attr+".smb", textNoSMB)
	}
	if in.UsernsIdmap.Set {
		checkIdmap(acc, v, attr, old, in.UsernsIdmap.Value)
	}
	if in.Name.Set {
		checkGroupName(acc, v, attr, in.Name.Value, old.ID)
	}
	if !in.Users.Set || checkMembers(acc, v, attr, in.Users.Value, old) {
		checkSudo(v, attr, in.SudoCommands.Value, in.SudoCommandsNopasswd.Value)
	}
	if old.Builtin {
		builtinUnchanged(v, attr, old, in)
	}
	if len(v.Fields) == 0 && in.Users.Set {
		after := accountsWith(acc, changedMembers(acc, old.ID, sortedUnique(in.Users.Value)), nil)
		if acc.HasLocalAdministrator() && !after.HasLocalAdministrator() {
			v.Add(attr+".users", "After this change no password-enabled local user will have built-in privilege 'Local Administrator'.")
		}
	}
	return v.Err()
}

// checkIdmap applies TrueNAS's rules for userns_idmap on update, then
// Keyward's: only null.
func checkIdmap(acc *keyward.Accounts, v *keyward.ValidationError, attr string, old *keyward.Group, idmap any) {
	if len(groupRoles(acc, old)) > 0 {
		v.Add(attr+".userns_idmap", "User namespace idmaps may not be configured for privileged accounts.")
	}
	if old.Builtin {
		v.Add(attr+".userns_idmap", "User namespace idmaps may not be configured for builtin accounts.")
	}
	if idmap != nil {
		v.Add(attr+".userns_idmap", textNoIdmap)
	}
}

// checkSudo refuses sudo commands: Keyward accepts only empty lists.
func checkSudo(v *keyward.ValidationError, attr string, sudo, sudoNopasswd []string) {
	if len(sudo) > 0 {
		v.Add(attr+".sudo_commands", textNoSudo)
	}
	if len(sudoNopasswd) > 0 {
		v.Add(attr+".sudo_commands_nopasswd", textNoSudo)
	}
}

// checkGroupName refuses a name another group (not id) has.
func checkGroupName(acc *keyward.Accounts, v *keyward.ValidationError, attr, name string, id int64) {
	if g := acc.GroupByName(name); g != nil && g.ID != id {
		v.Add(attr+".name", fmt.Sprintf("A Group with the name %q already exists.", name), keyward.EEXIST)
	}
}

// checkMembers checks the users of group_create or group_update; old is
// the group being updated, nil on create. Like TrueNAS it stops the
// validation (false) at a directory-service user id.
func checkMembers(acc *keyward.Accounts, v *keyward.ValidationError, attr string, users []int64, old *keyward.Group) bool {
	for i, id := range users {
		if id >= dsUserBase {
			v.Add(fmt.Sprintf("%s.users.%d", attr, i), "Directory services users may not be added as members of local groups.")
			return false
		}
	}
	var missing []string
	for _, id := range sortedUnique(users) {
		if acc.User(id) == nil {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	if len(missing) > 0 {
		v.Add(attr+".users", "Following users do not exist: "+strings.Join(missing, ", "))
	}
	if old == nil {
		return true
	}
	var kept []*keyward.User
	for _, u := range acc.Users {
		if u.GroupID == old.ID && !slices.Contains(users, u.ID) {
			kept = append(kept, u)
		}
	}
	if len(kept) > 0 {
		v.Add(attr+".users", fmt.Sprintf("This group is primary for the following users: %s. You can't remove them.", usernames(kept)))
	}
	return true
}

// builtinUnchanged refuses changes to the name and the sudo and smb fields
// of a built-in group (its members may change, as on TrueNAS).
func builtinUnchanged(v *keyward.ValidationError, attr string, old *keyward.Group, in GroupUpdate) {
	changed := map[string]bool{
		"sudo_commands":          len(in.SudoCommands.Value) > 0,
		"sudo_commands_nopasswd": len(in.SudoCommandsNopasswd.Value) > 0,
		"smb":                    in.SMB.Set && in.SMB.Value,
		"name":                   in.Name.Set && in.Name.Value != old.Name,
	}
	for _, key := range []string{"sudo_commands", "sudo_commands_nopasswd", "smb", "name"} {
		if changed[key] {
			v.Add(attr+"."+key, textBuiltinField)
		}
	}
}

// groupRoles returns the raw roles of the privileges listing g's gid.
func groupRoles(acc *keyward.Accounts, g *keyward.Group) []string {
	var out []string
	for _, p := range acc.Privileges {
		if slices.Contains(p.GIDs, g.GID) {
			out = append(out, p.Roles...)
		}
	}
	return out
}

func usernames(users []*keyward.User) string {
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Username
	}
	return strings.Join(names, ", ")
}
