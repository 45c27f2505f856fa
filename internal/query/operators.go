package query

import (
	"strings"
	"unicode"
)

// match evaluates c on an entry: true when the path resolves and the
// operator holds for at least one value reached.
func (c *cond) match(entry map[string]any) bool {
	return resolve(entry, c.path, c.test)
}

// test applies the operator to one entry value x.
func (c *cond) test(x any) bool {
	if c.fold {
		if !c.foldable {
			return false
		}
		fx, ok := foldValue(x)
		if !ok {
			return false
		}
		x = fx
	}
	return apply(c.base, x, c.y, c)
}

// apply is the table of section 11.2 for operators without C prefix; c
// supplies the compiled pattern of ~.
func apply(op opcode, x, y any, c *cond) bool {
	switch op {
	case opEq:
		return equal(x, y)
	case opNe:
		return !equal(x, y)
	case opGt, opGe, opLt, opLe:
		n, ok := compareOrdered(x, y)
		return ok && orderHolds(op, n)
	case opRegexp:
		return matchRegexp(c, x)
	case opIn:
		return memberOf(true, x, y)
	case opNin:
		return x != nil && memberOf(false, x, y)
	case opRin, opRnin:
		return memberOf(op == opRin, y, x)
	}
	xs, ok1 := x.(string)
	ys, ok2 := y.(string)
	if !ok1 || !ok2 {
		return false
	}
	switch op {
	case opPrefix:
		return strings.HasPrefix(xs, ys)
	case opNotPrefix:
		return !strings.HasPrefix(xs, ys)
	case opSuffix:
		return strings.HasSuffix(xs, ys)
	}
	return !strings.HasSuffix(xs, ys)
}

func orderHolds(op opcode, n int) bool {
	switch op {
	case opGt:
		return n > 0
	case opGe:
		return n >= 0
	case opLt:
		return n < 0
	}
	return n <= 0
}

// matchRegexp implements ~: a null x is matched as "", another non-string
// x never matches.
func matchRegexp(c *cond, x any) bool {
	if x == nil {
		x = ""
	}
	s, ok := x.(string)
	return ok && c.re.MatchString(s)
}

// memberOf implements in (want true) and nin (want false): elem is an
// element of list coll, or a substring of string coll. A coll that is
// neither, or a non-string elem for a string coll, makes it false.
func memberOf(want bool, elem, coll any) bool {
	switch c := coll.(type) {
	case []any:
		for _, e := range c {
			if equal(elem, e) {
				return want
			}
		}
		return !want
	case string:
		s, ok := elem.(string)
		return ok && strings.Contains(c, s) == want
	}
	return false
}

// Fold applies simple case folding to every code point of s, as the C
// operators do: each rune r becomes unicode.ToLower(unicode.ToUpper(r)),
// and a byte that is not UTF-8 becomes U+FFFD. A store that keeps a folded
// copy of a column (Column.Fold) must compute it with Fold.
func Fold(s string) string {
	return strings.Map(foldRune, s)
}

// foldRune folds one code point.
func foldRune(r rune) rune {
	return unicode.ToLower(unicode.ToUpper(r))
}

// foldValue folds a string, or each element of a list of strings; other
// values are not foldable.
func foldValue(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return Fold(x), true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = Fold(s)
		}
		return out, true
	}
	return nil, false
}
