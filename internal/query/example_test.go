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
