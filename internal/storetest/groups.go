package storetest

import (
	"slices"
	"testing"

	"github.com/keyward/keyward"
)

func testGroupWrites(t *testing.T, open Opener) {
	t.Run("UpdateGroup", func(t *testing.T) { testUpdateGroup(t, open(t)) })
	t.Run("DeleteGroupWithMembers", func(t *testing.T) { testDeleteGroupMembers(t, open(t)) })
}

// testUpdateGroup renames a group and changes its gid: both persist, the
// group keeps its id and members, and the generation moves.
func testUpdateGroup(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	g := &keyward.Group{GID: 5001, Name: "operators"}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.CreateGroup(ctx, g) }))
	u := newUser(t, s, "carol", 5000)
	u.GroupIDs = []int64{g.ID}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.CreateUser(ctx, u) }))
	_, gen0, err := s.LoadAccounts(ctx)
	must(t, err)
	changed := &keyward.Group{ID: g.ID, GID: 5002, Name: "ops"}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.UpdateGroup(ctx, changed) }))
	a, gen1, err := s.LoadAccounts(ctx)
	must(t, err)
	if gen1 == gen0 {
		t.Errorf("generation %d did not change with a group update", gen1)
	}
	got := a.Group(g.ID)
	if got == nil || got.GID != 5002 || got.Name != "ops" || got.Builtin {
		t.Fatalf("after update: %+v", got)
	}
	if a.GroupByName("operators") != nil || a.GroupByGID(5001) != nil {
		t.Errorf("the old name or gid is still found")
	}
	if m := a.User(u.ID); m == nil || !slices.Equal(m.GroupIDs, []int64{g.ID}) {
		t.Errorf("member after update: %+v", m)
	}
}

// testDeleteGroupMembers deletes a group that users have as a secondary
// group: the memberships go with it, the users stay.
func testDeleteGroupMembers(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	g := &keyward.Group{GID: 6001, Name: "doomed"}
	keep := &keyward.Group{GID: 6002, Name: "kept"}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		return tx.CreateGroup(ctx, keep)
	}))
	u1, u2 := newUser(t, s, "dave", 6000), newUser(t, s, "erin", 6003)
	u1.GroupIDs = []int64{g.ID, keep.ID}
	u2.GroupIDs = []int64{g.ID}
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		if err := tx.CreateUser(ctx, u1); err != nil {
			return err
		}
		return tx.CreateUser(ctx, u2)
	}))
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.DeleteGroup(ctx, g.ID) }))
	a, _, err := s.LoadAccounts(ctx)
	must(t, err)
	if a.Group(g.ID) != nil {
		t.Fatalf("group %d still exists", g.ID)
	}
	if got := a.User(u1.ID); got == nil || !slices.Equal(got.GroupIDs, []int64{keep.ID}) {
		t.Errorf("dave after delete: %+v", got)
	}
	if got := a.User(u2.ID); got == nil || len(got.GroupIDs) != 0 {
		t.Errorf("erin after delete: %+v", got)
	}
}
