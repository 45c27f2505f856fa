package sqlq

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyward/keyward/internal/query"
)

// orderBy compiles the order_by keys followed by the default order. It
// reports true when the dialect cannot sort by a key: Go must then sort,
// and the SQL gives the default order only.
func (t *Table) orderBy(d Dialect, o *query.Options) (string, []any, bool) {
	var keys []string
	var args []any
	for _, k := range o.OrderKeys() {
		col, ok := t.column(k.Path[0])
		rest := k.Path[1:]
		if !ok || (len(rest) > 0 && col.Type != JSON) || constant(col.Expr) {
			continue // the same value on every row: every row ties
		}
		terms, targs, ok := d.Order(col, rest, k)
		if !ok {
			return t.DefaultOrder, nil, true
		}
		keys, args = append(keys, terms...), append(args, targs...)
	}
	if t.DefaultOrder != "" {
		keys = append(keys, t.DefaultOrder)
	}
	return strings.Join(keys, ", "), args, false
}

// nullsFirst reports whether key k puts nulls first: by its prefix, else
// as the smallest value.
func nullsFirst(k query.OrderKey) bool {
	return k.NullsFirst || (!k.NullsLast && !k.Desc)
}

// direction is " DESC" for a descending key.
func direction(k query.OrderKey) string {
	if k.Desc {
		return " DESC"
	}
	return ""
}

// constant reports whether expr is an integer or string literal, which
// ORDER BY must not name: SQLite reads an integer as a result column and
// PostgreSQL refuses other constants.
func constant(expr string) bool {
	e := strings.TrimSpace(expr)
	if _, err := strconv.ParseInt(e, 10, 64); err == nil {
		return true
	}
	return len(e) >= 2 && e[0] == '\'' && e[len(e)-1] == '\'' && !strings.Contains(e[1:len(e)-1], "'")
}

// encodePath is the text form of a path passed to an SQL function.
func encodePath(path []string) string {
	if path == nil {
		path = []string{}
	}
	b, _ := json.Marshal(path)
	return string(b)
}

// sqliteOrder is SQLite's Dialect.Order. Typed columns sort natively:
// SQLite puts NULL first in ascending and last in descending order, which
// is "null is the smallest value", so a plain "<expr> DESC" is emitted and
// an index on the column stays usable. Only a nulls prefix that disagrees
// with that default adds an "(<expr> IS NULL)" key. Values inside JSON
// columns sort by kw_rank (the type order) and then kw_val (the value
// within its type).
func sqliteOrder(col *Column, rest []string, k query.OrderKey) ([]string, []any) {
	dir := direction(k)
	nullKey := nullsFirst(k) == k.Desc
	var keys []string
	if col.Type != JSON {
		if nullKey && col.Nullable {
			keys = append(keys, nullsKey(fmt.Sprintf("(%s IS NULL)", col.Expr), nullsFirst(k)))
		}
		return append(keys, col.Expr+dir), nil
	}
	var args []any
	path := []byte(encodePath(rest))
	rank := fmt.Sprintf("kw_rank(?, %d, %s)", col.Type, blobArg(col))
	val := fmt.Sprintf("kw_val(?, %d, %s)", col.Type, blobArg(col))
	if nullKey {
		keys = append(keys, nullsKey("("+rank+" = 0)", nullsFirst(k)))
		args = append(args, path)
	}
	return append(keys, rank+dir, val+dir), append(args, path, path)
}

// nullsKey orders by a "value is null" expression: true first when first.
func nullsKey(isNull string, first bool) string {
	if first {
		return isNull + " DESC"
	}
	return isNull
}
