package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlite"
)

// MustOpenDB returns an empty, migrated database in a temporary directory.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "keyward.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// benchUsers own the keys in turn; none of their names looks like a key's.
var benchUsers = []string{"admin", "Ci-Runner", "backup", "ØPS"}

// mustFill creates the users and n keys named key-000000, key-000001, ...,
// created one second apart, each owned by the next user in turn.
func mustFill(tb testing.TB, db *sqlite.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	ids := make([]int64, len(benchUsers))
	err := db.UpdateAccounts(ctx, func(tx keyward.AccountTx) error {
		for i, name := range benchUsers {
			u := &keyward.User{UID: int64(1000 + i), Username: name, FullName: name, GroupID: 1}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			ids[i] = u.ID
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err = db.UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		for i := range n {
			k := &keyward.APIKey{Name: fmt.Sprintf("key-%06d", i), UserID: ids[i%len(ids)], Hash: "h",
				CreatedAt: base.Add(time.Duration(i) * time.Second), SecretGen: 1}
			if err := tx.Create(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// searchFilters is the keys screen's search for text: a case-insensitive
// match at the start of the name or of the owner's username.
func searchFilters(tb testing.TB, text string) *query.Filter {
	tb.Helper()
	pattern := "(?i)" + text
	f, err := query.ParseFilters("filters", []any{[]any{"OR", []any{
		[]any{"name", "~", pattern}, []any{"username", "~", pattern},
	}}})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func mustOptions(tb testing.TB, text string) *query.Options {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		tb.Fatal(err)
	}
	for k, v := range m {
		if f, ok := v.(float64); ok {
			m[k] = json.Number(fmt.Sprint(f))
		}
	}
	o, err := query.ParseOptions("options", m)
	if err != nil {
		tb.Fatal(err)
	}
	return o
}

// BenchmarkSearch100k runs the keys screen's search on 100,000 keys: the
// count, and the first page of 50 by newest first. key-0001 matches 100
// keys, key-099999 one, none no key and key- every key.
func BenchmarkSearch100k(b *testing.B) {
	db := MustOpenDB(b)
	mustFill(b, db, 100000)
	view := keyward.KeyView{Redact: true}
	count := mustOptions(b, `{"count":true}`)
	page := mustOptions(b, `{"offset":0,"limit":50,"order_by":["-created_at"]}`)
	for _, text := range []string{`key-0001`, `KEY-099999`, `none`, `key-`} {
		f := searchFilters(b, text)
		for name, o := range map[string]*query.Options{"count": count, "page": page} {
			b.Run(text+"/"+name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.QueryKeys(context.Background(), view, f, o); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
