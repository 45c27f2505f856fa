package query

import (
	"fmt"
	"regexp"
)

// prefixCond compiles ^ (or !^ with neg) on a text column as a range that
// an index on the column can serve: x starts with p exactly when
// p <= x < p', p' being the least byte string above every string that
// starts with p.
func prefixCond(col *Column, p string, neg bool) sqlExpr {
	x := col.Expr
	if p == "" {
		if neg {
			return sqlFalse
		}
		return notNull(col)
	}
	hi, ok := prefixEnd(p)
	switch {
	case neg && ok:
		return expr(fmt.Sprintf("%s < ? OR %s >= ?", x, x), p, hi)
	case neg:
		return expr(x+" < ?", p)
	case ok:
		return expr(fmt.Sprintf("%s >= ? AND %s < ?", x, x), p, hi)
	}
	return expr(x+" >= ?", p)
}

// prefixEnd returns the least string greater than all strings starting
// with p, or false when there is none.
func prefixEnd(p string) (string, bool) {
	b := []byte(p)
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "", false
	}
	b[len(b)-1]++
	return string(b), true
}

// regexpCond compiles ~. On a text column the pattern runs in kw_regexp,
// narrowed by a range on the literal prefix every match starts with, so
// that an index can serve it. Other columns hold no strings: only a NULL
// (matched as "") can match.
func regexpCond(col *Column, c *cond) sqlExpr {
	pattern := c.y.(string)
	if col.Type != Text {
		if c.re.MatchString("") {
			return isNull(col)
		}
		return sqlFalse
	}
	match := expr(fmt.Sprintf("kw_regexp(?, %s)", col.funcArg()), []byte(pattern))
	prefix, _ := regexp.MustCompile(pattern).LiteralPrefix()
	if prefix == "" {
		return match
	}
	return join([]sqlExpr{prefixCond(col, prefix, false), match}, " AND ", sqlTrue, sqlFalse)
}

// foldCond compiles the C operators. Only a text column holds strings;
// kw_fold gives the folded value and y is folded already.
func foldCond(col *Column, c *cond) (sqlExpr, bool) {
	if col.Type != Text || !c.foldable {
		return sqlFalse, true
	}
	x := fmt.Sprintf("kw_fold(%s)", col.funcArg())
	y, isString := c.y.(string)
	switch c.base {
	case opEq, opGt, opGe, opLt, opLe:
		if !isString {
			return sqlFalse, true // a string never equals or orders with a list
		}
		return expr(x+" "+sqlOps[c.base]+" ?", y), true
	case opNe:
		if !isString {
			return notNull(col), true
		}
		return expr(x+" <> ?", y), true
	case opIn, opNin:
		return inCond(col, x, c.y, c.base == opNin), true
	case opRin, opRnin:
		if !isString {
			return sqlFalse, true
		}
		if c.base == opRnin {
			return expr(fmt.Sprintf("instr(%s, ?) = 0", x), y), true
		}
		return expr(fmt.Sprintf("instr(%s, ?) > 0", x), y), true
	}
	return sqlExpr{}, false
}
