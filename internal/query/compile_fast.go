package query

import (
	"fmt"
	"strings"
	"time"
)

// fastCond translates a condition on a typed (non-JSON) column to native
// SQL where its semantics are exactly those of section 11.2. It reports
// false when kw_cond must do the work. A column always resolves, so the
// missing-key rule does not apply; only the value may be NULL.
func fastCond(col *Column, c *cond) (sqlExpr, bool) {
	if c.fold {
		return foldCond(col, c)
	}
	switch c.base {
	case opEq:
		return eqCond(col, c.y, false), true
	case opNe:
		return eqCond(col, c.y, true), true
	case opGt, opGe, opLt, opLe:
		return orderCond(col, c.base, c.y), true
	case opIn, opNin:
		return inCond(col, col.Expr, c.y, c.base == opNin), true
	case opRegexp:
		return regexpCond(col, c), true
	}
	y, ok := c.y.(string)
	if col.Type != Text || !ok {
		return sqlFalse, true // the operator needs a string x (or list) and y
	}
	switch c.base {
	case opRin:
		return expr(fmt.Sprintf("instr(%s, ?) > 0", col.Expr), y), true
	case opRnin:
		return expr(fmt.Sprintf("instr(%s, ?) = 0", col.Expr), y), true
	case opPrefix, opNotPrefix:
		return prefixCond(col, y, c.base == opNotPrefix), true
	}
	return sqlExpr{}, false
}

// isNull and notNull test a column for NULL, folded for NOT NULL columns.
func isNull(col *Column) sqlExpr {
	if !col.Nullable {
		return sqlFalse
	}
	return expr(col.Expr + " IS NULL")
}

func notNull(col *Column) sqlExpr {
	if !col.Nullable {
		return sqlTrue
	}
	return expr(col.Expr + " IS NOT NULL")
}

// eqArg returns the SQL argument equal to the stored form of y, or false
// when no value of the column can equal y. SQLite compares INTEGER with
// REAL exactly, so numbers pass as they are.
func eqArg(col *Column, y any) (any, bool) {
	switch col.Type {
	case Int, Float:
		if kindOf(y) == kindNumber {
			return y, true
		}
	case Text:
		s, ok := y.(string)
		return s, ok
	case Bool:
		if b, ok := y.(bool); ok {
			return boolInt(b), true
		}
	case DateTime:
		if t, ok := y.(time.Time); ok && t.Nanosecond()%int(time.Millisecond) == 0 {
			return t.UnixMilli(), true
		}
	}
	return nil, false
}

// eqCond compiles = (or != with neg): different types never equal, so !=
// holds for NULL and for every value when y cannot be stored.
func eqCond(col *Column, y any, neg bool) sqlExpr {
	if y == nil {
		if neg {
			return notNull(col)
		}
		return isNull(col)
	}
	arg, ok := eqArg(col, y)
	switch {
	case !ok && neg:
		return sqlTrue
	case !ok:
		return sqlFalse
	case neg && col.Nullable:
		return expr(col.Expr+" IS NOT ?", arg)
	case neg:
		return expr(col.Expr+" <> ?", arg)
	}
	return expr(col.Expr+" = ?", arg)
}

var sqlOps = map[opcode]string{opEq: "=", opGt: ">", opGe: ">=", opLt: "<", opLe: "<="}

// orderCond compiles > >= < <=, defined for number, string and date-time
// pairs only. A NULL column value makes the comparison NULL, i.e. false.
func orderCond(col *Column, op opcode, y any) sqlExpr {
	k := kindOf(y)
	switch {
	case (col.Type == Int || col.Type == Float) && k == kindNumber:
	case col.Type == Text && k == kindString:
	case col.Type == DateTime && k == kindTime:
		return timeOrderCond(col, op, y.(time.Time))
	default:
		return sqlFalse
	}
	return expr(col.Expr+" "+sqlOps[op]+" ?", y)
}

// timeOrderCond compares whole milliseconds with a date-time that may have
// a sub-millisecond part: for ms < y < ms+1, x > y is x > ms and x < y is
// x <= ms.
func timeOrderCond(col *Column, op opcode, y time.Time) sqlExpr {
	ms := y.UnixMilli()
	if y.Nanosecond()%int(time.Millisecond) != 0 {
		if op == opGt || op == opGe {
			op = opGt
		} else {
			op = opLe
		}
	}
	return expr(col.Expr+" "+sqlOps[op]+" ?", ms)
}

// inCond compiles in (or nin with neg) on x, the column expression or its
// folded form. A list y keeps the elements the column can hold; a string y
// tests substrings of text columns.
func inCond(col *Column, x string, y any, neg bool) sqlExpr {
	switch v := y.(type) {
	case []any:
		return inListCond(col, x, v, neg)
	case string:
		if col.Type != Text {
			return sqlFalse
		}
		if neg {
			return expr(fmt.Sprintf("instr(?, %s) = 0", x), v)
		}
		return expr(fmt.Sprintf("instr(?, %s) > 0", x), v)
	}
	return sqlFalse
}

func inListCond(col *Column, x string, list []any, neg bool) sqlExpr {
	var args []any
	hasNull := false
	for _, e := range list {
		if e == nil {
			hasNull = true
		} else if arg, ok := eqArg(col, e); ok {
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
		return join([]sqlExpr{in, isNull(col)}, " OR ", sqlFalse, sqlTrue)
	}
	return in
}
