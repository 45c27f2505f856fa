package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/pgtest"
	"github.com/keyward/keyward/internal/postgres"
	"github.com/keyward/keyward/internal/query"
)

// benchUsers own the keys in turn; none of their names looks like a key's.
var benchUsers = []string{"admin", "Ci-Runner", "backup", "ØPS"}

// mustFill creates the users and n keys named key-000000, key-000001, ...,
// created one second apart, each owned by the next user in turn. The keys
// are inserted in one statement (the store's Create would take minutes).
func mustFill(tb testing.TB, url string, db *postgres.DB, n int) {
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
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	conn := mustConnect(tb, url)
	_, err = conn.Exec(ctx, `INSERT INTO api_keys (id, name, name_fold, user_id, keyhash, created_at)
		SELECT i + 1, format('key-%s', lpad(i::text, 6, '0')), format('key-%s', lpad(i::text, 6, '0')),
			($1::bigint[])[i % 4 + 1], 'h', $2::bigint + i * 1000
		FROM generate_series(0, $3::int - 1) AS i`, ids, base, n)
	if err == nil {
		_, err = conn.Exec(ctx, `UPDATE id_sequences SET last = $1 WHERE name = 'api_keys'`, n)
	}
	if err == nil {
		_, err = conn.Exec(ctx, `ANALYZE`)
	}
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

// screenCases are the keys screen's searches: key-0001 matches 100 keys,
// KEY-099999 one, none no key and key- every key.
var screenCases = map[string]int64{"key-0001": 100, "KEY-099999": 1, "none": 0, "key-": 100000, "ci-": 25000}

// TestKeysScreen100k runs the keys screen's query on 100,000 keys, checks
// its results and logs its p99 next to the targets of cluster.md 7 (page
// ≤ 25 ms, count ≤ 10 ms); keyward bench measures the figures, and
// KEYWARD_STRICT_FIGURES=1 makes a missed target fail here too.
func TestKeysScreen100k(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test fills a database with 100,000 keys (about a minute); run without -short for it")
	}
	url := pgtest.Fresh(t)
	db := MustOpen(t, url)
	mustFill(t, url, db, 100000)
	view := keyward.KeyView{Redact: true}
	count := mustOptions(t, `{"count":true}`)
	page := mustOptions(t, `{"offset":0,"limit":50,"order_by":["-created_at"]}`)
	for text, want := range screenCases {
		f := searchFilters(t, text)
		got, err := db.QueryKeys(context.Background(), view, f, count)
		if err != nil || got != want {
			t.Errorf("count of %s = %v, %v; want %d", text, got, err, want)
		}
		entries, err := db.QueryKeys(context.Background(), view, f, page)
		if list, _ := entries.([]any); err != nil || int64(len(list)) != min(want, 50) {
			t.Errorf("page of %s has %d entries (%v), want %d", text, len(list), err, min(want, 50))
		}
		for name, c := range map[string]struct {
			o   *query.Options
			max time.Duration
		}{"count": {count, 10 * time.Millisecond}, "page": {page, 25 * time.Millisecond}} {
			p99 := measure(t, func() error { _, err := db.QueryKeys(context.Background(), view, f, c.o); return err })
			t.Logf("%s %s: p99 %v (target %v)", text, name, p99, c.max)
			if p99 > c.max && os.Getenv("KEYWARD_STRICT_FIGURES") != "" {
				t.Errorf("%s %s: p99 %v, want ≤ %v", text, name, p99, c.max)
			}
		}
	}
}

// measure runs fn 100 times (after a warm-up) and returns the 99th
// percentile of its durations.
func measure(t *testing.T, fn func() error) time.Duration {
	var d []time.Duration
	for i := range 105 {
		start := time.Now()
		if err := fn(); err != nil {
			t.Fatal(err)
		}
		if i >= 5 {
			d = append(d, time.Since(start))
		}
	}
	slices.Sort(d)
	return d[len(d)*99/100]
}
