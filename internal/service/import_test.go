package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/service"
)

// formalHash has the form of a TrueNAS hash (nothing verifies against
// it): rows that are not logged in with cost no PBKDF2 run to make.
const formalHash = "$pbkdf2-sha512$500000$c2FsdHNhbHQ$" +
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="

// TestImportKeys checks api-keys.md 17: ids, dates and hashes are kept and
// each skipped row gets one line saying why.
func TestImportKeys(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	gone, _ := e.key("alice", "gone") // id 1, deleted: never given out again
	if _, err := e.svc.DeleteKey(e.ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	hash := formalHash
	created := time.Date(2025, 3, 1, 10, 0, 0, 500, time.UTC)
	reason := "Manual"
	rows := []service.ImportRow{
		{ID: 40, Name: "kept", Username: "alice", Keyhash: hash, CreatedAt: &created},
		{ID: 41, Name: "revoked", Username: "alice", Keyhash: hash, Revoked: true, RevokedReason: &reason},
		{ID: 42, Name: "revoked-unknown", Username: "alice", Keyhash: hash, Revoked: true},
		{ID: 0, Name: "no-id", Username: "alice", Keyhash: hash},
		{ID: 43, Name: "", Username: "alice", Keyhash: hash},
		{ID: service.MaxImportID + 1, Name: "huge", Username: "alice", Keyhash: hash},
		{ID: 40, Name: "again", Username: "alice", Keyhash: hash},
		{ID: gone.ID, Name: "reused", Username: "alice", Keyhash: hash},
		{ID: 44, Name: "kept", Username: "alice", Keyhash: hash},
		{ID: 45, Name: "orphan", Username: "nobody", Keyhash: hash},
		{ID: 46, Name: "hmac", Username: "alice", Keyhash: "$hmac-sha256$x$abc"},
		{ID: 47, Name: "weak", Username: "alice", Keyhash: strings.Replace(formalHash, "500000", "1000", 1)},
	}
	n, skipped, err := e.svc.ImportKeys(e.ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"skipped key 0 (no-id): no id or name",
		"skipped key 43 (): no id or name",
		"skipped key 2147483648 (huge): id above 2147483647",
		"skipped key 40 (again): a key with this id exists",
		"skipped key 1 (reused): a key with this id existed before (ids are never reused)",
		"skipped key 44 (kept): a key with this name exists",
		`skipped key 45 (orphan): no local user named "nobody"`,
		"skipped key 46 (hmac): keyhash is not $pbkdf2-sha512$ with 300,000 to 1,000,000 iterations",
		"skipped key 47 (weak): keyhash is not $pbkdf2-sha512$ with 300,000 to 1,000,000 iterations",
	}
	if n != 3 || strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Fatalf("imported %d, skipped:\n%s\nwant 3 and:\n%s", n, strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
	tests := []struct {
		name    string
		id      int64
		revoked string // the reason, "" when not revoked
		created time.Time
	}{
		{"OKKept", 40, "", created.Truncate(time.Second)},
		{"OKRevokedReason", 41, "Manual", e.clock.Now()},
		{"OKRevokedUnknown", 42, keyward.ReasonUnknown, e.clock.Now()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := e.svc.GetKey(e.ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			// The PBKDF2 hash is SaltedPassword: it became the SCRAM
			// verifier (its salt and count kept) and is gone (scram.md 9.9).
			iters, salt := keyward.SCRAMParams(k.SCRAM)
			if k.Hash != "$scram-sha512$500000$c2FsdHNhbHQ=" || iters != 500000 || salt != "c2FsdHNhbHQ=" || k.Revoked != (tt.revoked != "") || k.RevokedReason != tt.revoked || !k.CreatedAt.Equal(tt.created) {
				t.Errorf("key %d = %+v", tt.id, k)
			}
		})
	}
	t.Run("OKLaterIDsAbove", func(t *testing.T) {
		if k, _ := e.key("alice", "next"); k.ID != 43 {
			t.Errorf("new key id %d, want 43, the first above the imported ids", k.ID)
		}
	})
}

// TestImportKeysUnordered checks that the order of an export does not
// matter: a row is not refused as a reused id because a row with a higher
// id came before it in the same file.
func TestImportKeysUnordered(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	hash := formalHash
	n, skipped, err := e.svc.ImportKeys(e.ctx, []service.ImportRow{
		{ID: 9, Name: "nine", Username: "alice", Keyhash: hash},
		{ID: 3, Name: "three", Username: "alice", Keyhash: hash},
	})
	if err != nil || n != 2 || len(skipped) != 0 {
		t.Fatalf("imported %d, skipped %q, error %v; want both imported", n, skipped, err)
	}
}

// TestImportedKeyUpgrade checks that an imported PBKDF2 hash logs in and
// is replaced by a keyed hash with the current pepper at the first login.
func TestImportedKeyUpgrade(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	secret := keys.NewSecret()
	row := service.ImportRow{ID: 7, Name: "truenas", Username: "alice",
		Keyhash: keys.HashPBKDF2(secret, []byte("0123456789abcdef"), keys.MinIterations)}
	if n, skipped, err := e.svc.ImportKeys(e.ctx, []service.ImportRow{row}); n != 1 {
		t.Fatalf("import: %d, %q, %v", n, skipped, err)
	}
	raw := keys.Format(7, secret)
	sess, resp := e.loginKey("alice", raw, secure)
	if resp != service.Success {
		t.Fatalf("login: %s", resp)
	}
	k, _ := e.svc.GetKey(e.ctx, 7)
	if !strings.HasPrefix(k.Hash, keys.HMACPrefix+e.cfg.Verifier.Peppers.Current().ID+"$") {
		t.Fatalf("hash after login = %q, want a keyed hash", k.Hash)
	}
	if !e.refreshes(sess) {
		t.Error("the upgrade ended the session that caused it")
	}
	if _, resp := e.loginKey("alice", raw, secure); resp != service.Success {
		t.Errorf("login after the upgrade: %s", resp)
	}
}

// TestPepperUpgrade checks that a hash made with an older pepper is
// replaced with one made with the current pepper, and that sessions of
// the key go on.
func TestPepperUpgrade(t *testing.T) {
	t.Parallel()
	e := mustOpen(t)
	e.user("alice", "READONLY_ADMIN")
	k, raw := e.key("alice", "k1")
	old := e.cfg.Verifier.Peppers.Current()
	cfg := e.cfg
	cfg.Verifier = keys.NewVerifier(keys.Peppers{old, keys.Generate()}, nil)
	e.svc = e.newService(cfg) // restarted with a new current pepper
	sess, resp := e.loginKey("alice", raw, secure)
	if resp != service.Success {
		t.Fatalf("login: %s", resp)
	}
	after, _ := e.svc.GetKey(e.ctx, k.ID)
	if pepperOf(k.Hash) != old.ID || pepperOf(after.Hash) != cfg.Verifier.Peppers.Current().ID {
		t.Fatalf("hash %q became %q, want the new pepper", k.Hash, after.Hash)
	}
	if !e.refreshes(sess) {
		t.Error("the upgrade ended the session")
	}
}

// pepperOf returns the pepper id of a keyed hash.
func pepperOf(hash string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(hash, keys.HMACPrefix), "$")
	return id
}
