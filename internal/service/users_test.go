package service_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/service"
)

func ptr[T any](v T) *T { return &v }

// TestCreateUser checks user_create's validation texts (accounts.md 5.3)
// and what a created user gets.
func TestCreateUser(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice")
	pw := ptr("pw")
	builtin := e.svc.Accounts().GroupByGID(544).ID
	tests := []struct {
		name       string
		in         service.UserCreate
		attr, text string
		errno      keyward.Errno
	}{
		{name: "ErrUsernameRule", in: service.UserCreate{Username: "-bad", Password: pw, GroupCreate: true},
			attr: "user_create.username", text: `Value error, "-bad": usernames are 1-32 characters of A-Z, a-z, 0-9, ` +
				`period, underscore and hyphen, and may not start with a period or hyphen.`},
		{name: "ErrUsernameTaken", in: service.UserCreate{Username: "alice", Password: pw, GroupCreate: true},
			attr: "user_create.username", text: `A user with the username "alice" already exists.`, errno: keyward.EEXIST},
		{name: "ErrUIDTaken", in: service.UserCreate{Username: "b", Password: pw, GroupCreate: true, UID: ptr(int64(950))},
			attr: "user_create.uid", text: "The uid 950 is already in use.", errno: keyward.EEXIST},
		{name: "ErrNoPassword", in: service.UserCreate{Username: "b", GroupCreate: true},
			attr: "user_create.password", text: "Password is required when password login is enabled."},
		{name: "ErrNoGroup", in: service.UserCreate{Username: "b", Password: pw},
			attr: "user_create.group", text: "Enter either a group name or create a new group to continue."},
		{name: "ErrBothGroups", in: service.UserCreate{Username: "b", Password: pw, Group: &builtin, GroupCreate: true},
			attr: "user_create.group", text: "A primary group may not be given when group_create is true."},
		{name: "ErrGroupNameTaken", in: service.UserCreate{Username: "carol", Password: pw, GroupCreate: true},
			attr: "user_create.group_create", text: `A group with the name "carol" already exists.`, errno: keyward.EEXIST},
		{name: "ErrGroupMissing", in: service.UserCreate{Username: "b", Password: pw, Group: ptr(int64(999))},
			attr: "user_create.group", text: "Group 999 does not exist.", errno: keyward.ENOENT},
		{name: "ErrGroupsMissing", in: service.UserCreate{Username: "b", Password: pw, GroupCreate: true, Groups: []int64{builtin, 998}},
			attr: "user_create.groups.1", text: "Group 998 does not exist.", errno: keyward.ENOENT},
	}
	// A group named carol whose user was renamed.
	carol, err := e.svc.CreateUser(e.ctx, service.UserCreate{Username: "carol", Password: pw, GroupCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	update(e, carol.ID, service.UserUpdate{Username: keyward.Opt[string]{Set: true, Value: "dave"}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CreateUser(e.ctx, tt.in)
			wantInvalid(t, err, tt.attr, tt.text)
			var ve *keyward.ValidationError
			if errors.As(err, &ve) && tt.errno != 0 && ve.Fields[0].Errno != tt.errno {
				t.Errorf("errno %s, want %s", ve.Fields[0].Errno.Name(), tt.errno.Name())
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		u, err := e.svc.CreateUser(e.ctx, service.UserCreate{Username: "erin", Password: pw, GroupCreate: true,
			Groups: []int64{builtin, builtin}})
		if err != nil {
			t.Fatal(err)
		}
		g := e.svc.Accounts().Group(u.GroupID)
		if u.UID < 3000 || g.Name != "erin" || g.GID < 3000 || !slices.Equal(u.GroupIDs, []int64{builtin}) || !u.CreatedAt.Equal(e.clock.Now()) {
			t.Errorf("user %+v, group %+v", u, g)
		}
	})
	t.Run("OKGivenUIDNoPassword", func(t *testing.T) {
		u, err := e.svc.CreateUser(e.ctx, service.UserCreate{Username: "svc", PasswordDisabled: true, UID: ptr(int64(4242)), Group: &builtin})
		if err != nil || u.UID != 4242 || u.PasswordHash != "" {
			t.Fatalf("user %+v, %v", u, err)
		}
	})
}

// TestUpdateUser checks user_update's validation and the protection of
// the last local administrator (accounts.md 5.3).
func TestUpdateUser(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	alice := e.user("alice", "READONLY_ADMIN")
	svc, err := e.svc.CreateUser(e.ctx, service.UserCreate{Username: "svc", PasswordDisabled: true, GroupCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	set := func(v bool) keyward.Opt[bool] { return keyward.Opt[bool]{Set: true, Value: v} }
	const tail = " no password-enabled local user will have built-in privilege 'Local Administrator'."
	tests := []struct {
		name       string
		id         int64
		in         service.UserUpdate
		attr, text string
		errno      keyward.Errno // a call error
	}{
		{name: "ErrNotFound", id: 999, text: "User 999 does not exist"},
		{name: "ErrUsernameTaken", id: alice.ID, in: service.UserUpdate{Username: keyward.Opt[string]{Set: true, Value: "admin"}},
			attr: "user_update.username", text: `A user with the username "admin" already exists.`},
		{name: "ErrPasswordRequired", id: svc.ID, in: service.UserUpdate{PasswordDisabled: set(false)},
			attr: "user_update.password", text: "Password is required when password login is enabled."},
		{name: "ErrGroupMissing", id: alice.ID, in: service.UserUpdate{Group: keyward.Opt[int64]{Set: true, Value: 999}},
			attr: "user_update.group", text: "Group 999 does not exist."},
		{name: "ErrGroupsMissing", id: alice.ID, in: service.UserUpdate{Groups: keyward.Opt[[]int64]{Set: true, Value: []int64{999}}},
			attr: "user_update.groups.0", text: "Group 999 does not exist."},
		{name: "ErrLockAdmin", id: e.admin.ID, in: service.UserUpdate{Locked: set(true)},
			attr: "user_update.locked", text: "After locking this user no local users will have FULL_ADMIN role"},
		{name: "ErrDisableAdminPassword", id: e.admin.ID, in: service.UserUpdate{PasswordDisabled: set(true)},
			attr: "user_update.password_disabled", text: "After disabling password for this user" + tail},
		{name: "ErrAdminLeavesGroup", id: e.admin.ID, in: service.UserUpdate{Groups: keyward.Opt[[]int64]{Set: true}},
			attr: "user_update.groups", text: "After this change" + tail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.svc.UpdateUser(e.ctx, tt.id, tt.in)
			if tt.errno != 0 {
				wantErrno(t, err, tt.errno, tt.text)
				return
			}
			wantInvalid(t, err, tt.attr, tt.text)
		})
	}
	t.Run("ErrLockAndDisableAdmin", func(t *testing.T) {
		// Both refusals, with the other validation, in one answer (as TrueNAS collects them).
		_, _, err := e.svc.UpdateUser(e.ctx, e.admin.ID, service.UserUpdate{Locked: set(true), PasswordDisabled: set(true),
			Group: keyward.Opt[int64]{Set: true, Value: 999}})
		var ve *keyward.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("error = %v, want a validation error", err)
		}
		var attrs []string
		for _, f := range ve.Fields {
			if f.Errno != keyward.EINVAL && f.Errno != keyward.ENOENT {
				t.Errorf("%s: errno %s", f.Attr, f.Errno.Name())
			}
			attrs = append(attrs, f.Attr)
		}
		if want := []string{"user_update.group", "user_update.password_disabled", "user_update.locked"}; !slices.Equal(attrs, want) {
			t.Fatalf("attributes %v, want %v", attrs, want)
		}
	})
	t.Run("OKLockAdminWithAnother", func(t *testing.T) {
		builtin := e.svc.Accounts().GroupByGID(544).ID
		update(e, alice.ID, service.UserUpdate{Groups: keyward.Opt[[]int64]{Set: true, Value: []int64{builtin}}})
		update(e, e.admin.ID, service.UserUpdate{Locked: set(true)})
		update(e, e.admin.ID, service.UserUpdate{Locked: set(false)})
	})
	t.Run("OKPasswordMovesTokenEpoch", func(t *testing.T) {
		before := e.svc.Accounts().User(alice.ID)
		after := update(e, alice.ID, service.UserUpdate{Password: keyward.Opt[string]{Set: true, Value: "new"}})
		if after.TokenEpoch != before.TokenEpoch+1 || after.PasswordHash == before.PasswordHash {
			t.Errorf("token epoch %d -> %d", before.TokenEpoch, after.TokenEpoch)
		}
	})
	t.Run("OKRenameSendsKeyEvents", func(t *testing.T) {
		k1, _ := e.key("alice", "k1")
		k2, _ := e.key("alice", "k2")
		n := len(e.events.msgs())
		update(e, alice.ID, service.UserUpdate{Username: keyward.Opt[string]{Set: true, Value: "alicia"}})
		got := e.events.msgs()[n:]
		want := []string{"changed " + itoa(k1.ID), "changed " + itoa(k2.ID)}
		if !slices.Equal(got, want) {
			t.Errorf("events %v, want %v", got, want)
		}
	})
}

// TestDeleteUser checks user.delete: the last administrator stays, keys
// go with their owner, and the primary group goes when nothing uses it.
func TestDeleteUser(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := e.svc.DeleteUser(e.ctx, 999, false)
		wantInvalid(t, err, "", "User 999 does not exist")
	})
	t.Run("ErrLastAdmin", func(t *testing.T) {
		_, err := e.svc.DeleteUser(e.ctx, e.admin.ID, false)
		wantErrno(t, err, keyward.EACCES, "After deleting this user no local user will have built-in privilege 'Local Administrator'.")
	})
	t.Run("ErrSelf", func(t *testing.T) {
		u := e.user("self", "READONLY_ADMIN")
		ctx := keyward.NewContext(e.ctx, &keyward.Caller{Session: &keyward.Session{UserID: u.ID, UserStamp: u.Stamp}})
		_, err := e.svc.DeleteUser(ctx, u.ID, false)
		if !errors.Is(err, service.ErrDeleteSelf) {
			t.Fatalf("error = %v, want ErrDeleteSelf", err)
		}
		wantErrno(t, err, keyward.EINVAL, "Cannot delete the currently active user")
		if e.svc.Accounts().User(u.ID) == nil {
			t.Fatal("the user was deleted")
		}
	})
	tests := []struct {
		name        string
		inPrivilege bool // a privilege names the user's group, which keeps it
		delGroup    bool
		groupGoes   bool
	}{
		{"OKGroupGoes", false, true, true},
		{"OKGroupKept", false, false, false},
		{"OKGroupInPrivilege", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Roles through the built-in read-only group, so that the user may have keys.
			ro := e.svc.Accounts().GroupByGID(951).ID
			u, err := e.svc.CreateUser(e.ctx, service.UserCreate{Username: tt.name,
				Password: ptr("pw"), GroupCreate: true, Groups: []int64{ro}})
			if err != nil {
				t.Fatal(err)
			}
			if tt.inPrivilege {
				gid := e.svc.Accounts().Group(u.GroupID).GID
				if _, err := e.svc.CreatePrivilege(e.ctx, service.PrivilegeInput{Name: keyward.Opt[string]{Set: true, Value: u.Username},
					LocalGroups: keyward.Opt[[]int64]{Set: true, Value: []int64{gid}}}); err != nil {
					t.Fatal(err)
				}
			}
			k, _ := e.key(u.Username, "key-of-"+u.Username)
			n := len(e.events.msgs())
			deleted, err := e.svc.DeleteUser(e.ctx, u.ID, tt.delGroup)
			if err != nil || deleted.ID != u.ID {
				t.Fatalf("deleted %+v, %v", deleted, err)
			}
			if got := e.svc.Accounts().Group(u.GroupID) == nil; got != tt.groupGoes {
				t.Errorf("group gone %v, want %v", got, tt.groupGoes)
			}
			if _, err := e.svc.GetKey(e.ctx, k.ID); err == nil {
				t.Error("the user's key is still there")
			}
			if ev := e.events.msgs()[n:]; !slices.Equal(ev, []string{"removed " + itoa(k.ID)}) {
				t.Errorf("events %v", ev)
			}
		})
	}
}

