package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward"
)

func testChangeLog(t *testing.T, open Opener) {
	t.Run("Keys", func(t *testing.T) { testKeyChanges(t, open(t)) })
	t.Run("Accounts", func(t *testing.T) { testAccountChanges(t, open(t)) })
	t.Run("RolledBack", func(t *testing.T) { testChangesRollback(t, open(t)) })
	t.Run("Limit", func(t *testing.T) { testChangesLimit(t, open(t)) })
	t.Run("ErrLogTruncated", func(t *testing.T) { testChangesPruned(t, open(t)) })
}

// changesSince returns every change after seq, checking that they come
// one seq after another.
func changesSince(t *testing.T, s keyward.Store, after int64) []keyward.Change {
	t.Helper()
	got, err := s.ChangesAfter(ctxFor(t), after, 1000)
	must(t, err)
	for i, c := range got {
		if c.Seq != after+int64(i)+1 {
			t.Fatalf("change %d after %d has seq %d: %+v", i, after, c.Seq, got)
		}
	}
	return got
}

// lastChange returns the store's newest seq.
func lastChange(t *testing.T, s keyward.Store) int64 {
	t.Helper()
	last, err := s.LastChange(ctxFor(t))
	must(t, err)
	return last
}

func testKeyChanges(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	u := createUser(t, s, "alice", 3000)
	start := lastChange(t, s)
	k := newKey(u, "ci", "p1")
	k.SCRAM = scramOf("p1")
	createKey(t, s, k)
	added := *k
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		k.Name, k.Revoked, k.RevokedReason, k.RevokedAt = "ci2", true, keyward.ReasonUnknown, time.UnixMilli(1_800_000_000_000).UTC()
		return tx.Update(ctx, k)
	}))
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error { return tx.Delete(ctx, k.ID) }))
	must(t, s.AppendSessionEnd(ctx, "conn-1"))
	got := changesSince(t, s, start)
	if len(got) != 4 {
		t.Fatalf("changes = %+v, want added, changed, removed, session", got)
	}
	for i, want := range []keyward.EventMsg{keyward.EventAdded, keyward.EventChanged, keyward.EventRemoved} {
		if c := got[i]; c.Kind != keyward.ChangeKey || c.Msg != want || c.ID != k.ID {
			t.Errorf("change %d = %+v, want key %d %s", i, c, k.ID, want)
		}
	}
	if d := sameKey(got[0].Key, &added); d != "" {
		t.Error("added: " + d)
	}
	if d := sameKey(got[1].Key, k); d != "" {
		t.Error("changed: " + d)
	}
	if got[2].Key != nil {
		t.Errorf("removed carries key %+v", got[2].Key)
	}
	if c := got[3]; c.Kind != keyward.ChangeSession || c.Session != "conn-1" || c.At.IsZero() {
		t.Errorf("session change = %+v", c)
	}
	last := got[3].Seq
	if l := lastChange(t, s); l != last || s.LocalSeq() != last {
		t.Errorf("LastChange = %d, LocalSeq = %d, want %d", l, s.LocalSeq(), last)
	}
}

func testAccountChanges(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	start := lastChange(t, s)
	u := createUser(t, s, "alice", 3000)
	got := changesSince(t, s, start)
	if len(got) != 1 || got[0].Kind != keyward.ChangeAccounts {
		t.Fatalf("a created user appended %+v, want one accounts change", got)
	}
	k1, k2 := newKey(u, "a1", "p1"), newKey(u, "a2", "p1")
	createKey(t, s, k1)
	createKey(t, s, k2)
	start = lastChange(t, s)
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		_, err := tx.DeleteUser(ctx, u.ID)
		return err
	}))
	got = changesSince(t, s, start)
	var removed []int64
	accounts := 0
	for _, c := range got {
		switch {
		case c.Kind == keyward.ChangeAccounts:
			accounts++
		case c.Kind == keyward.ChangeKey && c.Msg == keyward.EventRemoved:
			removed = append(removed, c.ID)
		default:
			t.Errorf("unexpected change %+v", c)
		}
	}
	slices.Sort(removed)
	if accounts != 1 || !slices.Equal(removed, []int64{k1.ID, k2.ID}) {
		t.Errorf("deleting a user with keys %d, %d appended %+v", k1.ID, k2.ID, got)
	}
}

func testChangesRollback(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	u := createUser(t, s, "alice", 3000)
	start := lastChange(t, s)
	err := s.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		if err := tx.Create(ctx, newKey(u, "gone", "p1")); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("UpdateKeys = %v, want the function's error", err)
	}
	if got := changesSince(t, s, start); len(got) != 0 || lastChange(t, s) != start {
		t.Errorf("a rolled-back transaction appended %+v", got)
	}
	createKey(t, s, newKey(u, "kept", "p1"))
	if got := changesSince(t, s, start); len(got) != 1 || got[0].Key == nil || got[0].Key.Name != "kept" {
		t.Errorf("after a rollback the next change is %+v", got)
	}
}

func testChangesLimit(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	start := lastChange(t, s)
	for _, id := range []string{"s1", "s2", "s3", "s4", "s5"} {
		must(t, s.AppendSessionEnd(ctx, id))
	}
	got, err := s.ChangesAfter(ctx, start+1, 2)
	must(t, err)
	if len(got) != 2 || got[0].Session != "s2" || got[1].Session != "s3" {
		t.Errorf("ChangesAfter(start+1, 2) = %+v, want s2, s3", got)
	}
	if got, err := s.ChangesAfter(ctx, start+5, 10); err != nil || len(got) != 0 {
		t.Errorf("ChangesAfter(last) = %+v, %v; want none", got, err)
	}
}

func testChangesPruned(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	for _, id := range []string{"s1", "s2", "s3"} {
		must(t, s.AppendSessionEnd(ctx, id))
	}
	last := lastChange(t, s)
	must(t, s.PruneChanges(ctx, time.Now().Add(time.Hour)))
	if _, err := s.ChangesAfter(ctx, 0, 10); !errors.Is(err, keyward.ErrLogTruncated) {
		t.Errorf("ChangesAfter(0) after pruning = %v, want ErrLogTruncated", err)
	}
	if got := changesSince(t, s, last-1); len(got) != 1 || got[0].Session != "s3" {
		t.Errorf("pruning did not keep the newest change: %+v", got)
	}
	if l := lastChange(t, s); l != last {
		t.Errorf("LastChange after pruning = %d, want %d", l, last)
	}
	must(t, s.AppendSessionEnd(ctx, "s4"))
	if got := changesSince(t, s, last); len(got) != 1 || got[0].Session != "s4" || got[0].Seq != last+1 {
		t.Errorf("after pruning the next change is %+v", got)
	}
	must(t, s.PruneChanges(ctx, time.Now().Add(-time.Hour)))
	if got := changesSince(t, s, last-1); len(got) != 2 {
		t.Errorf("pruning before an older time deleted newer changes: %+v", got)
	}
}
