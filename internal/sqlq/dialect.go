package sqlq

import "github.com/keyward/keyward/internal/query"

// Dialect is what the compiler needs to know about one SQL back end: how
// it writes what differs between them, and which conditions and order keys
// it can decide exactly. Where a dialect cannot (it reports false), the
// compiler narrows the rows in SQL and Plan.Read finishes exactly in Go,
// so results never depend on the back end. SQLite and PostgreSQL are the
// dialects; the compiler relies on their documented guarantees, so new
// ones belong in this package.
type Dialect interface {
	// Name names the back end, e.g. "sqlite".
	Name() string
	// Placeholder is the marker of the n-th argument (from 1): "?" or "$n".
	Placeholder(n int) string
	// Bool is the literal of a boolean constant.
	Bool(b bool) string
	// NoLimit is the LIMIT argument meaning "no limit".
	NoLimit() any
	// Store converts a canonical value to what a column of type t stores.
	Store(t ColumnType, v any) (any, error)

	// Arg returns the argument that equals the stored form of the scalar
	// y in a column of type t, or false when no stored value can equal y.
	Arg(t ColumnType, y any) (any, bool)
	// TextArg reports whether s can be passed as a text argument (every
	// string a column can hold can be).
	TextArg(s string) bool
	// IsNot compiles "x differs from ?" for a nullable x, true for NULL.
	IsNot(x string) string
	// NumberOrder compiles "x op y" for a number y on an Int or Float
	// column x, op being one of > >= < <=; false when it cannot exactly.
	NumberOrder(t ColumnType, x string, op query.Operator, y any) (Expr, bool)
	// Text is a text expression compared and ordered by code point, as
	// Go compares strings.
	Text(x string) string
	// PrefixEnd returns the least text above every text starting with p,
	// or false when there is none.
	PrefixEnd(p string) (string, bool)
	// Contains tests whether text x contains sub (or, with neg, does not):
	// NULL for a NULL x.
	Contains(x, sub string, neg bool) Expr
	// Within tests whether text x is a substring of s (or, with neg, is
	// not): NULL for a NULL x.
	Within(x, s string, neg bool) Expr
	// Suffix tests whether text x ends with s (or, with neg, does not).
	Suffix(x, s string, neg bool) (Expr, bool)
	// Regexp tests whether the RE2 pattern matches text column col at its
	// start, a NULL matching as "".
	Regexp(col *Column, pattern string) (Expr, bool)
	// Fold returns an expression giving the value of text column col
	// after query.Fold, and whether it is a plain column (an index can
	// serve conditions on it).
	Fold(col *Column) (x string, plain, ok bool)
	// Generic compiles any condition c on the value at path below col.
	Generic(col *Column, c query.Cond, path []string) (Expr, bool)
	// Match compiles a whole filter tree on the columns it names, for
	// filters too large to translate condition by condition.
	Match(cols []*Column, root query.Node) (Expr, bool)
	// Through tests where, a condition on the joined table of j, through
	// j's key: the row's key is the ID of a row of j.From meeting where.
	Through(j *Join, where string) string
	// Order returns the ORDER BY terms sorting by the value at path below
	// col as k says, the SQL placing null as section 11.3 does (smallest
	// unless a nulls prefix says otherwise); false when Go must sort.
	Order(col *Column, path []string, k query.OrderKey) ([]string, []any, bool)
}

// Expr is a compiled SQL boolean expression with "?" for each argument;
// the compiler renumbers them for the dialect. NULL counts as false:
// expressions are combined with AND and OR only, never negated.
type Expr struct {
	// SQL is the expression; Args its arguments in order.
	SQL  string
	Args []any
	// Narrowed marks a condition that an index on its column can serve.
	Narrowed bool
	// Inexact marks an expression true for every row the condition holds
	// for, and maybe more: the rows are finished in Go.
	Inexact bool
}

var (
	sqlTrue  = Expr{SQL: "1"}
	sqlFalse = Expr{SQL: "0"}
	// unknown stands for a condition the dialect cannot narrow: every row
	// is a candidate and Go decides.
	unknown = Expr{SQL: "1", Inexact: true}
)

func expr(sql string, args ...any) Expr { return Expr{SQL: sql, Args: args} }
