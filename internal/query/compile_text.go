package query

import (
	"fmt"
	"regexp"
	"unicode/utf8"
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
// narrowed by a range that an index can serve: on the literal prefix every
// match starts with, or, when the column has a Fold copy and it gives a
// longer prefix (as for "(?i)ci-"), on the folded literal prefix. Other
// columns hold no strings: only a NULL (matched as "") can match.
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
	if col.Fold != "" {
		if index, ok := foldRegexpIndex(col, pattern, utf8.RuneCountInString(prefix)); ok {
			return narrowed(index, match)
		}
	}
	if prefix == "" {
		return match
	}
	return narrowed(prefixCond(col, prefix, false), match)
}

// foldCond compiles the C operators. Only a text column holds strings.
// On a column with a Fold copy, C=, Cin and C^ are narrowed by an
// equality or range on the copy.
func foldCond(col *Column, c *cond) (sqlExpr, bool) {
	if col.Type != Text || !c.foldable {
		return sqlFalse, true
	}
	exact, ok := foldExact(col, c)
	if col.Fold == "" {
		return exact, ok
	}
	index, narrows := foldIndex(col, c)
	if !narrows {
		return exact, ok
	}
	if !ok {
		exact = genericCond(col, c, nil)
	}
	return narrowed(index, exact), true
}

// foldExact compiles a C operator on a text column exactly: kw_fold gives
// the folded value and y is folded already. It reports false when kw_cond
// must do the work.
func foldExact(col *Column, c *cond) (sqlExpr, bool) {
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
