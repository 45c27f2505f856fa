package sqlq

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/query"
)

// prefixCond compiles ^ (or !^ with neg) on a text column as a range that
// an index on the column can serve: x starts with p exactly when
// p <= x < p', p' being the least text above every text that starts with
// p (Dialect.PrefixEnd).
func prefixCond(d Dialect, col *Column, p string, neg bool) Expr {
	x := d.Text(col.Expr)
	if p == "" {
		if neg {
			return sqlFalse
		}
		return notNull(col)
	}
	hi, ok := d.PrefixEnd(p)
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

// regexpCond compiles ~. On a text column the dialect runs the pattern
// (or Go does), narrowed by a range that an index can serve: on the
// literal prefix every match starts with, or, when the column has a Fold
// copy and it gives a longer prefix (as for "(?i)ci-"), on the folded
// literal prefix. Other columns hold no strings: only a NULL (matched as
// "") can match.
func regexpCond(d Dialect, col *Column, c query.Cond) Expr {
	pattern := c.Value().(string)
	if col.Type != Text {
		if c.Regexp().MatchString("") {
			return isNull(col)
		}
		return sqlFalse
	}
	match, ok := d.Regexp(col, pattern)
	if !ok {
		match = unknown
	}
	prefix, _ := regexp.MustCompile(pattern).LiteralPrefix()
	if col.Fold != "" {
		if index, ok := foldRegexpIndex(d, col, pattern, utf8.RuneCountInString(prefix)); ok {
			return narrowed(index, match)
		}
	}
	if prefix == "" {
		return match
	}
	return narrowed(prefixCond(d, col, prefix, false), match)
}

// foldCond compiles the C operators. Only a text column holds strings.
// Where the dialect folds with an expression (SQLite's kw_fold), C=, Cin
// and C^ on a column with a Fold copy are narrowed by an equality or range
// on the copy; where it reads the copy itself (PostgreSQL), conditions on
// the copy are exact and an index on it serves them.
func foldCond(d Dialect, col *Column, c query.Cond) (Expr, bool) {
	if col.Type != Text || !c.Foldable() {
		return sqlFalse, true
	}
	x, plain, ok := d.Fold(col)
	if !ok {
		return unknown, true
	}
	exact, ok := foldExact(d, col, x, plain, c)
	if plain {
		return exact, ok
	}
	if col.Fold == "" {
		return exact, ok
	}
	index, narrows := foldIndex(d, col, c)
	if !narrows {
		return exact, ok
	}
	if !ok {
		exact = genericCond(d, col, c, nil)
	}
	return narrowed(index, exact), true
}

// foldExact compiles a C operator on a text column exactly: x gives the
// folded value and y is folded already. It reports false when the generic
// form must do the work. On a plain column (x is the Fold copy) every
// operator is native, and those an index serves are marked narrowed.
func foldExact(d Dialect, col *Column, x string, plain bool, c query.Cond) (Expr, bool) {
	y, isString := c.Value().(string)
	fc := &Column{Name: col.Name, Expr: x, Type: Text, Nullable: col.Nullable}
	var e Expr
	switch c.Op() {
	case query.OpEq, query.OpGt, query.OpGe, query.OpLt, query.OpLe:
		if !isString {
			return sqlFalse, true // a string never equals or orders with a list
		}
		if c.Op() == query.OpEq {
			e = expr(x+" = ?", y)
		} else {
			e = expr(d.Text(x)+" "+sqlOps[c.Op()]+" ?", y)
		}
	case query.OpNe:
		if !isString {
			return notNull(col), true
		}
		return expr(x+" <> ?", y), true
	case query.OpIn, query.OpNin:
		e = inCond(d, col, x, c.Value(), c.Op() == query.OpNin)
	case query.OpRin, query.OpRnin:
		if !isString {
			return sqlFalse, true
		}
		e = d.Contains(x, y, c.Op() == query.OpRnin)
	default:
		if !plain {
			return Expr{}, false
		}
		if !isString {
			return sqlFalse, true
		}
		switch c.Op() {
		case query.OpPrefix, query.OpNotPrefix:
			e = prefixCond(d, fc, y, c.Op() == query.OpNotPrefix)
		default:
			var ok bool
			if e, ok = d.Suffix(x, y, c.Op() == query.OpNotSuffix); !ok {
				return Expr{}, false
			}
		}
	}
	switch c.Op() {
	case query.OpEq, query.OpIn, query.OpRin, query.OpPrefix, query.OpSuffix:
		e.Narrowed = plain && e.SQL != sqlTrue.SQL && e.SQL != sqlFalse.SQL
	}
	return e, true
}
