package query

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
)

// Large filters are not translated to SQL. SQLite plans a WHERE clause in
// time that grows with the square of its terms (5,000 prefix conditions
// on an indexed column took minutes), and binds at most 32,766 arguments.
// A filter with more than maxNativeConds conditions, or whose translation
// binds more than maxNativeArgs arguments, becomes one call of kw_match,
// which evaluates the whole filter in Go, exactly as Run does, on the
// row's columns: one term for SQLite, one argument for the filter.
const (
	maxNativeConds = 64
	maxNativeArgs  = 10000
)

// where compiles the filter tree root to a WHERE expression.
func (t *Table) where(root *node) sqlExpr {
	if !matchOnly.Load() && root.conds() <= maxNativeConds {
		if w := t.node(root); len(w.args) <= maxNativeArgs {
			return w
		}
	}
	return t.matchCall(root)
}

// matchSpec is the text form of a filter passed to kw_match: the names of
// the columns that follow it as (type, value) argument pairs, and the tree.
type matchSpec struct {
	Cols []string `json:"cols"`
	Root treeSpec `json:"root"`
}

// treeSpec is a node of the filter tree: a condition (its path starting
// with the column name), or an AND or OR group.
type treeSpec struct {
	Cond *spec      `json:"cond,omitempty"`
	Or   bool       `json:"or,omitempty"`
	Kids []treeSpec `json:"kids,omitempty"`
}

// matchCall compiles root to "kw_match(?, <type>, <column>, ...)", passing
// the columns the filter names. Conditions on other fields stay in the
// tree: their path does not resolve in the row, so they are false, as
// Compile makes them.
func (t *Table) matchCall(root *node) sqlExpr {
	ms := matchSpec{Root: encodeTree(root)}
	var cols []string
	seen := map[string]bool{}
	root.walk(func(c *cond) {
		col, ok := t.column(c.path[0])
		if !ok || seen[col.Name] {
			return
		}
		seen[col.Name] = true
		ms.Cols = append(ms.Cols, col.Name)
		cols = append(cols, fmt.Sprintf("%d, %s", col.Type, col.funcArg()))
	})
	if ms.Cols == nil {
		ms.Cols = []string{}
	}
	b, _ := json.Marshal(ms)
	call := "kw_match(?"
	if len(cols) > 0 {
		call += ", " + strings.Join(cols, ", ")
	}
	return expr(call+")", b)
}

// walk calls fn for every condition below n, in order.
func (n *node) walk(fn func(*cond)) {
	if n.cond != nil {
		fn(n.cond)
		return
	}
	for _, k := range n.kids {
		k.walk(fn)
	}
}

func encodeTree(n *node) treeSpec {
	if c := n.cond; c != nil {
		return treeSpec{Cond: &spec{Op: c.op, Path: c.path, Y: tag(c.raw)}}
	}
	ts := treeSpec{Or: n.or, Kids: make([]treeSpec, len(n.kids))}
	for i, k := range n.kids {
		ts.Kids[i] = encodeTree(k)
	}
	return ts
}

// compiledMatch is a decoded matchSpec.
type compiledMatch struct {
	cols []string
	root *node
}

func decodeMatch(text string) (*compiledMatch, error) {
	var ms matchSpec
	if err := json.Unmarshal([]byte(text), &ms); err != nil {
		return nil, fmt.Errorf("%w: %w", errBadSpec, err)
	}
	root, err := decodeTree(ms.Root)
	if err != nil {
		return nil, err
	}
	return &compiledMatch{cols: ms.Cols, root: root}, nil
}

func decodeTree(ts treeSpec) (*node, error) {
	if s := ts.Cond; s != nil {
		y, err := untag(s.Y)
		if err != nil {
			return nil, err
		}
		if _, _, ok := lookupOp(s.Op); !ok || len(s.Path) == 0 {
			return nil, errBadSpec
		}
		c, err := buildCond(s.Op, s.Path, y)
		if err != nil {
			return nil, err
		}
		return &node{cond: c}, nil
	}
	n := &node{or: ts.Or, kids: make([]*node, len(ts.Kids))}
	for i, k := range ts.Kids {
		kid, err := decodeTree(k)
		if err != nil {
			return nil, err
		}
		n.kids[i] = kid
	}
	return n, nil
}

// sqlMatch is kw_match(spec, type, value, type, value, ...): 1 when the
// filter holds for the row whose columns are given.
func sqlMatch(args []driver.Value) (driver.Value, error) {
	text, _ := textArg(args[0])
	m, err := matches.get(text)
	if err != nil {
		return nil, err
	}
	if len(args) != 1+2*len(m.cols) {
		return nil, fmt.Errorf("query: kw_match: %d arguments for %d columns", len(args), len(m.cols))
	}
	entry := make(map[string]any, len(m.cols))
	for i, name := range m.cols {
		v, err := columnArg(args[1+2*i], args[2+2*i])
		if err != nil {
			return nil, err
		}
		entry[name] = v
	}
	return boolInt(m.root.match(entry)), nil
}

// matchOnly makes every filter a kw_match call; tests use it to check it
// against the native translations and Run.
var matchOnly atomic.Bool
