package query_test

import (
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward/internal/query"
)

// A store describes its table once, then compiles each query into the
// fragments of its SELECT and splices them in.
func ExampleTable_Compile() {
	table := &query.Table{
		Columns: []query.Column{
			{Name: "id", Expr: "k.id", Type: query.Int},
			{Name: "name", Expr: "k.name", Type: query.Text},
			{Name: "expires_at", Expr: "k.expires_at", Type: query.DateTime, Nullable: true},
			{Name: "keyhash", Expr: "'********'", Type: query.Text},
		},
		DefaultOrder: "k.id",
	}
	f, _ := query.ParseFilters("filters", []any{
		[]any{"name", "^", "ci-"},
		[]any{"expires_at", "!=", nil},
	})
	o, _ := query.ParseOptions("options", map[string]any{
		"order_by": []any{"nulls_first:-expires_at"},
		"limit":    json.Number("50"),
	})
	st, _ := table.Compile(f, o)
	q, args := st.SelectSQL(table.SelectList(), "api_key k")
	fmt.Println(q)
	fmt.Println(args...)
	q, args = st.CountSQL("api_key k")
	fmt.Println(q)
	fmt.Println(args...)
	// Output:
	// SELECT k.id, k.name, k.expires_at, '********' FROM api_key k WHERE ((k.name >= ? AND k.name < ?) AND (k.expires_at IS NOT NULL)) ORDER BY (k.expires_at IS NULL) DESC, k.expires_at DESC, k.id LIMIT ? OFFSET ?
	// ci- ci. 50 0
	// SELECT count(*) FROM api_key k WHERE ((k.name >= ? AND k.name < ?) AND (k.expires_at IS NOT NULL))
	// ci- ci.
}

// A store keeps folded copies of text columns (with Fold, on every write)
// and describes the table they come from with Join: the keys screen's
// case-insensitive search then reads one index per branch of its OR. The
// exact check, kw_regexp, still decides each row the ranges let through.
func ExampleColumn_fold() {
	table := &query.Table{
		Columns: []query.Column{
			{Name: "id", Expr: "k.id", Type: query.Int},
			{Name: "name", Expr: "k.name", Type: query.Text, Fold: "k.name_fold"},
			{Name: "username", Expr: "u.username", Type: query.Text, Fold: "u.username_fold",
				Join: &query.Join{Key: "k.user_id", From: "users u", ID: "u.id"}},
		},
		DefaultOrder: "k.id",
	}
	f, _ := query.ParseFilters("filters", []any{[]any{"OR", []any{
		[]any{"name", "~", `(?i)CI\.prod`},
		[]any{"username", "~", `(?i)CI\.prod`},
	}}})
	st, _ := table.Compile(f, &query.Options{Count: true})
	q, args := st.CountSQL("api_keys k JOIN users u ON u.id = k.user_id")
	fmt.Println(q)
	fmt.Printf("%q\n", args)
	fmt.Println(query.Fold("\u212Aey-STRAẞE"))
	// Output:
	// SELECT count(*) FROM api_keys k JOIN users u ON u.id = k.user_id WHERE (((k.name_fold >= ? AND k.name_fold < ?) AND (kw_regexp(?, CAST(k.name AS BLOB)))) OR (k.user_id IN (SELECT u.id FROM users u WHERE (u.username_fold >= ? AND u.username_fold < ?) AND (kw_regexp(?, CAST(u.username AS BLOB))))))
	// ["ci.prod" "ci.proe" "(?i)CI\\.prod" "ci.prod" "ci.proe" "(?i)CI\\.prod"]
	// key-straße
}
