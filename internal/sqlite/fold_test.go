package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlite"
	"github.com/keyward/keyward/internal/sqlq"
	"github.com/keyward/keyward/internal/sqltest"
)

// Usernames and key names whose case variants fold in tricky ways (see
// internal/query's fold tests), and search texts for them.
var (
	foldUsers = []string{"admin", "\u212Aelvin", "İsmail", "ſam", "ΣΑΣ", "𐐀dmin"}
	foldKeys  = []string{"key-0001", "KEY-0002", "\u212Aey-0003", "straße", "STRAẞE", "İstanbul", "ıstanbul",
		"ΣΊΣΥΦΟΣ", "ς-final", "𐐀𐐁", "Ⱥ-grow", "ci.prod", "CI.PROD", "ci-prod", "µ-micro", "a\x00b"}
	foldProbes = []string{"k", "K", "\u212A", "KEY-000", "ci.", "CI.P", "straß", "STRAẞ", "i", "I", "İ", "ı",
		"σ", "Σ", "ς", "𐐨", "ⱥ", "Μ", "a\x00", "adm", "ſ", "S", "kelvin", "ADMİN", "Key-ẞ"}
)

var allFields = keyward.KeyView{Redact: true}

// searchFilterList returns the case-insensitive conditions on text p that
// the folded copies serve.
func searchFilterList(p string) [][]any {
	q := "(?i)" + regexp.QuoteMeta(p)
	return [][]any{
		{[]any{"OR", []any{[]any{"name", "~", q}, []any{"username", "~", q}}}},
		{[]any{"name", "~", q + ".*"}}, {[]any{"username", "~", q}},
		{[]any{"name", "C^", p}}, {[]any{"username", "C^", p}},
		{[]any{"name", "C=", p}}, {[]any{"username", "C=", p}}, {[]any{"name", "Cin", []any{p}}},
	}
}

// checkSearches compares QueryKeys with the same queries run in memory on
// every key, for every probe.
func checkSearches(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	all, err := db.QueryKeys(ctx, allFields, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var entries []map[string]any
	for _, e := range all.([]any) {
		entries = append(entries, e.(map[string]any))
	}
	for _, p := range foldProbes {
		for _, filters := range searchFilterList(p) {
			f, err := query.ParseFilters("filters", filters)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := query.Run(entries, f, nil)
			got, err := db.QueryKeys(ctx, allFields, f, nil)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%q:\n got %v %v\nwant %v", filters, got, err, want)
			}
		}
	}
}

// TestQueryKeysFold checks searches after keys and users are created and
// renamed: every write keeps the folded copies.
func TestQueryKeysFold(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	var users []*keyward.User
	err := db.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		for i, name := range foldUsers {
			u := &keyward.User{UID: int64(2000 + i), Username: name, FullName: name, GroupID: 1}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			users = append(users, u)
		}
		users[0].Username = "ADMİN"
		return tx.UpdateUser(ctx, users[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		for i, name := range foldKeys {
			k := &keyward.APIKey{Name: name, UserID: users[i%len(users)].ID, Hash: "h", CreatedAt: time.Now()}
			if err := tx.Create(ctx, k); err != nil {
				return err
			}
		}
		k, err := tx.Find(ctx, 1)
		if err != nil {
			return err
		}
		k.Name = "Key-ẞ"
		return tx.Update(ctx, k)
	})
	if err != nil {
		t.Fatal(err)
	}
	checkSearches(t, db)
}

// TestMigrateFold opens a database of schema version 3 holding keys and
// users: migration 4 fills the folded copies.
func TestMigrateFold(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keyward.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, raw, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
		applied_at INTEGER NOT NULL)`)
	files, _ := filepath.Glob("migrations/000[123]_*.sql")
	for i, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, raw, string(body))
		mustExec(t, raw, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, i+1, filepath.Base(file))
	}
	for i, name := range foldUsers {
		mustExec(t, raw, `INSERT INTO users (id, uid, username, full_name, group_id, created_at) VALUES (?, ?, ?, '', 1, 0)`,
			i+1, 2000+i, name)
	}
	for i, name := range foldKeys {
		mustExec(t, raw, `INSERT INTO api_keys (name, user_id, keyhash, created_at) VALUES (?, ?, 'h', 0)`,
			name, i%len(foldUsers)+1)
	}
	raw.Close()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkSearches(t, db)
	checkFolded(t, path, `SELECT name, name_fold FROM api_keys`)
	checkFolded(t, path, `SELECT username, username_fold FROM users`)
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// checkFolded checks that each row of q, a value and its folded copy, has
// the copy query.Fold gives.
func checkFolded(t *testing.T, path, q string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for ; rows.Next(); n++ {
		var v, folded string
		if err := rows.Scan(&v, &folded); err != nil {
			t.Fatal(err)
		}
		if folded != query.Fold(v) {
			t.Errorf("%s: %q folded to %q, want %q", q, v, folded, query.Fold(v))
		}
	}
	if n == 0 {
		t.Errorf("%s: no rows", q)
	}
}

// TestKeySearchIndexUse checks the plans of the keys screen's search: each
// branch of the OR reads an index, the username through the users.
func TestKeySearchIndexUse(t *testing.T) {
	db := MustOpenDB(t)
	mustFill(t, db, 100)
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	table := sqlite.KeyTable(allFields)
	const from = "api_keys k JOIN users u ON u.id = k.user_id"
	nameRange := "SEARCH k USING INDEX api_keys_name_fold (name_fold>? AND name_fold<?)"
	for _, tc := range []struct {
		filter  *query.Filter
		options string
		want    []string
	}{
		{searchFilters(t, `ci\.prod`), `{"count":true}`, []string{"MULTI-INDEX OR", nameRange,
			"SEARCH u USING INDEX users_username_fold (username_fold>? AND username_fold<?)",
			"SEARCH k USING INDEX api_keys_user (user_id=?)"}},
		{searchFilters(t, `key-0001`), `{"offset":0,"limit":50,"order_by":["-created_at"]}`, []string{"MULTI-INDEX OR", nameRange}},
		{mustFilter(t, []any{"name", "C^", "KEY-00"}), `{"limit":50,"order_by":["-created_at"]}`, []string{nameRange}},
		{mustFilter(t, []any{"name", "~", "(?i)KEY-00"}), `{"count":true}`, []string{nameRange}},
	} {
		p, err := sqlq.Compile(sqlq.SQLite, table, from, tc.filter, mustOptions(t, tc.options))
		if err != nil {
			t.Fatal(err)
		}
		q := p.SQL
		plan := sqltest.QueryPlan(t, raw, q, p.Args)
		for _, want := range tc.want {
			if !strings.Contains(plan, want) {
				t.Errorf("%s: plan\n%s\nwant %q", q, plan, want)
			}
		}
	}
}

func mustFilter(t *testing.T, conds ...any) *query.Filter {
	t.Helper()
	f, err := query.ParseFilters("filters", conds)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
