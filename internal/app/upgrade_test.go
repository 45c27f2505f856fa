package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/keys"
	"github.com/keyward/keyward/internal/password"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlite"
)

// oldData is what a server of an older schema version left in its data
// directory: rows written with that version's tables and columns only.
type oldData struct {
	version  int
	pepper   keys.Pepper
	keys     map[string]string // raw key by key name; revoked ones excluded
	auditIDs []string
}

// mustOldDataDir makes a data directory whose database has only the first
// version migrations (the real migration files) and fills it through SQL as
// that version's server would have: users with argon2id password hashes and
// memberships (0001), audit records (0002), API keys hashed with the
// pepper in the pepper file (0003), with folded names from 0004 on.
func mustOldDataDir(t *testing.T, dir string, version int) *oldData {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "keyward.db")
	if err := sqlite.CreateAt(context.Background(), path, version); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := &oldData{version: version, pepper: keys.Generate(), keys: map[string]string{}}
	d.addUsers(t, db)
	if version >= 2 {
		d.addAudit(t, db)
	}
	if version >= 3 {
		if err := keys.WriteFile(filepath.Join(dir, "pepper"), d.pepper); err != nil {
			t.Fatal(err)
		}
		d.addKeys(t, db)
	}
	return d
}

// mustSQL runs one statement.
func mustSQL(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// fold returns the folded-column assignment a version from 0004 on wrote.
func (d *oldData) fold(col, value string) (string, []any) {
	if d.version < 4 {
		return "", nil
	}
	return ", " + col + "_fold", []any{query.Fold(value)}
}

// addUsers adds the administrator (group admin, member of
// builtin_administrators) and bob (member of the read-only administrators).
func (d *oldData) addUsers(t *testing.T, db *sql.DB) {
	h := password.NewHasher(apptest.FastArgon2)
	created := time.Now().Add(-time.Hour).UnixMilli()
	mustSQL(t, db, `INSERT INTO groups (id, gid, name) VALUES (10, 950, 'admin'), (11, 3000, 'bob')`)
	for _, u := range []struct {
		id, uid, group, member int64
		name, full             string
	}{{20, 950, 10, 1, "admin", "Local Administrator"}, {21, 3000, 11, 2, "bob", "Bob Old"}} {
		col, arg := d.fold("username", u.name)
		mustSQL(t, db, `INSERT INTO users (id, uid, username, full_name, password_hash, group_id, created_at`+col+`)
			VALUES (?, ?, ?, ?, ?, ?, ?`+strings.Repeat(", ?", len(arg))+`)`,
			append([]any{u.id, u.uid, u.name, u.full, h.Hash("pw-" + u.name), u.group, created}, arg...)...)
		mustSQL(t, db, `INSERT INTO user_groups (user_id, group_id) VALUES (?, ?)`, u.id, u.member)
	}
}

func (d *oldData) addAudit(t *testing.T, db *sql.DB) {
	for i, event := range []string{"AUTHENTICATION", "METHOD_CALL"} {
		id := fmt.Sprintf("0e3c5a1e-0000-4000-8000-00000000000%d", i)
		now := time.Now().Add(-time.Minute)
		mustSQL(t, db, `INSERT INTO audit (audit_id, message_timestamp, timestamp, address, username, session,
			service, service_data, event, event_data, success) VALUES (?, ?, ?, '127.0.0.1', 'admin', NULL,
			'MIDDLEWARE', '{"vers":{"major":0,"minor":1},"origin":"127.0.0.1","protocol":"WEBSOCKET"}', ?, ?, 1)`,
			id, now.Unix(), now.UnixMilli(), event, fmt.Sprintf(`{"description":"old record %d"}`, i))
		d.auditIDs = append(d.auditIDs, id)
	}
}

func (d *oldData) addKeys(t *testing.T, db *sql.DB) {
	for i, k := range []struct {
		name    string
		user    int64
		revoked bool
	}{{"Admin-Key", 20, false}, {"bob-key", 21, false}, {"bob-revoked", 21, true}} {
		id := int64(100 + i)
		secret := keys.NewSecret()
		col, arg := d.fold("name", k.name)
		mustSQL(t, db, `INSERT INTO api_keys (id, name, user_id, keyhash, created_at, revoked`+col+`)
			VALUES (?, ?, ?, ?, ?, ?`+strings.Repeat(", ?", len(arg))+`)`,
			append([]any{id, k.name, k.user, keys.Hash(d.pepper, secret), time.Now().UnixMilli(), k.revoked}, arg...)...)
		if !k.revoked {
			d.keys[k.name] = fmt.Sprintf("%d-%s", id, secret)
		}
	}
}

// TestUpgrade starts the current server on a data directory left by each
// older schema version and checks that nothing was lost: users log in
// with their passwords and keep their roles, keys log in with their raw
// keys, revoked keys stay refused, audit records are found, and searches
// over folded names find the old rows.
func TestUpgrade(t *testing.T) {
	for v := 1; v < sqlite.SchemaVersion(); v++ {
		t.Run(fmt.Sprintf("OKFrom%d", v), func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "data")
			d := mustOldDataDir(t, dir, v)
			srv := apptest.MustStart(t, apptest.InDir(dir))
			if resp, err := http.Get(srv.URL("/readyz")); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("readyz after the upgrade: %v %v", resp, err)
			}
			admin := apptest.MustDial(t, srv.WSURL("current"))
			admin.MustLogin("admin", "pw-admin")
			checkOldUsers(t, srv, admin)
			if v >= 2 {
				checkOldAudit(t, admin, d.auditIDs)
			}
			if v >= 3 {
				checkOldKeys(t, srv, admin, d)
			}
		})
	}
}

