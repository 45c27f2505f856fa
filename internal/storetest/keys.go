package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward"
)

// newKey returns a key of user u named name, hashed under pepper.
func newKey(u *keyward.User, name, pepper string) *keyward.APIKey {
	exp := time.UnixMilli(1_900_000_000_456).UTC()
	return &keyward.APIKey{Name: name, UserID: u.ID, Hash: "$hmac-sha256$" + pepper + "$aGFzaA==",
		CreatedAt: time.UnixMilli(1_700_000_000_789).UTC(), ExpiresAt: &exp, SecretGen: 1}
}

// scramOf is a sealed SCRAM verifier's form under pepper (not a real one:
// stores keep it as text).
func scramOf(pepper string) string {
	return "$scram-sha512$50000$AAECAwQFBgcICQoLDA0ODw==$" + pepper + "$c2VhbGVk"
}

// createKey creates k in its own transaction.
func createKey(t *testing.T, s keyward.Store, k *keyward.APIKey) {
	t.Helper()
	must(t, s.UpdateKeys(ctxFor(t), func(tx keyward.KeyTx) error { return tx.Create(ctxFor(t), k) }))
}

// sameKey says how got differs from want ("" when it does not).
func sameKey(got, want *keyward.APIKey) string {
	if got == nil || want == nil {
		if got == want {
			return ""
		}
		return fmt.Sprintf("got %+v, want %+v", got, want)
	}
	expOK := (got.ExpiresAt == nil) == (want.ExpiresAt == nil) &&
		(got.ExpiresAt == nil || got.ExpiresAt.Equal(*want.ExpiresAt))
	if got.ID != want.ID || got.Name != want.Name || got.UserID != want.UserID || got.Hash != want.Hash || got.SCRAM != want.SCRAM ||
		!got.CreatedAt.Equal(want.CreatedAt) || !expOK || got.Revoked != want.Revoked ||
		got.RevokedReason != want.RevokedReason || !got.RevokedAt.Equal(want.RevokedAt) ||
		got.SecretGen != want.SecretGen {
		return fmt.Sprintf("got %+v, want %+v", got, want)
	}
	return ""
}

func testKeys(t *testing.T, open Opener) {
	t.Run("OK", func(t *testing.T) { testKeyRoundTrip(t, open(t)) })
	t.Run("IDsNeverReused", func(t *testing.T) { testKeyIDs(t, open(t)) })
	t.Run("RevokedAndInsecure", func(t *testing.T) { testRevokedInsecure(t, open(t)) })
	t.Run("DeletedUser", func(t *testing.T) { testDeletedUserKeys(t, open(t)) })
}

func testKeyRoundTrip(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	u := createUser(t, s, "alice", 3000)
	gen0, err := s.KeysGeneration(ctx)
	must(t, err)
	k := newKey(u, "ci", "p1")
	createKey(t, s, k)
	if k.ID == 0 {
		t.Fatal("Create left the id 0")
	}
	got, err := s.FindKey(ctx, k.ID)
	must(t, err)
	if d := sameKey(got, k); d != "" {
		t.Fatal(d)
	}
	gen1, _ := s.KeysGeneration(ctx)
	if gen1 == gen0 {
		t.Error("KeysGeneration did not change with a created key")
	}
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		if taken, err := tx.NameTaken(ctx, "ci", 0); err != nil || !taken {
			return fmt.Errorf("NameTaken(ci, 0) = %v, %v", taken, err)
		}
		if taken, err := tx.NameTaken(ctx, "ci", k.ID); err != nil || taken {
			return fmt.Errorf("NameTaken(ci, itself) = %v, %v", taken, err)
		}
		if found, err := tx.Find(ctx, k.ID); err != nil || sameKey(found, k) != "" {
			return fmt.Errorf("Find in a transaction = %+v, %v", found, err)
		}
		k.Name, k.ExpiresAt, k.SecretGen, k.Hash = "ci2", nil, 2, "$hmac-sha256$p1$bmV3"
		k.SCRAM = scramOf("p1")
		return tx.Update(ctx, k)
	}))
	got, _ = s.FindKey(ctx, k.ID)
	if d := sameKey(got, k); d != "" {
		t.Fatal("after update: " + d)
	}
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error { k.SCRAM = ""; return tx.Update(ctx, k) }))
	if got, _ = s.FindKey(ctx, k.ID); got.SCRAM != "" {
		t.Fatalf("SCRAM after clearing = %q", got.SCRAM)
	}
	if ids, err := s.KeyIDsByUser(ctx); err != nil || !slices.Equal(ids[u.ID], []int64{k.ID}) {
		t.Errorf("KeyIDsByUser = %v, %v", ids, err)
	}
	for prefix, want := range map[string][]int64{"$hmac-sha256$p1$": {k.ID}, "$hmac-sha256$p1$bmV": {k.ID}, "$pbkdf2-sha512$": nil, "%": nil} {
		if ids, err := s.KeyIDsWithHashPrefix(ctx, prefix); err != nil || !slices.Equal(ids, want) {
			t.Errorf("KeyIDsWithHashPrefix(%q) = %v, %v; want %v", prefix, ids, err, want)
		}
	}
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error { return tx.Delete(ctx, k.ID) }))
	if got, err := s.FindKey(ctx, k.ID); err != nil || got != nil {
		t.Errorf("FindKey after delete = %+v, %v", got, err)
	}
	if gen2, _ := s.KeysGeneration(ctx); gen2 == gen1 {
		t.Error("KeysGeneration did not change with a deleted key")
	}
}

