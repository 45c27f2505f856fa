package sqlq_test

import (
	"encoding/json"
	"fmt"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlq"
)

// A store describes its table once, then compiles each query to one
// statement for its dialect, runs it, and hands the rows to Plan.Read.
func ExampleCompile() {
	table := &sqlq.Table{
		Columns: []sqlq.Column{
			{Name: "id", Expr: "k.id", Type: sqlq.Int},
			{Name: "name", Expr: "k.name", Type: sqlq.Text},
			{Name: "expires_at", Expr: "k.expires_at", Type: sqlq.DateTime, Nullable: true},
			{Name: "keyhash", Expr: "'********'", Type: sqlq.Text},
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
	for _, d := range []sqlq.Dialect{sqlq.SQLite, sqlq.PostgreSQL} {
		p, _ := sqlq.Compile(d, table, "api_key k", f, o)
		fmt.Println(p.SQL)
		fmt.Println(p.Args...)
	}
	p, _ := sqlq.Compile(sqlq.PostgreSQL, table, "api_key k", f, &query.Options{Count: true})
	fmt.Println(p.SQL)
	// Output:
	// SELECT k.id, k.name, k.expires_at, '********' FROM api_key k WHERE ((k.name >= ? AND k.name < ?) AND (k.expires_at IS NOT NULL)) ORDER BY (k.expires_at IS NULL) DESC, k.expires_at DESC, k.id LIMIT ? OFFSET ?
	// ci- ci. 50 0
	// SELECT k.id, k.name, k.expires_at, '********' FROM api_key k WHERE ((k.name COLLATE "C" >= $1 AND k.name COLLATE "C" < $2) AND (k.expires_at IS NOT NULL)) ORDER BY k.expires_at DESC NULLS FIRST, k.id LIMIT $3 OFFSET $4
	// ci- ci. 50 0
	// SELECT count(*) FROM api_key k WHERE ((k.name COLLATE "C" >= $1 AND k.name COLLATE "C" < $2) AND (k.expires_at IS NOT NULL))
}

// A store keeps folded copies of text columns (with Fold, on every write)
// and describes the table they come from with Join: the keys screen's
// case-insensitive search then reads one index per branch of its OR. The
// exact check, kw_regexp, still decides each row the ranges let through.
func ExampleColumn_fold() {
	table := &sqlq.Table{
		Columns: []sqlq.Column{
			{Name: "id", Expr: "k.id", Type: sqlq.Int},
			{Name: "name", Expr: "k.name", Type: sqlq.Text, Fold: "k.name_fold"},
			{Name: "username", Expr: "u.username", Type: sqlq.Text, Fold: "u.username_fold",
				Join: &sqlq.Join{Key: "k.user_id", From: "users u", ID: "u.id"}},
		},
		DefaultOrder: "k.id",
	}
	f, _ := query.ParseFilters("filters", []any{[]any{"OR", []any{
		[]any{"name", "~", `(?i)CI\.prod`},
		[]any{"username", "~", `(?i)CI\.prod`},
	}}})
	p, _ := sqlq.Compile(sqlq.SQLite, table, "api_keys k JOIN users u ON u.id = k.user_id", f, &query.Options{Count: true})
	fmt.Println(p.SQL)
	fmt.Printf("%q\n", p.Args)
	fmt.Println(query.Fold("\u212Aey-STRAẞE"))
	// Output:
	// SELECT count(*) FROM api_keys k JOIN users u ON u.id = k.user_id WHERE (((k.name_fold >= ? AND k.name_fold < ?) AND (kw_regexp(?, CAST(k.name AS BLOB)))) OR (k.user_id IN (SELECT u.id FROM users u WHERE (u.username_fold >= ? AND u.username_fold < ?) AND (kw_regexp(?, CAST(u.username AS BLOB))))))
	// ["ci.prod" "ci.proe" "(?i)CI\\.prod" "ci.prod" "ci.proe" "(?i)CI\\.prod"]
	// key-straße
}
