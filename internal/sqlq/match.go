package sqlq

import (
	"sync/atomic"

	"github.com/keyward/keyward/internal/query"
)

// Large filters are not translated condition by condition. SQLite plans a
// WHERE clause in time that grows with the square of its terms (5,000
// prefix conditions on an indexed column took minutes), and binds at most
// 32,766 arguments; PostgreSQL binds at most 65,535. A filter with more
// than maxNativeConds conditions, or whose translation binds more than
// maxNativeArgs arguments, goes to the dialect's Match (SQLite's kw_match,
// which evaluates the whole filter in Go, exactly as query.Run does, on
// the row's columns), or, where there is none, to Go after the query.
const (
	maxNativeConds = 64
	maxNativeArgs  = 10000
)

// where compiles the filter tree root to a WHERE expression.
func (t *Table) where(d Dialect, root query.Node) Expr {
	if !matchOnly.Load() && root.Size() <= maxNativeConds {
		if w := t.node(d, root); len(w.Args) <= maxNativeArgs {
			return w
		}
	}
	if e, ok := d.Match(t.matchColumns(root), root); ok {
		return e
	}
	return unknown
}

// matchColumns returns the columns the conditions below root name, each
// once, in order of appearance. Conditions on other fields stay in the
// tree: their path does not resolve in the row, so they are false, as
// the native translation makes them.
func (t *Table) matchColumns(root query.Node) []*Column {
	var cols []*Column
	seen := map[string]bool{}
	walk(root, func(c query.Cond) {
		col, ok := t.column(c.Path()[0])
		if !ok || seen[col.Name] {
			return
		}
		seen[col.Name] = true
		cols = append(cols, col)
	})
	return cols
}

// walk calls fn for every condition below n, in order.
func walk(n query.Node, fn func(query.Cond)) {
	if c, ok := n.Cond(); ok {
		fn(c)
		return
	}
	for _, k := range n.Kids() {
		walk(k, fn)
	}
}

// genericOnly disables the native SQL translations, leaving every
// condition to the dialect's generic form; tests use it to check both
// against each other. matchOnly makes every filter go to the dialect's
// Match, as large filters do.
var genericOnly, matchOnly atomic.Bool
