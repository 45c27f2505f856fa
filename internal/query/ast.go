package query

import "regexp"

// This file is the read-only view of a parsed query that the SQL compiler
// (internal/sqlq) needs: the filter tree, its conditions, the order keys,
// the text form that carries a condition into an SQL function, and the
// type order of section 11.3. Nothing here changes a parsed query.

// Operator is an operator of section 11.2 without its C prefix.
type Operator int

// The operators. OpRegexp is ~; OpPrefix and OpSuffix are ^ and $.
const (
	OpEq Operator = Operator(opEq)
	OpNe Operator = Operator(opNe)
	OpGt Operator = Operator(opGt)
	OpGe Operator = Operator(opGe)
	OpLt Operator = Operator(opLt)
	OpLe Operator = Operator(opLe)

	OpRegexp    Operator = Operator(opRegexp)
	OpIn        Operator = Operator(opIn)
	OpNin       Operator = Operator(opNin)
	OpRin       Operator = Operator(opRin)
	OpRnin      Operator = Operator(opRnin)
	OpPrefix    Operator = Operator(opPrefix)
	OpNotPrefix Operator = Operator(opNotPrefix)
	OpSuffix    Operator = Operator(opSuffix)
	OpNotSuffix Operator = Operator(opNotSuffix)
)

// Node is one element of a parsed filter: a condition, or an AND or OR
// group of nodes. The zero Node is an empty AND group (true).
type Node struct{ n *node }

// Root returns the top of the filter tree, an AND group, and false when f
// matches every entry.
func (f *Filter) Root() (Node, bool) {
	if f == nil || f.root == nil {
		return Node{}, false
	}
	return Node{f.root}, true
}

// Cond returns the condition of a leaf node.
func (n Node) Cond() (Cond, bool) {
	if n.n == nil || n.n.cond == nil {
		return Cond{}, false
	}
	return Cond{n.n.cond}, true
}

// Or reports whether n is an OR group (else an AND group or a condition).
func (n Node) Or() bool { return n.n != nil && n.n.or }

// Kids returns the members of a group.
func (n Node) Kids() []Node {
	if n.n == nil {
		return nil
	}
	out := make([]Node, len(n.n.kids))
	for i, k := range n.n.kids {
		out[i] = Node{k}
	}
	return out
}

// Size is the number of conditions below n.
func (n Node) Size() int {
	if n.n == nil {
		return 0
	}
	return n.n.conds()
}

// Match reports whether entry satisfies n, as Filter.Match does.
func (n Node) Match(entry map[string]any) bool {
	return n.n == nil || n.n.match(entry)
}

// Cond is one [field, op, value] condition of a parsed filter.
type Cond struct{ c *cond }

// Path is the field as segments, without a trailing "$date".
func (c Cond) Path() []string { return c.c.path }

// Op is the operator without its C prefix.
func (c Cond) Op() Operator { return Operator(c.c.base) }

// CaseFold reports a C operator.
func (c Cond) CaseFold() bool { return c.c.fold }

// Foldable reports, for a C operator, whether the value is a string or a
// list of strings; otherwise the condition is false for every entry.
func (c Cond) Foldable() bool { return c.c.foldable }

// Value is the filter value in canonical form (nil, bool, int64, float64,
// string, time.Time, []any, map[string]any, or a value no entry holds),
// folded for a foldable C operator. For ~ it is the pattern.
func (c Cond) Value() any { return c.c.y }

// Regexp is the compiled pattern of ~, anchored at the start of the text.
func (c Cond) Regexp() *regexp.Regexp { return c.c.re }

// Below returns the same condition on path instead of its own, e.g. the
// part of its path under a column.
func (c Cond) Below(path []string) Cond {
	out := *c.c
	out.path = path
	return Cond{&out}
}

// Holds reports whether the condition holds for v, its path resolved from
// v (the missing-key rule applies).
func (c Cond) Holds(v any) bool { return resolve(v, c.c.path, c.c.test) }

// Node returns c as a leaf node.
func (c Cond) Node() Node { return Node{&node{cond: c.c}} }

// OrderKey is one order_by item.
type OrderKey struct {
	// Path is the field as segments.
	Path []string
	// Desc sorts in descending order.
	Desc bool
	// NullsFirst and NullsLast are the nulls_first: and nulls_last:
	// prefixes; without either, null is the smallest value.
	NullsFirst, NullsLast bool
}

// OrderKeys returns the order_by items, the primary key first.
func (o *Options) OrderKeys() []OrderKey {
	if o == nil {
		return nil
	}
	out := make([]OrderKey, len(o.order))
	for i, k := range o.order {
		out[i] = OrderKey{Path: k.path, Desc: k.desc, NullsFirst: k.nulls == nullsFirst, NullsLast: k.nulls == nullsLast}
	}
	return out
}

// Rank is the place of v's type in the total order of section 11.3: null
// 0, boolean 1, number 2, date-time 3, string 4, array 5, object 6.
func Rank(v any) int { return int(kindOf(v)) }

// First returns the first value reached by path from v, nil when the
// path does not resolve.
func First(v any, path []string) any { return first(v, path) }

// CompilePattern compiles the pattern of a ~ condition as the engine
// does: RE2 syntax, matching only at the start of the text.
func CompilePattern(pattern string) (*regexp.Regexp, error) { return anchoredRegexp(pattern) }
