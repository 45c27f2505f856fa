package sqlq

import (
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/query"
)

// fastCond translates a condition on a typed (non-JSON) column to native
// SQL where its semantics are exactly those of section 11.2. It reports
// false when the generic form must do the work. A column always resolves,
// so the missing-key rule does not apply; only the value may be NULL.
func fastCond(d Dialect, col *Column, c query.Cond) (Expr, bool) {
	if !textArgs(d, c.Value()) {
		return unknown, true
	}
	if c.CaseFold() {
		return foldCond(d, col, c)
	}
	switch c.Op() {
	case query.OpEq:
		return eqCond(d, col, c.Value(), false), true
	case query.OpNe:
		return eqCond(d, col, c.Value(), true), true
	case query.OpGt, query.OpGe, query.OpLt, query.OpLe:
		return orderCond(d, col, c.Op(), c.Value()), true
	case query.OpIn, query.OpNin:
		return inCond(d, col, col.Expr, c.Value(), c.Op() == query.OpNin), true
	case query.OpRegexp:
		return regexpCond(d, col, c), true
	}
	y, ok := c.Value().(string)
	if col.Type != Text || !ok {
		return sqlFalse, true // the operator needs a string x (or list) and y
	}
	switch c.Op() {
	case query.OpRin, query.OpRnin:
		return d.Contains(col.Expr, y, c.Op() == query.OpRnin), true
	case query.OpPrefix, query.OpNotPrefix:
		return prefixCond(d, col, y, c.Op() == query.OpNotPrefix), true
	}
	return d.Suffix(col.Expr, y, c.Op() == query.OpNotSuffix)
}

// textArgs reports whether every string in y can be a text argument.
func textArgs(d Dialect, y any) bool {
	switch v := y.(type) {
	case string:
		return d.TextArg(v)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && !d.TextArg(s) {
				return false
			}
		}
	}
	return true
}

// isNull and notNull test a column for NULL, folded for NOT NULL columns.
func isNull(col *Column) Expr {
	if !col.Nullable {
		return sqlFalse
	}
	return expr(col.Expr + " IS NULL")
}

func notNull(col *Column) Expr {
	if !col.Nullable {
		return sqlTrue
	}
	return expr(col.Expr + " IS NOT NULL")
}

// eqCond compiles = (or != with neg): different types never equal, so !=
// holds for NULL and for every value when y cannot be stored.
func eqCond(d Dialect, col *Column, y any, neg bool) Expr {
	if y == nil {
		if neg {
			return notNull(col)
		}
		return isNull(col)
	}
	arg, ok := d.Arg(col.Type, y)
	switch {
	case !ok && neg:
		return sqlTrue
	case !ok:
		return sqlFalse
	case neg && col.Nullable:
		return expr(d.IsNot(col.Expr), arg)
	case neg:
		return expr(col.Expr+" <> ?", arg)
	}
	return expr(col.Expr+" = ?", arg)
}

var sqlOps = map[query.Operator]string{query.OpEq: "=", query.OpGt: ">", query.OpGe: ">=", query.OpLt: "<", query.OpLe: "<="}

// orderCond compiles > >= < <=, defined for number, string and date-time
// pairs only. A NULL column value makes the comparison NULL, i.e. false.
func orderCond(d Dialect, col *Column, op query.Operator, y any) Expr {
	switch v := y.(type) {
	case int64, float64:
		if col.Type != Int && col.Type != Float {
			return sqlFalse
		}
		if e, ok := d.NumberOrder(col.Type, col.Expr, op, y); ok {
			return e
		}
		return unknown
	case string:
		if col.Type != Text {
			return sqlFalse
		}
		return expr(d.Text(col.Expr)+" "+sqlOps[op]+" ?", v)
	case time.Time:
		if col.Type != DateTime {
			return sqlFalse
		}
		return timeOrderCond(col, op, v)
	}
	return sqlFalse
}

// timeOrderCond compares whole milliseconds with a date-time that may have
// a sub-millisecond part: for ms < y < ms+1, x > y is x > ms and x < y is
// x <= ms.
func timeOrderCond(col *Column, op query.Operator, y time.Time) Expr {
	ms := y.UnixMilli()
	if y.Nanosecond()%int(time.Millisecond) != 0 {
		if op == query.OpGt || op == query.OpGe {
			op = query.OpGt
		} else {
			op = query.OpLe
		}
	}
	return expr(col.Expr+" "+sqlOps[op]+" ?", ms)
}

// inCond compiles in (or nin with neg) on x, the column expression or its
// folded form. A list y keeps the elements the column can hold; a string y
// tests substrings of text columns.
func inCond(d Dialect, col *Column, x string, y any, neg bool) Expr {
	switch v := y.(type) {
	case []any:
		return inListCond(d, col, x, v, neg)
	case string:
		if col.Type != Text {
			return sqlFalse
		}
		return d.Within(x, v, neg)
	}
	return sqlFalse
}

func inListCond(d Dialect, col *Column, x string, list []any, neg bool) Expr {
	var args []any
	hasNull := false
	for _, e := range list {
		if e == nil {
			hasNull = true
		} else if arg, ok := d.Arg(col.Type, e); ok {
			args = append(args, arg)
		}
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	switch {
	case neg && len(args) == 0:
		return notNull(col) // a null x makes nin false
	case neg:
		return expr(fmt.Sprintf("%s NOT IN (%s)", x, marks), args...)
	case len(args) == 0 && hasNull:
		return isNull(col)
	case len(args) == 0:
		return sqlFalse
	}
	in := expr(fmt.Sprintf("%s IN (%s)", x, marks), args...)
	if hasNull && col.Nullable {
		return join([]Expr{in, isNull(col)}, " OR ", sqlFalse, sqlTrue)
	}
	return in
}
