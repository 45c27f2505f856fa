package query

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/keyward/keyward"
)

// MaxLimit is the largest limit option accepted.
const MaxLimit = 10000

// MaxOrderFields is the most different fields order_by may name. SQLite
// takes at most 2000 terms in an ORDER BY, and a field inside a JSON
// column needs up to three.
const MaxOrderFields = 100

// Options are parsed query options (section 11.3). The zero value and a nil
// *Options are the defaults.
type Options struct {
	// Count asks for the number of matching entries only.
	Count bool
	// Get asks for the first entry, as an object.
	Get bool
	// Offset is the number of entries skipped after ordering.
	Offset int64
	// Limit is the maximum number of entries returned; 0 means no limit.
	Limit int64
	// Extra holds the method-specific options, never nil after parsing.
	Extra map[string]any

	sel   []selection
	order []orderKey
}

// nulls says where an order key places null values.
type nulls int

const (
	nullsDefault nulls = iota // null is the smallest value
	nullsFirst
	nullsLast
)

// orderKey is one parsed order_by item.
type orderKey struct {
	path  []string
	desc  bool
	nulls nulls
}

// selection is one parsed select item: the value at path is put at the
// key alias or, when alias is empty, nested as in the entry.
type selection struct {
	path  []string
	alias string
	pair  bool
}

// ParseOptions checks and parses options. Problems are reported as a
// *keyward.ValidationError: type errors at "<attr>.<key>" (normally already
// caught by the method's schema), semantic errors at attr with the texts of
// section 11.4.
func ParseOptions(attr string, opts map[string]any) (*Options, error) {
	v := &keyward.ValidationError{}
	checkOptionTypes(v, attr, opts)
	if err := v.Err(); err != nil {
		return nil, err
	}
	o := &Options{Extra: map[string]any{}}
	o.Count, _ = opts["count"].(bool)
	o.Get, _ = opts["get"].(bool)
	o.Offset, _ = intOption(opts["offset"])
	o.Limit, _ = intOption(opts["limit"])
	if extra, ok := plainObject(opts["extra"]); ok {
		o.Extra = extra
	}
	var msg string
	orderBy, _ := listOption(opts["order_by"])
	if o.order, msg = parseOrderBy(orderBy); msg != "" {
		v.Add(attr, "Value error, "+msg)
	}
	sel, _ := listOption(opts["select"])
	if o.sel, msg = parseSelect(sel); msg != "" {
		v.Add(attr, "Value error, "+msg)
	}
	if len(v.Fields) == 0 && o.Get && (o.Limit > 1 || o.Offset > 0) {
		v.Add(attr, "Value error, Invalid options combination. `get` implies a single result.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return o, nil
}

// parseOrderBy parses order_by items: [nulls_first:|nulls_last:][-]field.
// A field named again is dropped: it ties wherever it did before, so it
// cannot change the order.
func parseOrderBy(items []any) ([]orderKey, string) {
	keys := make([]orderKey, 0, min(len(items), MaxOrderFields))
	seen := map[string]bool{}
	for _, item := range items {
		s, _ := item.(string)
		k := orderKey{}
		if rest, ok := strings.CutPrefix(s, "nulls_first:"); ok {
			k.nulls, s = nullsFirst, rest
		} else if rest, ok := strings.CutPrefix(s, "nulls_last:"); ok {
			k.nulls, s = nullsLast, rest
		}
		if rest, ok := strings.CutPrefix(s, "-"); ok {
			k.desc, s = true, rest
		}
		if s == "" {
			return nil, "Invalid order_by: " + compactJSON(item)
		}
		k.path = splitPath(s)
		if name := pathKey(k.path); !seen[name] {
			seen[name] = true
			keys = append(keys, k)
		}
	}
	if len(keys) > MaxOrderFields {
		return nil, fmt.Sprintf("order_by may name at most %d different fields", MaxOrderFields)
	}
	return keys, ""
}

// parseSelect parses select items: a field, or a [field, alias] pair.
func parseSelect(items []any) ([]selection, string) {
	sels := make([]selection, 0, len(items))
	for _, item := range items {
		sel := selection{}
		switch x := item.(type) {
		case string:
			sel.path = splitPath(x)
		case []any:
			if len(x) != 2 {
				return nil, compactJSON(item) + ": A select as list may only contain two parameters: " +
					"the name of the parameter being selected, and the name to which to assign it in resulting data."
			}
			field, ok := x[0].(string)
			if !ok {
				return nil, compactJSON(item) + ": first item must be a string."
			}
			if sel.alias, ok = x[1].(string); !ok {
				return nil, compactJSON(item) + ": second item must be a string."
			}
			sel.path, sel.pair = splitPath(field), true
		}
		for _, seg := range sel.path {
			if seg == "*" || isIndex(seg) {
				return nil, "Selecting by list index is not supported"
			}
		}
		sels = append(sels, sel)
	}
	return sels, ""
}

// intOption reads an integer option value: an int64, or a JSON number
// without fraction or exponent within the signed 64-bit range.
func intOption(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return 0, false
		}
		i, err := x.Int64()
		return i, err == nil
	}
	return 0, false
}

// listOption returns a list option's items, and whether it is a list.
func listOption(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// pathKey is a text naming a path, to find repeated order_by fields.
func pathKey(path []string) string {
	b, _ := json.Marshal(path)
	return string(b)
}
