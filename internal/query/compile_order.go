package query

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// orderBy compiles the order_by keys followed by the default order.
//
// Typed columns sort natively: SQLite puts NULL first in ascending and last
// in descending order, which is "null is the smallest value", so a plain
// "<expr> DESC" is emitted and an index on the column stays usable. Only a
// nulls prefix that disagrees with that default adds an "(<expr> IS NULL)"
// key. Values inside JSON columns sort by kw_rank (the type order) and then
// kw_val (the value within its type).
func (t *Table) orderBy(o *Options) (string, []any) {
	var keys []string
	var args []any
	for _, k := range o.order {
		col, ok := t.column(k.path[0])
		rest := k.path[1:]
		if !ok || (len(rest) > 0 && col.Type != JSON) {
			continue // missing everywhere: every row ties
		}
		dir := ""
		if k.desc {
			dir = " DESC"
		}
		nullKey := (k.nulls == nullsFirst && k.desc) || (k.nulls == nullsLast && !k.desc)
		if col.Type != JSON {
			if constantInt(col.Expr) {
				continue // ORDER BY <integer> would name a result column
			}
			if nullKey && col.Nullable {
				keys = append(keys, nullsKey(fmt.Sprintf("(%s IS NULL)", col.Expr), k.nulls))
			}
			keys = append(keys, col.Expr+dir)
			continue
		}
		path := []byte(encodePath(rest))
		rank := fmt.Sprintf("kw_rank(?, %d, %s)", col.Type, col.funcArg())
		val := fmt.Sprintf("kw_val(?, %d, %s)", col.Type, col.funcArg())
		if nullKey {
			keys = append(keys, nullsKey("("+rank+" = 0)", k.nulls))
			args = append(args, path)
		}
		keys = append(keys, rank+dir, val+dir)
		args = append(args, path, path)
	}
	if t.DefaultOrder != "" {
		keys = append(keys, t.DefaultOrder)
	}
	return strings.Join(keys, ", "), args
}

// nullsKey orders by a "value is null" expression: true first for
// nulls_first, last for nulls_last.
func nullsKey(isNull string, n nulls) string {
	if n == nullsFirst {
		return isNull + " DESC"
	}
	return isNull
}

// constantInt reports whether expr is an integer literal.
func constantInt(expr string) bool {
	_, err := strconv.ParseInt(strings.TrimSpace(expr), 10, 64)
	return err == nil
}

func encodePath(path []string) string {
	if path == nil {
		path = []string{}
	}
	b, _ := json.Marshal(path)
	return string(b)
}
