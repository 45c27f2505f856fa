package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// A spec is the text form of a filter tree that an SQL function receives
// (see Node.Spec): each condition as its operator, path and value, values
// tagged so that every canonical value, including sub-millisecond
// date-times, survives the trip exactly.
type spec struct {
	Op   string   `json:"op"`
	Path []string `json:"path"`
	Y    any      `json:"y"`
}

// treeSpec is a node of the tree: a condition, or an AND or OR group.
type treeSpec struct {
	Cond *spec      `json:"cond,omitempty"`
	Or   bool       `json:"or,omitempty"`
	Kids []treeSpec `json:"kids,omitempty"`
}

var errBadSpec = errors.New("query: malformed filter spec")

// Spec renders the tree below n as text that ParseSpec turns back into
// the same tree.
func (n Node) Spec() string {
	b, _ := json.Marshal(encodeTree(n.n))
	return string(b)
}

// ParseSpec rebuilds a tree written by Node.Spec.
func ParseSpec(text string) (Node, error) {
	var ts treeSpec
	if err := json.Unmarshal([]byte(text), &ts); err != nil {
		return Node{}, fmt.Errorf("%w: %w", errBadSpec, err)
	}
	n, err := decodeTree(ts)
	if err != nil {
		return Node{}, err
	}
	return Node{n}, nil
}

func encodeTree(n *node) treeSpec {
	if n == nil {
		return treeSpec{}
	}
	if c := n.cond; c != nil {
		path := c.path
		if path == nil {
			path = []string{}
		}
		return treeSpec{Cond: &spec{Op: c.op, Path: path, Y: tag(c.raw)}}
	}
	ts := treeSpec{Or: n.or, Kids: make([]treeSpec, len(n.kids))}
	for i, k := range n.kids {
		ts.Kids[i] = encodeTree(k)
	}
	return ts
}

func decodeTree(ts treeSpec) (*node, error) {
	if s := ts.Cond; s != nil {
		y, err := untag(s.Y)
		if err != nil {
			return nil, err
		}
		if _, _, ok := lookupOp(s.Op); !ok || s.Path == nil {
			return nil, errBadSpec
		}
		c, err := buildCond(s.Op, s.Path, y)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errBadSpec, err)
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

// tag encodes a canonical value: null, booleans and strings as themselves,
// anything else as a [tag, payload] pair.
func tag(v any) any {
	switch x := v.(type) {
	case int64:
		return []any{"i", strconv.FormatInt(x, 10)}
	case float64:
		return []any{"f", strconv.FormatFloat(x, 'g', -1, 64)}
	case time.Time:
		return []any{"t", strconv.FormatInt(x.Unix(), 10), x.Nanosecond()}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = tag(e)
		}
		return []any{"a", out}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = tag(e)
		}
		return []any{"o", out}
	case opaque:
		return []any{"x", x.text}
	}
	return v
}

// untag reverses tag.
func untag(v any) (any, error) {
	pair, ok := v.([]any)
	if !ok {
		return v, nil
	}
	if len(pair) < 2 {
		return nil, errBadSpec
	}
	name, _ := pair[0].(string)
	switch name {
	case "i":
		s, _ := pair[1].(string)
		return strconv.ParseInt(s, 10, 64)
	case "f":
		s, _ := pair[1].(string)
		return strconv.ParseFloat(s, 64)
	case "t":
		return untagTime(pair)
	case "a":
		return untagList(pair[1])
	case "o":
		return untagObject(pair[1])
	case "x":
		s, _ := pair[1].(string)
		return opaque{text: s}, nil
	}
	return nil, errBadSpec
}

func untagTime(pair []any) (any, error) {
	s, _ := pair[1].(string)
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || len(pair) != 3 {
		return nil, errBadSpec
	}
	nsec, _ := pair[2].(float64)
	return time.Unix(sec, int64(nsec)).UTC(), nil
}

func untagList(v any) (any, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, errBadSpec
	}
	out := make([]any, len(items))
	for i, e := range items {
		var err error
		if out[i], err = untag(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func untagObject(v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errBadSpec
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		var err error
		if out[k], err = untag(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}
