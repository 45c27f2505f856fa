package sqlq

import (
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/query"
)

// A Text column with a Fold copy lets case-insensitive conditions use an
// index on the copy. The copy only narrows the rows: each condition keeps
// the exact check it has without a copy, so results do not change. The
// narrowing must therefore hold for every row the exact check accepts.
//
// It compares folded text with folded text. Where a condition accepts a
// rune in place of a literal rune l, the rune is l itself or, under (?i),
// one of l's case variants (its unicode.SimpleFold orbit); when every rune
// of the orbit folds alike (foldStable), a matching value, once folded,
// starts with the folded literal whatever lengths the runes have in UTF-8.
// Runes outside the orbit may fold alike too (İ and ı fold to i): they
// only widen the range, and the exact check drops them.

// foldColumn returns the Fold copy of col as a column of its own.
func foldColumn(col *Column) *Column {
	return &Column{Name: col.Name, Expr: col.Fold, Type: Text, Nullable: col.Nullable}
}

// narrowed is exact restricted by index, which must hold wherever exact
// does; the index condition comes first so that the planner sees it.
func narrowed(index, exact Expr) Expr {
	e := join([]Expr{index, exact}, " AND ", sqlTrue, sqlFalse)
	e.Narrowed = e.SQL != sqlTrue.SQL && e.SQL != sqlFalse.SQL
	return e
}

// foldIndex returns a condition on the Fold copy of col that holds for
// every value that c (a foldable C condition) holds for, and that an index
// on the copy can serve: equality for C=, a list for Cin, a range for C^
// with a non-empty prefix. It reports false for the other operators.
func foldIndex(d Dialect, col *Column, c query.Cond) (Expr, bool) {
	fc := foldColumn(col)
	switch y := c.Value().(type) {
	case string:
		switch {
		case c.Op() == query.OpEq:
			return expr(fc.Expr+" = ?", y), true
		case c.Op() == query.OpPrefix && y != "":
			return prefixCond(d, fc, y, false), true
		}
	case []any:
		if c.Op() == query.OpIn {
			return inCond(d, fc, fc.Expr, y, false), true
		}
	}
	return Expr{}, false
}

// foldRegexpIndex returns a range on the Fold copy of col holding for
// every value that pattern matches at its start, when the folded literal
// prefix of pattern is longer, in runes, than minRunes (the case-sensitive
// prefix already usable on the column itself).
func foldRegexpIndex(d Dialect, col *Column, pattern string, minRunes int) (Expr, bool) {
	p := foldedPrefix(pattern)
	if utf8.RuneCountInString(p) <= minRunes || !d.TextArg(p) {
		return Expr{}, false
	}
	return prefixCond(d, foldColumn(col), p, false), true
}

// foldedPrefix returns the folded text that the folded form of every
// string matched by pattern starts with: the literal runes every match
// begins with (case-insensitive or not, escaped metacharacters included),
// folded, up to the first rune whose case variants fold apart. It is ""
// when no match is known to begin with a literal.
func foldedPrefix(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	runes, _ := leadingRunes(re)
	var b strings.Builder
	for _, r := range runes {
		if !foldStable(r) {
			break
		}
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// leadingRunes returns literal runes that every match of re begins with,
// one per rune matched, and whether every match is exactly those runes.
// Zero-width assertions that hold at the start of the text are skipped;
// anything else ends the prefix.
func leadingRunes(re *syntax.Regexp) ([]rune, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return re.Rune, true
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpBeginLine:
		return nil, true
	case syntax.OpCapture:
		return leadingRunes(re.Sub[0])
	case syntax.OpPlus:
		runes, _ := leadingRunes(re.Sub[0])
		return runes, false
	case syntax.OpConcat:
		var out []rune
		for _, sub := range re.Sub {
			runes, whole := leadingRunes(sub)
			out = append(out, runes...)
			if !whole {
				return out, false
			}
		}
		return out, true
	}
	return nil, false
}

// foldRune folds one code point as query.Fold does.
func foldRune(r rune) rune {
	f, _ := utf8.DecodeRuneInString(query.Fold(string(r)))
	return f
}

// foldStable reports whether every case variant of r (its SimpleFold
// orbit, which (?i) matches) folds to the same rune as r.
func foldStable(r rune) bool {
	f := foldRune(r)
	for v := unicode.SimpleFold(r); v != r; v = unicode.SimpleFold(v) {
		if foldRune(v) != f {
			return false
		}
	}
	return true
}
