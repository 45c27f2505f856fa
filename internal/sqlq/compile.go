package sqlq

import (
	"fmt"
	"strings"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// Compile translates a query for table t, whose rows are read FROM from,
// to a Plan for dialect d. f and o are what a store's QueryKeys or
// QueryAudit receive: *query.Filter and *query.Options (nil for the
// defaults); any other type is an error.
func Compile(d Dialect, t *Table, from string, f keyward.Filter, o keyward.QueryOptions) (*Plan, error) {
	qf, ok := f.(*query.Filter)
	if !ok && f != nil {
		return nil, fmt.Errorf("sqlq: filter of type %T", f)
	}
	qo, ok := o.(*query.Options)
	if !ok && o != nil {
		return nil, fmt.Errorf("sqlq: options of type %T", o)
	}
	if qo == nil {
		qo = &query.Options{}
	}
	st, err := t.compile(d, qf, qo)
	if err != nil {
		return nil, err
	}
	return st.plan(d, t, from, qf, qo), nil
}

// statement is a query compiled to SQL fragments with "?" markers.
type statement struct {
	// where is a boolean expression, sqlTrue or sqlFalse for constants.
	where Expr
	// orderBy is an ORDER BY list ending with the default order, and
	// orderArgs its arguments; goOrder says that Go must sort.
	orderBy   string
	orderArgs []any
	goOrder   bool
}

// compile translates a parsed query for table t.
func (t *Table) compile(d Dialect, f *query.Filter, o *query.Options) (*statement, error) {
	for _, c := range t.Columns {
		if !c.Type.valid() || c.Name == "" || c.Expr == "" || (c.Fold != "" && c.Type != Text) || !c.Join.valid() {
			return nil, fmt.Errorf("sqlq: bad column %q", c.Name)
		}
	}
	st := &statement{where: sqlTrue}
	if root, ok := f.Root(); ok {
		st.where = t.where(d, root)
	}
	if !o.Count {
		st.orderBy, st.orderArgs, st.goOrder = t.orderBy(d, o)
	}
	return st, nil
}

// node compiles a filter tree node.
func (t *Table) node(d Dialect, n query.Node) Expr {
	if c, ok := n.Cond(); ok {
		return t.cond(d, c)
	}
	kids := n.Kids()
	parts := make([]Expr, 0, len(kids))
	for _, k := range kids {
		parts = append(parts, t.node(d, k))
	}
	if n.Or() {
		return join(parts, " OR ", sqlFalse, sqlTrue)
	}
	return join(parts, " AND ", sqlTrue, sqlFalse)
}

// join combines parts with op, dropping neutral constants and collapsing
// to absorbing ones. An inexact part makes the whole inexact; an inexact
// absorbing part (unknown in an OR) absorbs the others but an exact one.
func join(parts []Expr, op string, neutral, absorbing Expr) Expr {
	var sqls []string
	var args []any
	inexact, absorbed := false, false
	for _, p := range parts {
		if p.SQL == absorbing.SQL {
			if !p.Inexact {
				return absorbing
			}
			absorbed = true
			continue
		}
		inexact = inexact || p.Inexact
		if p.SQL == neutral.SQL {
			continue
		}
		sqls = append(sqls, p.SQL)
		args = append(args, p.Args...)
	}
	switch {
	case absorbed:
		return Expr{SQL: absorbing.SQL, Inexact: true}
	case len(sqls) == 0:
		return Expr{SQL: neutral.SQL, Inexact: inexact}
	}
	return Expr{SQL: chain(sqls, op), Args: args, Inexact: inexact}
}

// maxChain is the most terms joined in one flat chain.
const maxChain = 32

// chain joins terms with op. SQLite parses a flat chain "a AND b AND c"
// as a tree as deep as the chain is long and refuses trees deeper than
// 1000, so a long list is joined in parenthesized groups of at most
// maxChain terms, recursively: 10,000 terms nest only three groups deep.
// The groups keep the terms in order, and AND and OR are associative, so
// the meaning (and the planner's split of the WHERE clause into terms) is
// the same.
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
func (t *Table) cond(d Dialect, c query.Cond) Expr {
	path := c.Path()
	col, ok := t.column(path[0])
	rest := path[1:]
	if !ok || (len(rest) > 0 && col.Type != JSON) {
		return sqlFalse
	}
	return col.Join.through(d, columnCond(d, col, c, rest))
}

// columnCond compiles c on the value at path rest below col: natively
// where it can, else with the dialect's generic form, else unknown.
func columnCond(d Dialect, col *Column, c query.Cond, rest []string) Expr {
	if col.Type != JSON && !genericOnly.Load() {
		if e, ok := fastCond(d, col, c); ok {
			return e
		}
	}
	return genericCond(d, col, c, rest)
}

// genericCond compiles c on the value at path rest below col with the
// dialect's generic form, or leaves it to Go.
func genericCond(d Dialect, col *Column, c query.Cond, rest []string) Expr {
	if e, ok := d.Generic(col, c, rest); ok {
		return e
	}
	return unknown
}
