package service_test

import (
	"errors"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

// TestCheckGroupName checks TrueNAS's GroupName rule and its texts, which
// quote the offending character as Python's repr() does.
func TestCheckGroupName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, want string }{
		{"OK", ""},
		{"ops.team-1_x", ""},
		{".hidden", ""},
		{"3000", ""},
		{"a_very_long_group_name_longer_than_thirty_two_characters", ""},
		{"", "Value error, Must be at least 1 character in length"},
		{"-x", `Value error, Cannot start with "'-'"`},
		{"'x", `Value error, Cannot start with ""'""`},
		{"\\x", `Value error, Cannot start with "'\\'"`},
		{"\tx", `Value error, Cannot start with "'\t'"`},
		{"éx", `Value error, Cannot start with "'é'"`},
		{"a b", "Value error, Valid characters are: 'a, b, c"},
	} {
		err := service.CheckGroupName("group_create.name", tc.name)
		var v *keyward.ValidationError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q refused: %v", tc.name, err)
		case tc.want == "":
		case !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Attr != "group_create.name":
			t.Errorf("%q: got %v", tc.name, err)
		case len(v.Fields[0].Message) < len(tc.want) || v.Fields[0].Message[:len(tc.want)] != tc.want:
			t.Errorf("%q: got %q, want %q...", tc.name, v.Fields[0].Message, tc.want)
		}
	}
}

func TestPyRepr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Staff": `'Staff'`, "it's": `"it's"`, `say "hi"`: `'say "hi"'`, `both ' "`: `'both \' "'`,
		"back\\slash": `'back\\slash'`, "line\nbreak": `'line\nbreak'`, "\x00": `'\x00'`, "café": `'café'`,
	} {
		if got := service.PyRepr(in); got != want {
			t.Errorf("PyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestGroupGIDsListedByPrivileges: a gid a privilege lists (with no group
// left, as after a restore) is skipped by get_next_gid and refused by
// group.create, as TrueNAS does, so a new group never inherits roles.
func TestGroupGIDsListedByPrivileges(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	orphan := &keyward.Privilege{Name: "Orphans", GIDs: []int64{3000}, Roles: []string{"FULL_ADMIN"}}
	if err := e.db.UpdateAccounts(e.ctx, func(tx keyward.AccountTx) error { return tx.CreatePrivilege(e.ctx, orphan) }); err != nil {
		t.Fatal(err)
	}
	g, err := e.svc.CreateGroup(e.ctx, service.GroupCreate{Name: "fresh"})
	if err != nil || g.GID != 3001 {
		t.Fatalf("created %+v, %v; want gid 3001", g, err)
	}
	if got := e.svc.NextGID(); got != 3002 {
		t.Fatalf("NextGID = %d, want 3002", got)
	}
	gid := int64(3000)
	_, err = e.svc.CreateGroup(e.ctx, service.GroupCreate{Name: "heir", GID: &gid})
	var v *keyward.ValidationError
	if !errors.As(err, &v) || v.Reason() != "[EINVAL] group_create.gid: A privilege 'Orphans' already uses this group ID.\n" {
		t.Fatalf("create with the orphaned gid: %v", err)
	}
}