func checkOldUsers(t *testing.T, srv *apptest.Server, admin *apptest.Client) {
	t.Helper()
	want := map[string]string{
		"admin": `{"full_name":"Local Administrator","locked":false,"roles":["FULL_ADMIN"],"uid":950}`,
		"bob":   `{"full_name":"Bob Old","locked":false,"roles":["READONLY_ADMIN"],"uid":3000}`,
	}
	for name, w := range want {
		got := admin.MustResult("user.query", []any{[]any{"username", "C=", strings.ToUpper(name)}},
			map[string]any{"get": true, "select": []any{"uid", "full_name", "locked", "roles"}})
		if apptest.String(got) != w {
			t.Fatalf("user %s: %s, want %s", name, apptest.String(got), w)
		}
	}
	apptest.MustDial(t, srv.WSURL("current")).MustLogin("bob", "pw-bob")
}

func checkOldAudit(t *testing.T, admin *apptest.Client, ids []string) {
	t.Helper()
	for i, id := range ids {
		got := admin.MustResult("audit.query", map[string]any{"query-filters": []any{[]any{"audit_id", "=", id}},
			"query-options": map[string]any{"get": true, "select": []any{"username", "event_data", "success"}}})
		want := fmt.Sprintf(`{"event_data":{"description":"old record %d"},"success":true,"username":"admin"}`, i)
		if apptest.String(got) != want {
			t.Fatalf("audit record %s: %s, want %s", id, apptest.String(got), want)
		}
	}
}

func checkOldKeys(t *testing.T, srv *apptest.Server, admin *apptest.Client, d *oldData) {
	t.Helper()
	owners := map[string]string{"Admin-Key": "admin", "bob-key": "bob"}
	for name, raw := range d.keys {
		if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin(owners[name], raw); got != "SUCCESS" {
			t.Fatalf("key %s: login %s", name, got)
		}
	}
	revoked := admin.MustResult("api_key.query", []any{[]any{"name", "=", "bob-revoked"}},
		map[string]any{"get": true, "select": []any{"revoked", "username"}})
	if apptest.String(revoked) != `{"revoked":true,"username":"bob"}` {
		t.Fatalf("revoked key: %s", apptest.String(revoked))
	}
	n := admin.MustResult("api_key.query", []any{[]any{"name", "C^", "ADMIN-"}}, map[string]any{"count": true})
	if apptest.String(n) != "1" {
		t.Fatalf("case-insensitive search over old key names: %s", apptest.String(n))
	}
}

// TestUpgradeConcurrentStarts starts two servers at once on a data
// directory of schema version 3: both wait for the one that migrates, and
// each migration is recorded once.
func TestUpgradeConcurrentStarts(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	d := mustOldDataDir(t, dir, 3)
	errs := make(chan error, 2)
	for range 2 {
		go func() { _, err := apptest.StartErr(dir); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent start: %v", err)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "keyward.db"))
	if err != nil {
		t.Fatal(err)
	}
	var n, top int
	err = db.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &top)
	db.Close()
	if err != nil || n != sqlite.SchemaVersion() || top != n {
		t.Fatalf("schema_migrations: %d rows up to %d (%v), want %d", n, top, err, sqlite.SchemaVersion())
	}
	srv := apptest.MustStart(t, apptest.InDir(dir))
	admin := apptest.MustDial(t, srv.WSURL("current"))
	admin.MustLogin("admin", "pw-admin")
	checkOldKeys(t, srv, admin, d)
}

// TestUpgradeRefusesNewerSchema starts a server on a database a newer
// Keyward migrated further: it refuses, naming both schema versions.
func TestUpgradeRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	mustOldDataDir(t, dir, sqlite.SchemaVersion())
	db, err := sql.Open("sqlite", filepath.Join(dir, "keyward.db"))
	if err != nil {
		t.Fatal(err)
	}
	future := sqlite.SchemaVersion() + 1
	mustSQL(t, db, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, future, fmt.Sprintf("%04d_future.sql", future))
	db.Close()
	_, err = apptest.StartErr(dir)
	want := fmt.Sprintf("written by a newer Keyward (schema version %d; this one knows up to %d)", future, sqlite.SchemaVersion())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("start on a newer database: %v, want %q", err, want)
	}
}
