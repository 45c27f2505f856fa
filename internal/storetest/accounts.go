package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward"
)

// newUser returns a user in the first group, named name.
func newUser(t *testing.T, s keyward.Store, name string, uid int64) *keyward.User {
	t.Helper()
	a, _, err := s.LoadAccounts(ctxFor(t))
	must(t, err)
	if len(a.Groups) == 0 {
		t.Fatal("a new database has no built-in groups")
	}
	return &keyward.User{UID: uid, Username: name, FullName: "Full " + name, PasswordHash: "$argon2id$x",
		GroupID: a.Groups[0].ID, CreatedAt: time.UnixMilli(1_700_000_000_123).UTC()}
}

// createUser creates a user and returns it with its id.
func createUser(t *testing.T, s keyward.Store, name string, uid int64) *keyward.User {
	t.Helper()
	u := newUser(t, s, name, uid)
	must(t, s.UpdateAccounts(ctxFor(t), func(tx keyward.AccountTx) error { return tx.CreateUser(ctxFor(t), u) }))
	return u
}

func testAccounts(t *testing.T, open Opener) {
	t.Run("OK", func(t *testing.T) { testUserRoundTrip(t, open(t)) })
	t.Run("GroupsAndPrivileges", func(t *testing.T) { testGroupsPrivileges(t, open(t)) })
	t.Run("IDsNeverReused", func(t *testing.T) { testAccountIDs(t, open(t)) })
	t.Run("ErrRolledBack", func(t *testing.T) { testAccountsRollback(t, open(t)) })
	testGroupWrites(t, open)
}

func testUserRoundTrip(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	_, gen0, err := s.LoadAccounts(ctx)
	must(t, err)
	var g keyward.Group
	u := newUser(t, s, "alice", 3000)
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		g = keyward.Group{GID: 3001, Name: "staff"}
		if err := tx.CreateGroup(ctx, &g); err != nil {
			return err
		}
		u.GroupIDs = []int64{g.ID}
		return tx.CreateUser(ctx, u)
	}))
	if u.ID == 0 || u.Stamp == 0 {
		t.Fatalf("CreateUser left id %d, stamp %d", u.ID, u.Stamp)
	}
	a, gen1, err := s.LoadAccounts(ctx)
	must(t, err)
	if gen1 == gen0 {
		t.Errorf("generation %d did not change with a committed write", gen1)
	}
	if g2, _ := s.AccountsGeneration(ctx); g2 != gen1 {
		t.Errorf("AccountsGeneration = %d, LoadAccounts said %d", g2, gen1)
	}
	got := a.User(u.ID)
	if got == nil || got.Username != "alice" || got.UID != 3000 || got.FullName != "Full alice" ||
		got.PasswordHash != u.PasswordHash || got.Stamp != u.Stamp || !got.CreatedAt.Equal(u.CreatedAt) ||
		!slices.Equal(got.GroupIDs, []int64{g.ID}) || got.GroupID != u.GroupID {
		t.Fatalf("loaded %+v, created %+v", got, u)
	}
	upd := *got
	upd.Locked, upd.PasswordDisabled, upd.TokenEpoch, upd.GroupIDs, upd.Stamp = true, true, 4, nil, 99
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.UpdateUser(ctx, &upd) }))
	a, _, err = s.LoadAccounts(ctx)
	must(t, err)
	if got := a.User(u.ID); !got.Locked || !got.PasswordDisabled || got.TokenEpoch != 4 || len(got.GroupIDs) != 0 ||
		got.Stamp != u.Stamp {
		t.Errorf("after update: %+v (the stamp never changes)", got)
	}
}

func testGroupsPrivileges(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	p := &keyward.Privilege{Name: "Operators", GIDs: []int64{7002, 7001}, Roles: []string{"B_ROLE", "A_ROLE"}}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.CreatePrivilege(ctx, p) }))
	a, _, err := s.LoadAccounts(ctx)
	must(t, err)
	got := a.Privilege(p.ID)
	if got == nil || got.Name != "Operators" || !slices.Equal(got.GIDs, p.GIDs) || !slices.Equal(got.Roles, p.Roles) {
		t.Fatalf("loaded %+v, created %+v", got, p)
	}
	p.GIDs, p.Roles, p.WebShell = []int64{7003}, nil, true
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.UpdatePrivilege(ctx, p) }))
	a, _, _ = s.LoadAccounts(ctx)
	if got := a.Privilege(p.ID); !slices.Equal(got.GIDs, []int64{7003}) || len(got.Roles) != 0 || !got.WebShell {
		t.Errorf("after update: %+v", got)
	}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.DeletePrivilege(ctx, p.ID) }))
	g := &keyward.Group{GID: 7004, Name: "temps"}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.CreateGroup(ctx, g) }))
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.DeleteGroup(ctx, g.ID) }))
	a, _, _ = s.LoadAccounts(ctx)
	if a.Privilege(p.ID) != nil || a.Group(g.ID) != nil || a.GroupByName("builtin_administrators") == nil {
		t.Errorf("after deletes: %+v", a)
	}
}

func testAccountIDs(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	u := createUser(t, s, "first", 4000)
	g := &keyward.Group{GID: 4001, Name: "g1"}
	p := &keyward.Privilege{Name: "p1"}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		return errors.Join(tx.CreateGroup(ctx, g), tx.CreatePrivilege(ctx, p))
	}))
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		_, err := tx.DeleteUser(ctx, u.ID)
		return errors.Join(err, tx.DeleteGroup(ctx, g.ID), tx.DeletePrivilege(ctx, p.ID))
	}))
	u2 := createUser(t, s, "second", 4000)
	g2 := &keyward.Group{GID: 4001, Name: "g1"}
	p2 := &keyward.Privilege{Name: "p1"}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		return errors.Join(tx.CreateGroup(ctx, g2), tx.CreatePrivilege(ctx, p2))
	}))
	if u2.ID <= u.ID || g2.ID <= g.ID || p2.ID <= p.ID {
		t.Errorf("ids reused: user %d then %d, group %d then %d, privilege %d then %d",
			u.ID, u2.ID, g.ID, g2.ID, p.ID, p2.ID)
	}
	if u2.Stamp == u.Stamp {
		t.Errorf("two users drew stamp %d", u.Stamp)
	}
}

func testAccountsRollback(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	gen, err := s.AccountsGeneration(ctx)
	must(t, err)
	last, err := s.LastChange(ctx)
	must(t, err)
	err = s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		if err := tx.CreateUser(ctx, newUser(t, s, "ghost", 5000)); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("UpdateAccounts = %v, want the function's error", err)
	}
	a, gen2, err := s.LoadAccounts(ctx)
	must(t, err)
	if a.UserByName("ghost") != nil || gen2 != gen {
		t.Errorf("a rolled-back transaction left its user or changed the generation (%d to %d)", gen, gen2)
	}
	if last2, _ := s.LastChange(ctx); last2 != last {
		t.Errorf("a rolled-back transaction moved the change log from %d to %d", last, last2)
	}
}
