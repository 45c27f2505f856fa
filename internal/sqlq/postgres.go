package sqlq

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/query"
)

// PostgreSQL is the dialect of PostgreSQL (pgx v5). It writes natively
// what PostgreSQL decides exactly and narrows the rest, which Plan.Read
// finishes in Go:
//
//   - ~ runs in Go (PostgreSQL's regular expressions are not RE2); the
//     literal prefix of the pattern, or its folded prefix on a column
//     with a Fold copy, narrows the rows with an index range.
//   - The C operators read the Fold copy, which the store keeps equal to
//     query.Fold of the value, so they are exact (and an index on the
//     copy serves =, in, ^, and a pg_trgm index rin and $); a text column
//     without a copy leaves them to Go (lower() is not simple folding).
//   - Conditions inside JSON columns, and ordering by them (the total
//     order across types), run in Go.
//   - Text compares and orders COLLATE "C", by code point as Go does;
//     numbers of the other type than the column are converted exactly.
//   - Texts with NUL (which no PostgreSQL text holds) are decided in Go.
//
// Booleans are boolean columns, date-times bigint Unix milliseconds and
// JSON text written by query.EncodeJSON.
var PostgreSQL Dialect = postgresDialect{}

type postgresDialect struct{}

func (postgresDialect) Name() string             { return "postgres" }
func (postgresDialect) Placeholder(n int) string { return dollar(n) }
func (postgresDialect) NoLimit() any             { return nil }
func (postgresDialect) IsNot(x string) string    { return x + " IS DISTINCT FROM ?" }
func (postgresDialect) Text(x string) string     { return x + ` COLLATE "C"` }

func (postgresDialect) Bool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

func (postgresDialect) Store(t ColumnType, v any) (any, error) {
	if b, ok := v.(bool); ok && t == Bool {
		return b, nil
	}
	return t.ToSQL(v)
}

func (postgresDialect) TextArg(s string) bool {
	return !strings.Contains(s, "\x00") && utf8.ValidString(s)
}

// Arg converts numbers of the other type than the column exactly:
// PostgreSQL compares bigint with double precision as doubles.
func (d postgresDialect) Arg(t ColumnType, y any) (any, bool) {
	switch t {
	case Int:
		switch v := y.(type) {
		case int64:
			return v, true
		case float64:
			return floatToInt(v)
		}
	case Float:
		switch v := y.(type) {
		case float64:
			return v, true
		case int64:
			f := float64(v)
			if f < twoTo63 && int64(f) == v {
				return f, true
			}
		}
	case Text:
		s, ok := y.(string)
		return s, ok && d.TextArg(s)
	case Bool:
		b, ok := y.(bool)
		return b, ok
	case DateTime:
		return millisArg(y)
	}
	return nil, false
}

const twoTo63 = 9223372036854775808.0

// floatToInt returns f as an int64 when it is one.
func floatToInt(f float64) (int64, bool) {
	if f != math.Trunc(f) || f < -twoTo63 || f >= twoTo63 {
		return 0, false
	}
	return int64(f), true
}

// NumberOrder compares an Int column with a float, or a Float column with
// an integer that no double equals, through the nearest values of the
// column's type: for a bigint x and 2.5, x > 2.5 is x >= 3.
func (d postgresDialect) NumberOrder(t ColumnType, x string, op query.Operator, y any) (Expr, bool) {
	if arg, ok := d.Arg(t, y); ok {
		return expr(x+" "+sqlOps[op]+" ?", arg), true
	}
	up := op == query.OpGt || op == query.OpGe // x must be above y
	switch v := y.(type) {
	case float64: // Int column
		bound := math.Floor(v)
		if up {
			bound = math.Ceil(v)
		}
		switch n, ok := floatToInt(bound); {
		case ok && up:
			return expr(x+" >= ?", n), true
		case ok:
			return expr(x+" <= ?", n), true
		case (bound > 0) == up: // above every bigint, or below for "down"
			return sqlFalse, true
		}
		return expr(x + " IS NOT NULL"), true
	case int64: // Float column: v lies strictly between two doubles
		f := float64(v)
		above := new(big.Float).SetFloat64(f).Cmp(new(big.Float).SetInt64(v)) > 0
		switch {
		case up && !above:
			f = math.Nextafter(f, math.Inf(1))
		case !up && above:
			f = math.Nextafter(f, math.Inf(-1))
		}
		if up {
			return expr(x+" >= ?", f), true
		}
		return expr(x+" <= ?", f), true
	}
	return Expr{}, false
}

// PrefixEnd increments the last code point that has a successor: under
// COLLATE "C" PostgreSQL compares the UTF-8 bytes, in code point order,
// and a text argument must be valid UTF-8.
func (postgresDialect) PrefixEnd(p string) (string, bool) {
	for p != "" {
		r, size := utf8.DecodeLastRuneInString(p)
		p = p[:len(p)-size]
		switch {
		case r == utf8.MaxRune:
			continue
		case r == 0xD7FF:
			return p + string(rune(0xE000)), true
		}
		return p + string(r+1), true
	}
	return "", false
}

// likeEscape escapes the LIKE metacharacters of s (backslash is LIKE's
// default escape character).
var likeEscape = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func like(x, pattern string, neg bool) Expr {
	if neg {
		return expr(x+" NOT LIKE ?", pattern)
	}
	return expr(x+" LIKE ?", pattern)
}

// Contains uses LIKE '%sub%', which a pg_trgm GIN index serves.
func (postgresDialect) Contains(x, sub string, neg bool) Expr {
	return like(x, "%"+likeEscape.Replace(sub)+"%", neg)
}

func (postgresDialect) Within(x, s string, neg bool) Expr {
	if neg {
		return expr(fmt.Sprintf("strpos(?, %s) = 0", x), s)
	}
	return expr(fmt.Sprintf("strpos(?, %s) > 0", x), s)
}

func (postgresDialect) Suffix(x, s string, neg bool) (Expr, bool) {
	return like(x, "%"+likeEscape.Replace(s), neg), true
}

func (postgresDialect) Regexp(*Column, string) (Expr, bool) { return Expr{}, false }

func (postgresDialect) Fold(col *Column) (string, bool, bool) {
	return col.Fold, true, col.Fold != ""
}

func (postgresDialect) Generic(*Column, query.Cond, []string) (Expr, bool) { return Expr{}, false }

func (postgresDialect) Match([]*Column, query.Node) (Expr, bool) { return Expr{}, false }

// Through reads the matching IDs into an array first, so that an index
// on the key serves the test, also as one branch of an OR (BitmapOr).
func (postgresDialect) Through(j *Join, where string) string {
	return fmt.Sprintf("%s = ANY(ARRAY(SELECT %s FROM %s WHERE %s))", j.Key, j.ID, j.From, where)
}

// Order writes the nulls placement explicitly (PostgreSQL puts NULL last
// ascending), only for nullable columns so that a plain index on a NOT
// NULL column gives the order in either direction.
func (d postgresDialect) Order(col *Column, path []string, k query.OrderKey) ([]string, []any, bool) {
	if col.Type == JSON {
		return nil, nil, false
	}
	x := col.Expr
	if col.Type == Text {
		x = d.Text(x)
	}
	x += direction(k)
	if col.Nullable {
		if nullsFirst(k) {
			x += " NULLS FIRST"
		} else {
			x += " NULLS LAST"
		}
	}
	return []string{x}, nil, true
}
