package sqlq

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/query"
)

// SQLite is the dialect of SQLite (modernc.org/sqlite). Everything it
// cannot write natively it decides exactly with the Go functions of
// SQLiteFunctions, which the store registers with the driver, so a SQLite
// plan is always exact.
var SQLite Dialect = sqliteDialect{}

type sqliteDialect struct{}

func (sqliteDialect) Name() string                           { return "sqlite" }
func (sqliteDialect) Placeholder(int) string                 { return "?" }
func (sqliteDialect) NoLimit() any                           { return int64(-1) }
func (sqliteDialect) Store(t ColumnType, v any) (any, error) { return t.ToSQL(v) }
func (sqliteDialect) TextArg(string) bool                    { return true }
func (sqliteDialect) IsNot(x string) string                  { return x + " IS NOT ?" }
func (sqliteDialect) Text(x string) string                   { return x }

func (sqliteDialect) Bool(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Arg passes numbers as they are: SQLite compares INTEGER with REAL
// exactly.
func (sqliteDialect) Arg(t ColumnType, y any) (any, bool) {
	switch t {
	case Int, Float:
		switch y.(type) {
		case int64, float64:
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
		return millisArg(y)
	}
	return nil, false
}

// millisArg is a date-time as the Unix milliseconds a DateTime column
// stores; one with a sub-millisecond part equals no stored value.
func millisArg(y any) (any, bool) {
	if t, ok := y.(time.Time); ok && t.Nanosecond()%int(time.Millisecond) == 0 {
		return t.UnixMilli(), true
	}
	return nil, false
}

func (sqliteDialect) NumberOrder(_ ColumnType, x string, op query.Operator, y any) (Expr, bool) {
	return expr(x+" "+sqlOps[op]+" ?", y), true
}

// PrefixEnd increments the last byte that is not 0xff: SQLite's BINARY
// collation compares bytes.
func (sqliteDialect) PrefixEnd(p string) (string, bool) {
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

func (sqliteDialect) Contains(x, sub string, neg bool) Expr {
	if neg {
		return expr(fmt.Sprintf("instr(%s, ?) = 0", x), sub)
	}
	return expr(fmt.Sprintf("instr(%s, ?) > 0", x), sub)
}

func (sqliteDialect) Within(x, s string, neg bool) Expr {
	if neg {
		return expr(fmt.Sprintf("instr(?, %s) = 0", x), s)
	}
	return expr(fmt.Sprintf("instr(?, %s) > 0", x), s)
}

// Suffix leaves $ to kw_cond.
func (sqliteDialect) Suffix(string, string, bool) (Expr, bool) { return Expr{}, false }

func (sqliteDialect) Regexp(col *Column, pattern string) (Expr, bool) {
	return expr(fmt.Sprintf("kw_regexp(?, %s)", blobArg(col)), []byte(pattern)), true
}

func (sqliteDialect) Fold(col *Column) (string, bool, bool) {
	return fmt.Sprintf("kw_fold(%s)", blobArg(col)), false, true
}

// Generic calls kw_cond, which evaluates c exactly as query.Run does.
func (sqliteDialect) Generic(col *Column, c query.Cond, path []string) (Expr, bool) {
	spec := c.Below(path).Node().Spec()
	return expr(fmt.Sprintf("kw_cond(?, %d, %s)", col.Type, blobArg(col)), []byte(spec)), true
}

// Match calls kw_match with the filter and the columns it names, as
// (type, value) argument pairs: one term for SQLite, one argument for the
// filter.
func (sqliteDialect) Match(cols []*Column, root query.Node) (Expr, bool) {
	ms := matchSpec{Cols: make([]string, len(cols)), Root: json.RawMessage(root.Spec())}
	args := make([]string, len(cols))
	for i, col := range cols {
		ms.Cols[i] = col.Name
		args[i] = fmt.Sprintf(", %d, %s", col.Type, blobArg(col))
	}
	b, _ := json.Marshal(ms)
	return expr("kw_match(?"+strings.Join(args, "")+")", b), true
}

func (sqliteDialect) Through(j *Join, where string) string {
	return fmt.Sprintf("%s IN (SELECT %s FROM %s WHERE %s)", j.Key, j.ID, j.From, where)
}

func (sqliteDialect) Order(col *Column, path []string, k query.OrderKey) ([]string, []any, bool) {
	keys, args := sqliteOrder(col, path, k)
	return keys, args, true
}

// matchSpec is the text form of a filter passed to kw_match: the names of
// the columns that follow it as (type, value) argument pairs, and the
// tree (query.Node.Spec).
type matchSpec struct {
	Cols []string        `json:"cols"`
	Root json.RawMessage `json:"root"`
}

// blobArg is the column expression as an argument of a query function.
// Text reaches the functions as a BLOB: database drivers that copy text
// arguments as C strings (modernc.org/sqlite by default) would cut it at
// the first NUL character. Arguments the compiler binds for the functions
// are []byte for the same reason.
func blobArg(c *Column) string {
	if c.Type == Text || c.Type == JSON {
		return "CAST(" + c.Expr + " AS BLOB)"
	}
	return c.Expr
}

// sqliteOrder is SQLite's Dialect.Order. Typed columns sort natively:
// SQLite puts NULL first in ascending and last in descending order, which
// is "null is the smallest value", so a plain "<expr> DESC" is emitted and
// an index on the column stays usable. Only a nulls prefix that disagrees
// with that default adds an "(<expr> IS NULL)" key. Values inside JSON
// columns sort by kw_rank (the type order) and then kw_val (the value
// within its type).
func sqliteOrder(col *Column, rest []string, k query.OrderKey) ([]string, []any) {
	dir := direction(k)
	nullKey := nullsFirst(k) == k.Desc
	var keys []string
	if col.Type != JSON {
		if nullKey && col.Nullable {
			keys = append(keys, nullsKey(fmt.Sprintf("(%s IS NULL)", col.Expr), nullsFirst(k)))
		}
		return append(keys, col.Expr+dir), nil
	}
	var args []any
	path := []byte(encodePath(rest))
	rank := fmt.Sprintf("kw_rank(?, %d, %s)", col.Type, blobArg(col))
	val := fmt.Sprintf("kw_val(?, %d, %s)", col.Type, blobArg(col))
	if nullKey {
		keys = append(keys, nullsKey("("+rank+" = 0)", nullsFirst(k)))
		args = append(args, path)
	}
	return append(keys, rank+dir, val+dir), append(args, path, path)
}
