package query

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Statement is a query compiled to SQL fragments for one Table. A store
// splices them into its own statement (see SelectSQL and CountSQL), reads
// the rows with Table.Entry, and finishes with Options.Shape.
type Statement struct {
	// Where is a parenthesized boolean SQL expression ("1" when every row
	// matches, "0" when none does) and Args its arguments.
	Where string
	Args  []any
	// OrderBy is an ORDER BY list, without the keywords, ending with the
	// table's DefaultOrder; OrderArgs are its arguments. It may be empty
	// when the table has no default order and no order key applies.
	OrderBy   string
	OrderArgs []any
	// Limit is the row limit (-1 for none) and Offset the rows skipped.
	Limit, Offset int64
	// Count tells the store to run CountSQL instead of SelectSQL.
	Count bool
}

// sqlExpr is a compiled boolean expression. A NULL result counts as false:
// expressions are only combined with AND and OR, never negated, so a NULL
// can never turn into true.
type sqlExpr struct {
	sql  string
	args []any
	// narrowed marks a condition restricted by an index condition on its
	// column (see narrowed).
	narrowed bool
}

var (
	sqlTrue  = sqlExpr{sql: "1"}
	sqlFalse = sqlExpr{sql: "0"}
)

func expr(sql string, args ...any) sqlExpr { return sqlExpr{sql: sql, args: args} }

// Compile translates a parsed query for table t. A nil f matches all rows
// and nil o gives the default options.
func (t *Table) Compile(f *Filter, o *Options) (*Statement, error) {
	for _, c := range t.Columns {
		if !c.Type.valid() || c.Name == "" || c.Expr == "" || (c.Fold != "" && c.Type != Text) || !c.Join.valid() {
			return nil, fmt.Errorf("query: bad column %q", c.Name)
		}
	}
	if o == nil {
		o = &Options{}
	}
	st := &Statement{Where: "1", Limit: o.RowLimit(), Offset: o.Offset, Count: o.Count}
	if f != nil && f.root != nil {
		w := t.where(f.root)
		st.Where, st.Args = w.sql, w.args
		if w.sql != sqlTrue.sql && w.sql != sqlFalse.sql {
			st.Where = "(" + w.sql + ")"
		}
	}
	st.OrderBy, st.OrderArgs = t.orderBy(o)
	return st, nil
}

// SelectSQL returns the full SELECT statement and its arguments; columns
// is the select list (usually Table.SelectList) and from the FROM clause
// (table names and joins).
func (s *Statement) SelectSQL(columns, from string) (string, []any) {
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT %s FROM %s WHERE %s", columns, from, s.Where)
	if s.OrderBy != "" {
		b.WriteString(" ORDER BY " + s.OrderBy)
	}
	b.WriteString(" LIMIT ? OFFSET ?")
	args := make([]any, 0, len(s.Args)+len(s.OrderArgs)+2)
	args = append(args, s.Args...)
	args = append(args, s.OrderArgs...)
	return b.String(), append(args, s.Limit, s.Offset)
}

// CountSQL returns the statement counting the matching rows.
func (s *Statement) CountSQL(from string) (string, []any) {
	return fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", from, s.Where), s.Args
}

// node compiles a filter tree node.
func (t *Table) node(n *node) sqlExpr {
	if n.cond != nil {
		return t.cond(n.cond)
	}
	parts := make([]sqlExpr, 0, len(n.kids))
	for _, k := range n.kids {
		parts = append(parts, t.node(k))
	}
	if n.or {
		return join(parts, " OR ", sqlFalse, sqlTrue)
	}
	return join(parts, " AND ", sqlTrue, sqlFalse)
}

// join combines parts with op, dropping neutral constants and collapsing
// to absorbing ones.
func join(parts []sqlExpr, op string, neutral, absorbing sqlExpr) sqlExpr {
	var sqls []string
	var args []any
	for _, p := range parts {
		switch p.sql {
		case neutral.sql:
			continue
		case absorbing.sql:
			return absorbing
		}
		sqls = append(sqls, p.sql)
		args = append(args, p.args...)
	}
	if len(sqls) == 0 {
		return neutral
	}
	return sqlExpr{sql: chain(sqls, op), args: args}
}

// maxChain is the most terms joined in one flat chain.
const maxChain = 32

// chain joins terms with op. SQLite parses a flat chain "a AND b AND c"
// as a tree as deep as the chain is long and refuses trees deeper than
// 1000, so a long list is joined in parenthesized groups of at most
// maxChain terms, recursively: 10,000 terms nest only three groups deep.
// The groups keep the terms in order, and AND and OR are associative, so
// the meaning (and SQLite's split of the WHERE clause into terms) is the
// same.
func chain(terms []string, op string) string {
	if len(terms) == 1 {
		return terms[0]
	}
	if len(terms) <= maxChain {
		return "(" + strings.Join(terms, ")"+op+"(") + ")"
	}
	groups := make([]string, 0, (len(terms)+maxChain-1)/maxChain)
	for len(terms) > 0 {
		n := min(maxChain, len(terms))
		groups = append(groups, chain(terms[:n], op))
		terms = terms[n:]
	}
	return chain(groups, op)
}

// cond compiles one condition. A field that is not a column, or a path
// below a column that holds no JSON, is missing: the condition is false.
func (t *Table) cond(c *cond) sqlExpr {
	col, ok := t.column(c.path[0])
	rest := c.path[1:]
	if !ok || (len(rest) > 0 && col.Type != JSON) {
		return sqlFalse
	}
	return col.Join.through(columnCond(col, c, rest))
}

// columnCond compiles c on the value at path rest below col: natively
// where it can, else with kw_cond.
func columnCond(col *Column, c *cond, rest []string) sqlExpr {
	if col.Type != JSON && !genericOnly.Load() {
		if e, ok := fastCond(col, c); ok {
			return e
		}
	}
	return genericCond(col, c, rest)
}

// genericCond compiles c, on the value at path rest below col, to a call
// of kw_cond, which evaluates it exactly as Run does.
func genericCond(col *Column, c *cond, rest []string) sqlExpr {
	return expr(fmt.Sprintf("kw_cond(?, %d, %s)", col.Type, col.funcArg()), []byte(encodeSpec(c, rest)))
}

// funcArg is the column expression as an argument of a query function.
// Text reaches the functions as a BLOB: database drivers that copy text
// arguments as C strings (modernc.org/sqlite by default) would cut it at
// the first NUL character. Arguments the compiler binds for the functions
// are []byte for the same reason.
func (c *Column) funcArg() string {
	if c.Type == Text || c.Type == JSON {
		return "CAST(" + c.Expr + " AS BLOB)"
	}
	return c.Expr
}

// genericOnly disables the native SQL translations, leaving every
// condition to kw_cond; tests use it to check both against each other.
var genericOnly atomic.Bool
