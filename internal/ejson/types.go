package ejson

import "time"

// Object is a decoded JSON object that remembers the order of its keys.
// A duplicated key keeps its first position and its last value.
type Object struct {
	Keys   []string
	Values map[string]any
}

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	v, ok := o.Values[key]
	return v, ok
}

// Len returns the number of distinct keys.
func (o *Object) Len() int { return len(o.Keys) }

func (o *Object) set(key string, v any) {
	if o.Values == nil {
		o.Values = make(map[string]any)
	}
	if _, ok := o.Values[key]; !ok {
		o.Keys = append(o.Keys, key)
	}
	o.Values[key] = v
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
		for _, k := range x.Keys {
			m[k] = Plain(x.Values[k])
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
