package sqlq

import (
	"encoding/json"
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

// nullsKey orders by a "value is null" expression: true first when first.
func nullsKey(isNull string, first bool) string {
	if first {
		return isNull + " DESC"
	}
	return isNull
}
