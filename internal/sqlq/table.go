package sqlq

import (
	"fmt"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/query"
)

// ColumnType is how a column stores an entry field in SQL.
type ColumnType int

// The column types. A Text column must compare with the BINARY collation
// on SQLite (its default); JSON columns hold text written by
// query.EncodeJSON. PostgreSQL stores Bool as boolean, the others alike.
const (
	Int      ColumnType = iota + 1 // INTEGER
	Float                          // REAL
	Text                           // TEXT
	Bool                           // INTEGER 0 or 1 (PostgreSQL: boolean)
	DateTime                       // INTEGER Unix milliseconds
	JSON                           // TEXT holding a JSON array or object
)

// Column maps a top-level entry field to an SQL expression.
type Column struct {
	// Name is the entry's key.
	Name string
	// Expr is an SQL expression giving the stored value, e.g. "k.name", or
	// a constant such as "'********'" for a redacted field.
	Expr string
	// Type says how the value is stored.
	Type ColumnType
	// Nullable must be set when the expression can be NULL.
	Nullable bool
	// Fold, for a Text column, is an optional SQL expression giving the
	// value after Fold, e.g. "k.name_fold": a stored copy, kept by the
	// store on every write and NULL exactly when the value is, that an
	// index can serve. Case-insensitive conditions (C=, Cin with a list,
	// C^, and ~ with a pattern such as "(?i)ci\.prod") then narrow the rows
	// with it; the exact check still decides each row.
	Fold string
	// Join is set for a column of another table that the store joins in.
	Join *Join
}

// Join describes how the store reaches the table of a joined column: its
// FROM clause joins From to the main table with an inner join on Key = ID,
// ID being unique in From.
//
// A condition on the column that an index narrows (~ with a literal
// prefix; C=, Cin and C^ on a column with Fold) is then compiled as
// "Key IN (SELECT ID FROM From WHERE ...)" (PostgreSQL: "Key =
// ANY(ARRAY(SELECT ...))"), which an index on Key can serve: the database
// can answer an OR of it with narrowed conditions on the main table's own
// columns with one index per branch instead of a scan.
// Other conditions stay tests of the joined row, which keeps the plans
// that suit them (such as reading a page in index order).
type Join struct {
	// Key is the main table's expression holding the joined row's ID, e.g.
	// "k.user_id".
	Key string
	// From is the joined table with the alias used by the column's Expr
	// and Fold, e.g. "users u".
	From string
	// ID is the joined table's unique key, e.g. "u.id".
	ID string
}

// through tests e, a condition on the joined table, through the join key
// when an index narrows it. Since the join is an inner join on a unique
// ID, a row's joined row meets e exactly when Key is the ID of a row of
// From meeting e.
func (j *Join) through(d Dialect, e Expr) Expr {
	if j == nil || !e.Narrowed {
		return e
	}
	return Expr{SQL: d.Through(j, e.SQL), Args: e.Args, Inexact: e.Inexact}
}

// valid reports whether every part of j is set.
func (j *Join) valid() bool {
	return j == nil || (j.Key != "" && j.From != "" && j.ID != "")
}

// Table describes how entries are stored: one column per top-level field.
// Filters on fields that are not columns match nothing.
type Table struct {
	// Columns lists the fields; Entry and SelectList use this order.
	Columns []Column
	// DefaultOrder is an SQL ORDER BY list giving the default order of
	// entries, unique per row, e.g. "k.id".
	DefaultOrder string
}

// column returns the column named name.
func (t *Table) column(name string) (*Column, bool) {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i], true
		}
	}
	return nil, false
}

// SelectList is the comma-separated list of column expressions, in the
// order that Entry expects.
func (t *Table) SelectList() string {
	exprs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		exprs[i] = c.Expr
	}
	return strings.Join(exprs, ", ")
}

// Entry converts the values of one row, scanned in SelectList order, to an
// entry in canonical form.
func (t *Table) Entry(values []any) (map[string]any, error) {
	if len(values) != len(t.Columns) {
		return nil, fmt.Errorf("sqlq: %d values for %d columns", len(values), len(t.Columns))
	}
	e := make(map[string]any, len(values))
	for i, c := range t.Columns {
		v, err := c.Type.FromSQL(values[i])
		if err != nil {
			return nil, fmt.Errorf("sqlq: column %s: %w", c.Name, err)
		}
		e[c.Name] = v
	}
	return e, nil
}

// FromSQL converts a value read from a column of type ct to canonical form.
func (ct ColumnType) FromSQL(v any) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case int64:
		return ct.fromInt(x)
	case int32:
		return ct.fromInt(int64(x))
	case int16:
		return ct.fromInt(int64(x))
	case float64:
		return ct.fromFloat(x)
	case string:
		return ct.fromString(x)
	case bool:
		if ct == Bool {
			return x, nil
		}
	case time.Time:
		if ct == DateTime {
			return x.UTC(), nil
		}
	}
	return nil, fmt.Errorf("unexpected %T for column type %d", v, ct)
}

func (ct ColumnType) fromInt(x int64) (any, error) {
	switch ct {
	case Int:
		return x, nil
	case Float:
		return float64(x), nil
	case Bool:
		return x != 0, nil
	case DateTime:
		return time.UnixMilli(x).UTC(), nil
	}
	return nil, fmt.Errorf("unexpected integer for column type %d", ct)
}

func (ct ColumnType) fromFloat(x float64) (any, error) {
	if ct == Float {
		return x, nil
	}
	return nil, fmt.Errorf("unexpected float for column type %d", ct)
}

func (ct ColumnType) fromString(x string) (any, error) {
	switch ct {
	case Text:
		return x, nil
	case JSON:
		return query.DecodeJSON(x)
	}
	return nil, fmt.Errorf("unexpected text for column type %d", ct)
}

// ToSQL converts a canonical value to what a column of type ct stores in
// SQLite (Dialect.Store for any back end): booleans as 0 or 1, date-times
// as Unix milliseconds, JSON as the text of query.EncodeJSON.
func (ct ColumnType) ToSQL(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	var out any
	switch ct {
	case Int:
		out, _ = v.(int64)
	case Float:
		switch n := v.(type) {
		case float64:
			out = n
		case int64:
			out = float64(n)
		}
	case Text:
		out, _ = v.(string)
	case Bool:
		if b, ok := v.(bool); ok {
			out = boolInt(b)
		}
	case DateTime:
		if t, ok := v.(time.Time); ok {
			out = t.UnixMilli()
		}
	case JSON:
		return query.EncodeJSON(v)
	}
	if out == nil {
		return nil, fmt.Errorf("sqlq: cannot store %T in column type %d", v, ct)
	}
	return out, nil
}

// valid reports whether ct is one of the column types.
func (ct ColumnType) valid() bool { return ct >= Int && ct <= JSON }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
