package postgres_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/pgtest"
	"github.com/keyward/keyward/internal/postgres"
	"github.com/keyward/keyward/internal/sqlite"
)

// sqliteFixture is what fillSQLite made: the ids it gave out last.
type sqliteFixture struct {
	path                    string
	lastUser, lastKey       int64 // highest ever given out, deleted since
	importedKey, revokedKey int64
}

// fillSQLite makes a SQLite database with accounts, keys (one imported
// with a PBKDF2 hash), an insecure use, audit records and a pepper check.
// The last user and key it creates are deleted, so their ids are used
// but not present.
func fillSQLite(t *testing.T) *sqliteFixture {
	t.Helper()
	ctx := context.Background()
	f := &sqliteFixture{path: filepath.Join(t.TempDir(), "keyward.db")}
	db, err := sqlite.Open(ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.UnixMilli(1_800_000_000_123).UTC()
	err = db.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		g := &keyward.Group{GID: 3000, Name: "devs"}
		p := &keyward.Privilege{Name: "Devs", GIDs: []int64{3000, 4000}, Roles: []string{"READONLY_ADMIN"}}
		users := []*keyward.User{
			{UID: 3001, Username: "alice", FullName: "Alice", PasswordHash: "$argon2id$v=19$x", GroupID: 1, CreatedAt: at},
			{UID: 3002, Username: "Bob", FullName: "Bob B", Locked: true, PasswordDisabled: true, TokenEpoch: 3, CreatedAt: at},
			{UID: 3003, Username: "gone", FullName: "Gone", GroupID: 1, CreatedAt: at},
		}
		if err := errors.Join(tx.CreateGroup(ctx, g), tx.CreatePrivilege(ctx, p)); err != nil {
			return err
		}
		users[0].GroupIDs, users[1].GroupID = []int64{g.ID}, g.ID
		for _, u := range users {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		f.lastUser = users[2].ID
		_, err := tx.DeleteUser(ctx, users[2].ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	secret := "imported-secret"
	exp := at.Add(24 * time.Hour)
	err = db.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		ks := []*keyward.APIKey{
			{Name: "plain", UserID: 1, Hash: "$hmac-sha256$p1$abc", SCRAM: "$scram-sha512$50000$c2FsdA==$p1$c2VhbGVk", CreatedAt: at, ExpiresAt: &exp},
			{ID: 40, Name: "truenas", UserID: 1, Hash: keys.HashPBKDF2(secret, []byte("0123456789abcdef"), keys.MinIterations), CreatedAt: at},
			{Name: "revoked", UserID: 2, Hash: "$hmac-sha256$p1$def", CreatedAt: at, Revoked: true,
				RevokedReason: "leaked", RevokedAt: at.Add(time.Hour), SecretGen: 4},
			{Name: "deleted", UserID: 2, Hash: "$hmac-sha256$p1$ghi", CreatedAt: at},
		}
		for _, k := range ks {
			if err := tx.Create(ctx, k); err != nil {
				return err
			}
		}
		f.importedKey, f.revokedKey, f.lastKey = ks[1].ID, ks[2].ID, ks[3].ID
		return errors.Join(tx.RecordInsecureUse(ctx, ks[0].ID, "192.0.2.9", at), tx.Delete(ctx, ks[3].ID))
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, user := range []string{"alice", "Bob", "alice"} {
		rec := map[string]any{"audit_id": "00000000-0000-4000-8000-00000000000" + string(rune('0'+i)),
			"message_timestamp": at.Unix(), "timestamp": at.Add(time.Duration(i) * time.Minute), "address": "192.0.2.1",
			"username": user, "session": nil, "service": "MIDDLEWARE", "service_data": map[string]any{"protocol": "WEBSOCKET"},
			"event": "AUTHENTICATION", "event_data": map[string]any{"n": int64(i)}, "success": i != 1}
		if i == 2 {
			rec["session"] = "s-2"
		}
		if err := db.AddAudit(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordPepperChecks(ctx, map[string]string{"p1": "check-1"}, keyward.FirstPepper); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestLoad migrates a SQLite database into an empty PostgreSQL one and
// checks every row, the counts, the sequences and that a second run is
// refused.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Fresh(t)
	f := fillSQLite(t)
	dump, err := sqlite.Export(ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	pg := MustOpen(t, url)
	if err := pg.Load(ctx, dump); err != nil {
		t.Fatal(err)
	}
	counts, err := pg.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := dump.Counts(); !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
	if n := counts[5].Rows; n != 3 {
		t.Errorf("api_keys copied: %d, want 3", n)
	}

	lite, err := sqlite.Open(ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	sameStores(t, lite, pg, []int64{1, f.importedKey, f.revokedKey})
	if got := readDump(t, url); !reflect.DeepEqual(got, stripCounters(dump)) {
		t.Errorf("PostgreSQL rows differ from SQLite's:\n got %+v\nwant %+v", got, stripCounters(dump))
	}
	checkSequences(t, pg, url, f, dump)

	t.Run("ErrNotEmpty", func(t *testing.T) {
		err := pg.Load(ctx, dump)
		if !errors.Is(err, postgres.ErrNotEmpty) {
			t.Fatalf("second Load: %v, want ErrNotEmpty", err)
		}
		t.Log(err)
	})
}

// TestExportInUse checks that a database a server holds is not exported.
func TestExportInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keyward.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := sqlite.Export(context.Background(), path); !errors.Is(err, sqlite.ErrInUse) {
		t.Fatalf("Export of an open database: %v, want ErrInUse", err)
	}
}

// sameStores compares what both stores answer about accounts, keys,
// insecure uses, audit and peppers.
func sameStores(t *testing.T, a, b keyward.Store, keyIDs []int64) {
	t.Helper()
	ctx := context.Background()
	accA, _, errA := a.LoadAccounts(ctx)
	accB, _, errB := b.LoadAccounts(ctx)
	if err := errors.Join(errA, errB); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(accA, accB) {
		t.Errorf("accounts differ:\nsqlite   %s\npostgres %s", show(accA), show(accB))
	}
	for _, id := range keyIDs {
		ka, errA := a.FindKey(ctx, id)
		kb, errB := b.FindKey(ctx, id)
		if errors.Join(errA, errB) != nil || ka == nil || !reflect.DeepEqual(ka, kb) {
			t.Errorf("key %d: sqlite %+v (%v), postgres %+v (%v)", id, ka, errA, kb, errB)
		}
	}
	for name, get := range map[string]func(keyward.Store) (any, error){
		"insecure uses": func(s keyward.Store) (any, error) { return s.InsecureUses(ctx) },
		"audit":         func(s keyward.Store) (any, error) { return s.QueryAudit(ctx, nil, nil) },
		"pepper checks": func(s keyward.Store) (any, error) { return s.PepperChecks(ctx) },
		"pepper usage":  func(s keyward.Store) (any, error) { return s.PepperUsage(ctx) },
	} {
		va, errA := get(a)
		vb, errB := get(b)
		if errors.Join(errA, errB) != nil || !reflect.DeepEqual(va, vb) {
			t.Errorf("%s: sqlite %v (%v), postgres %v (%v)", name, va, errA, vb, errB)
		}
	}
}

// checkSequences checks that new users, keys and audit records on
// PostgreSQL take ids above every id SQLite ever gave out.
func checkSequences(t *testing.T, pg *postgres.DB, url string, f *sqliteFixture, dump *keyward.Dump) {
	t.Helper()
	ctx := context.Background()
	u := &keyward.User{UID: 3010, Username: "new", FullName: "New", GroupID: 1}
	k := &keyward.APIKey{Name: "new", UserID: 1, Hash: "$hmac-sha256$p1$new", CreatedAt: time.Now()}
	err := errors.Join(
		pg.UpdateAccounts(ctx, func(tx keyward.AccountTx) error { return tx.CreateUser(ctx, u) }),
		pg.UpdateKeys(ctx, func(tx keyward.KeyTx) error { return tx.Create(ctx, k) }),
		pg.AddAudit(ctx, map[string]any{"audit_id": "x", "message_timestamp": int64(1), "timestamp": time.Now(),
			"address": "a", "username": "u", "session": nil, "service": "MIDDLEWARE", "service_data": map[string]any{},
			"event": "E", "event_data": map[string]any{}, "success": true}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pg.QueryAudit(ctx, nil, nil); err != nil { // waits for the record
		t.Fatal(err)
	}
	if u.ID != f.lastUser+1 {
		t.Errorf("new user id %d, want %d (above the deleted %d)", u.ID, f.lastUser+1, f.lastUser)
	}
	if k.ID != f.lastKey+1 {
		t.Errorf("new key id %d, want %d (above the deleted %d)", k.ID, f.lastKey+1, f.lastKey)
	}
	var auditID int64
	conn := mustConnect(t, url)
	if err := conn.QueryRow(ctx, `SELECT max(id) FROM audit`).Scan(&auditID); err != nil {
		t.Fatal(err)
	}
	if want := dump.LastIDs["audit"] + 1; auditID != want {
		t.Errorf("new audit id %d, want %d", auditID, want)
	}
}