// TestSetupLocalAdministrator checks first-run setup (accounts.md 8).
func TestSetupLocalAdministrator(t *testing.T) {
	t.Parallel()
	e := mustOpenBare(t)
	if e.svc.HasLocalAdministrator() {
		t.Fatal("a fresh database has an administrator")
	}
	pw := ptr("pw")
	if _, err := e.svc.CreateUser(e.ctx, service.UserCreate{Username: "taken", Password: pw, GroupCreate: true}); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrUsernameTaken", func(t *testing.T) {
		wantInvalid(t, e.svc.SetupLocalAdministrator(e.ctx, "taken", "pw"), "username", `A user with the username "taken" already exists.`)
	})
	t.Run("OK", func(t *testing.T) {
		if err := e.svc.SetupLocalAdministrator(e.ctx, "root", "pw"); err != nil {
			t.Fatal(err)
		}
		u := e.svc.Accounts().UserByName("root")
		if !e.svc.HasLocalAdministrator() || u.UID != 950 || e.svc.Accounts().Group(u.GroupID).GID != 950 ||
			!e.svc.Roles(u.ID).Has(keyward.FullAdmin) {
			t.Fatalf("administrator %+v", u)
		}
	})
	t.Run("ErrTwice", func(t *testing.T) {
		if err := e.svc.SetupLocalAdministrator(e.ctx, "other", "pw"); !errors.Is(err, service.ErrAdminSetUp) {
			t.Fatalf("error = %v, want ErrAdminSetUp", err)
		}
	})
}
