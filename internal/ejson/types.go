package ejson

import "time"

// Object is a decoded JSON object that remembers the order of its keys:
// Vals[i] is the value of Keys[i]. A duplicated key keeps its first
// position and its last value. Objects in requests are small, so lookups
// scan the keys; past indexFrom keys an index keeps a hostile object of
// many keys from costing quadratic time.
type Object struct {
	Keys  []string
	Vals  []any
	index map[string]int
}

const indexFrom = 16

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	if i := o.find(key); i >= 0 {
		return o.Vals[i], true
	}
	return nil, false
}

func (o *Object) find(key string) int {
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			return i
		}
		return -1
	}
	for i, k := range o.Keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Len returns the number of distinct keys.
func (o *Object) Len() int { return len(o.Keys) }

func (o *Object) set(key string, v any) {
	if i := o.find(key); i >= 0 {
		o.Vals[i] = v
		return
	}
	o.Keys = append(o.Keys, key)
	o.Vals = append(o.Vals, v)
	switch {
	case o.index != nil:
		o.index[key] = len(o.Keys) - 1
	case len(o.Keys) > indexFrom:
		o.index = make(map[string]int, 2*len(o.Keys))
		for i, k := range o.Keys {
			o.index[k] = i
		}
	}
}

// TimeOfDay is a decoded {"$time": "HH:MM:SS"}.
type TimeOfDay struct {
	Hour, Minute, Second, Microsecond int
}

// Set is a decoded {"$set": [...]}; order is not significant.
type Set []any

// Date is a decoded {"$type": "date", "$value": "YYYY-MM-DD"}.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Interface is a decoded {"$ipv4_interface": ...} or {"$ipv6_interface": ...}.
type Interface struct {
	Family  string // "ipv4" or "ipv6"
	Address string // as sent, "a.b.c.d/n"
}

// Plain converts decoded *Object values, at any depth, to map[string]any and
// Sets to []any, leaving every other value as it is. Code past validation
// works on plain values.
func Plain(v any) any {
	switch x := v.(type) {
	case *Object:
		m := make(map[string]any, len(x.Keys))
		for i, k := range x.Keys {
			m[k] = Plain(x.Vals[i])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	case Set:
		return Plain([]any(x))
	}
	return v
}