func testKeyIDs(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	u := createUser(t, s, "alice", 3000)
	k1 := newKey(u, "one", "p1")
	createKey(t, s, k1)
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error { return tx.Delete(ctx, k1.ID) }))
	k2 := newKey(u, "two", "p1")
	createKey(t, s, k2)
	if k2.ID <= k1.ID {
		t.Errorf("key id %d reused (then %d)", k1.ID, k2.ID)
	}
	imported := newKey(u, "imported", "p1")
	imported.ID = 500
	createKey(t, s, imported)
	k3 := newKey(u, "three", "p1")
	createKey(t, s, k3)
	if k3.ID <= 500 {
		t.Errorf("a new key took id %d, below the imported 500", k3.ID)
	}
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		for id, want := range map[int64]bool{k1.ID: true, 400: true, 500: true, k3.ID: true, k3.ID + 1000: false} {
			if used, err := tx.IDUsed(ctx, id); err != nil || used != want {
				return fmt.Errorf("IDUsed(%d) = %v, %v; want %v", id, used, err, want)
			}
		}
		return nil
	}))
	k4 := newKey(u, "four", "p1")
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		id, err := tx.NextID(ctx)
		if err != nil || id <= k3.ID {
			return fmt.Errorf("NextID = %d, %v; want above %d", id, err, k3.ID)
		}
		k4.ID = id
		return tx.Create(ctx, k4)
	}))
	k5 := newKey(u, "five", "p1")
	createKey(t, s, k5)
	if k5.ID <= k4.ID {
		t.Errorf("the key after one created with NextID %d took id %d", k4.ID, k5.ID)
	}
}

func testRevokedInsecure(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	u := createUser(t, s, "alice", 3000)
	k, other := newKey(u, "ci", "p1"), newKey(u, "other", "p1")
	createKey(t, s, k)
	createKey(t, s, other)
	at := time.UnixMilli(1_800_000_000_000).UTC()
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		k.Revoked, k.RevokedReason, k.RevokedAt = true, keyward.ReasonInsecureTransport, at
		if err := tx.Update(ctx, k); err != nil {
			return err
		}
		if err := tx.RecordInsecureUse(ctx, k.ID, "192.0.2.1", at); err != nil {
			return err
		}
		return tx.RecordInsecureUse(ctx, k.ID, "192.0.2.2", at.Add(time.Minute))
	}))
	revoked, err := s.RevokedKeys(ctx)
	must(t, err)
	if len(revoked) != 1 || sameKey(revoked[0], k) != "" {
		t.Errorf("RevokedKeys = %+v, want only %+v", revoked, k)
	}
	uses, err := s.InsecureUses(ctx)
	must(t, err)
	want := keyward.InsecureUse{KeyID: k.ID, Name: "ci", Address: "192.0.2.2", First: at, Last: at.Add(time.Minute)}
	if len(uses) != 1 || uses[0].KeyID != want.KeyID || uses[0].Name != want.Name || uses[0].Address != want.Address ||
		!uses[0].First.Equal(want.First) || !uses[0].Last.Equal(want.Last) {
		t.Errorf("InsecureUses = %+v, want %+v", uses, want)
	}
	must(t, s.UpdateKeys(ctx, func(tx keyward.KeyTx) error { return tx.ClearInsecureUse(ctx, k.ID) }))
	if uses, _ := s.InsecureUses(ctx); len(uses) != 0 {
		t.Errorf("InsecureUses after clear = %+v", uses)
	}
}

func testDeletedUserKeys(t *testing.T, s keyward.Store) {
	ctx := ctxFor(t)
	u, keep := createUser(t, s, "alice", 3000), createUser(t, s, "bob", 3001)
	k1, k2, k3 := newKey(u, "a1", "p1"), newKey(u, "a2", "p1"), newKey(keep, "b1", "p1")
	for _, k := range []*keyward.APIKey{k1, k2, k3} {
		createKey(t, s, k)
	}
	var gone []int64
	must(t, s.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		var err error
		gone, err = tx.DeleteUser(ctx, u.ID)
		return err
	}))
	if !slices.Equal(gone, []int64{k1.ID, k2.ID}) {
		t.Errorf("DeleteUser returned keys %v, want %v", gone, []int64{k1.ID, k2.ID})
	}
	for _, id := range gone {
		if k, err := s.FindKey(ctx, id); err != nil || k != nil {
			t.Errorf("FindKey(%d) of a deleted user = %+v, %v", id, k, err)
		}
	}
	if k, _ := s.FindKey(ctx, k3.ID); k == nil {
		t.Error("another user's key went too")
	}
}
