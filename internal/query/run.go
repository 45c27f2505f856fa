package query

import (
	"maps"
	"sort"

	"github.com/keyward/keyward"
)

// Run evaluates a query on entries held in memory, which must be given in
// the default order (ascending id). In the order of section 11.3 it
// filters, returns the count (an int64) when asked, orders, skips Offset,
// applies Limit, and shapes the result: a []any of map[string]any, or one
// map[string]any for Get (keyward.ErrMatchNotFound when nothing matches).
// Entries are not modified; without select the result shares them.
func Run(entries []map[string]any, f *Filter, o *Options) (any, error) {
	if o == nil {
		o = &Options{}
	}
	matched := make([]map[string]any, 0, len(entries))
	for _, e := range entries {
		if f.Match(e) {
			matched = append(matched, e)
		}
	}
	if o.Count {
		return int64(len(matched)), nil
	}
	o.sortEntries(matched)
	return o.Shape(o.page(matched))
}

// Shape finishes a query whose entries are already filtered, ordered and
// paged (for instance read from SQL): Get takes the first entry, or fails
// with keyward.ErrMatchNotFound, and select projects each entry.
func (o *Options) Shape(entries []map[string]any) (any, error) {
	if o == nil {
		o = &Options{}
	}
	if o.Get {
		if len(entries) == 0 {
			return nil, keyward.ErrMatchNotFound
		}
		return o.project(entries[0]), nil
	}
	out := make([]any, len(entries))
	for i, e := range entries {
		out[i] = o.project(e)
	}
	return out, nil
}

// RowLimit is the number of rows a query needs after Offset: 1 for Get,
// Limit when set, and -1 for no limit.
func (o *Options) RowLimit() int64 {
	switch {
	case o == nil:
		return -1
	case o.Get:
		return 1
	case o.Limit > 0:
		return o.Limit
	}
	return -1
}

// page applies Offset and the row limit.
func (o *Options) page(es []map[string]any) []map[string]any {
	if o.Offset >= int64(len(es)) {
		return es[:0]
	}
	es = es[o.Offset:]
	if n := o.RowLimit(); n >= 0 && n < int64(len(es)) {
		es = es[:n]
	}
	return es
}

// sortEntries orders es by the order_by keys; ties keep the given order.
func (o *Options) sortEntries(es []map[string]any) {
	if len(o.order) == 0 {
		return
	}
	type row struct {
		entry map[string]any
		keys  []any
	}
	rows := make([]row, len(es))
	for i, e := range es {
		keys := make([]any, len(o.order))
		for j, k := range o.order {
			keys[j] = first(e, k.path)
		}
		rows[i] = row{entry: e, keys: keys}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for n, k := range o.order {
			if c := k.compare(rows[i].keys[n], rows[j].keys[n]); c != 0 {
				return c < 0
			}
		}
		return false
	})
	for i, r := range rows {
		es[i] = r.entry
	}
}

// compare orders two values of this key; a missing value sorts as null.
func (k orderKey) compare(a, b any) int {
	an, bn := a == nil, b == nil
	if k.nulls != nullsDefault && an != bn {
		if an == (k.nulls == nullsFirst) {
			return -1
		}
		return 1
	}
	c := compareTotal(a, b)
	if k.desc {
		c = -c
	}
	return c
}

// project applies select to one entry: selected keys missing from the
// entry are omitted, null values kept.
func (o *Options) project(e map[string]any) map[string]any {
	if len(o.sel) == 0 {
		return e
	}
	out := map[string]any{}
	for _, s := range o.sel {
		v, ok := lookup(e, s.path)
		switch {
		case !ok:
		case s.pair:
			out[s.alias] = v
		default:
			setNested(out, s.path, v)
		}
	}
	return out
}

// lookup descends through objects only.
func lookup(v any, path []string) (any, bool) {
	for _, seg := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}

// setNested stores v at path in out, creating objects on the way. Objects
// already in out are copied before being changed, since they may belong to
// the entry.
func setNested(out map[string]any, path []string, v any) {
	m := out
	for _, seg := range path[:len(path)-1] {
		next, ok := m[seg].(map[string]any)
		if ok {
			next = maps.Clone(next)
		} else {
			next = map[string]any{}
		}
		m[seg] = next
		m = next
	}
	m[path[len(path)-1]] = v
}
