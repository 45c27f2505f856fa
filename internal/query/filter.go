package query

import (
	"github.com/keyward/keyward"
)

// maxORDepth is how deep OR conditions may nest (section 11.1).
const maxORDepth = 3

// Filter is a parsed and validated filter list. The zero value and a nil
// *Filter match every entry.
type Filter struct {
	root *node
}

// node is one element of the filter tree: a condition, or an AND or OR
// group of nodes.
type node struct {
	or   bool
	kids []*node
	cond *cond
}

// ParseFilters validates filters (section 11.1) and compiles them. A bad
// filter gives a *keyward.ValidationError with one triple at attribute attr
// (e.g. "filters"); validation stops at the first bad element.
func ParseFilters(attr string, filters []any) (*Filter, error) {
	p := &parser{regexBudget: MaxRegexProgram}
	root, msg := p.parseAnd(filters, 0)
	if msg != "" {
		return nil, keyward.Invalid(attr, "Value error, "+msg)
	}
	return &Filter{root: root}, nil
}

// Match reports whether entry satisfies every condition of f.
func (f *Filter) Match(entry map[string]any) bool {
	if f == nil || f.root == nil {
		return true
	}
	return f.root.match(entry)
}

func (n *node) match(entry map[string]any) bool {
	if n.cond != nil {
		return n.cond.match(entry)
	}
	for _, k := range n.kids {
		if k.match(entry) == n.or {
			return n.or
		}
	}
	return !n.or
}

// parser holds the state of one ParseFilters call.
type parser struct {
	// regexBudget is what is left of the program size the filter's
	// regular expressions may have together (see MaxRegexProgram).
	regexBudget int
}

// parseAnd parses a list of conditions joined by AND. depth is the number
// of enclosing OR conditions. A non-empty message reports the first error.
func (p *parser) parseAnd(list []any, depth int) (*node, string) {
	n := &node{kids: make([]*node, 0, len(list))}
	for _, el := range list {
		kid, msg := p.parseElement(el, depth)
		if msg != "" {
			return nil, msg
		}
		n.kids = append(n.kids, kid)
	}
	return n, ""
}

// parseElement parses one condition or OR condition.
func (p *parser) parseElement(el any, depth int) (*node, string) {
	l, ok := el.([]any)
	if !ok {
		return nil, invalidFilter(el)
	}
	switch len(l) {
	case 2:
		return p.parseOr(l, depth)
	case 3:
		c, msg := p.parseCond(l)
		if msg != "" {
			return nil, msg
		}
		return &node{cond: c}, ""
	}
	return nil, invalidFilter(el)
}

// parseOr parses ["OR", [branch, ...]]; a branch whose first item is a
// list is an AND group, any other branch a single condition.
func (p *parser) parseOr(l []any, depth int) (*node, string) {
	if s, ok := l[0].(string); !ok || s != "OR" {
		return nil, "Invalid operation: " + opText(l[0])
	}
	if depth >= maxORDepth {
		return nil, "query-filters max recursion depth exceeded"
	}
	branches, ok := l[1].([]any)
	if !ok || len(branches) == 0 {
		return nil, "OR filter requires at least one branch."
	}
	n := &node{or: true, kids: make([]*node, 0, len(branches))}
	for _, br := range branches {
		b, ok := br.([]any)
		if !ok || len(b) == 0 {
			return nil, invalidFilter(br)
		}
		var kid *node
		var msg string
		if _, group := b[0].([]any); group {
			kid, msg = p.parseAnd(b, depth+1)
		} else {
			kid, msg = p.parseElement(b, depth+1)
		}
		if msg != "" {
			return nil, msg
		}
		n.kids = append(n.kids, kid)
	}
	return n, ""
}

// conds counts the conditions of the tree below n.
func (n *node) conds() int {
	if n.cond != nil {
		return 1
	}
	total := 0
	for _, k := range n.kids {
		total += k.conds()
	}
	return total
}

func invalidFilter(el any) string {
	return "Invalid filter " + compactJSON(el)
}

// opText renders an operator for an error text: a string as is, anything
// else as JSON.
func opText(op any) string {
	if s, ok := op.(string); ok {
		return s
	}
	return compactJSON(op)
}
