package query

import (
	"strconv"
	"strings"
)

// splitPath splits a dot path into its segments. Only a backslash before a
// dot escapes it ("a\.b" is the key "a.b"); any other backslash is literal.
func splitPath(field string) []string {
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(field); i++ {
		c := field[i]
		switch {
		case c == '\\' && i+1 < len(field) && field[i+1] == '.':
			cur.WriteByte('.')
			i++
		case c == '.':
			segs = append(segs, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(segs, cur.String())
}

// isIndex reports whether seg is a numeric (array index) segment.
func isIndex(seg string) bool {
	if seg == "" {
		return false
	}
	for i := 0; i < len(seg); i++ {
		if seg[i] < '0' || seg[i] > '9' {
			return false
		}
	}
	return true
}

// resolve walks segs from v and calls fn on every value reached; a "*"
// segment on an array visits each element. It stops and returns true as
// soon as fn does. An unresolvable path calls fn on nothing.
func resolve(v any, segs []string, fn func(any) bool) bool {
	for len(segs) > 0 {
		seg := segs[0]
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return false
			}
			v = next
		case []any:
			if seg == "*" {
				for _, e := range x {
					if resolve(e, segs[1:], fn) {
						return true
					}
				}
				return false
			}
			i, ok := index(seg, len(x))
			if !ok {
				return false
			}
			v = x[i]
		default:
			return false
		}
		segs = segs[1:]
	}
	return fn(v)
}

// index parses an array index segment that is within [0, n).
func index(seg string, n int) (int, bool) {
	if !isIndex(seg) {
		return 0, false
	}
	i, err := strconv.Atoi(seg)
	if err != nil || i >= n {
		return 0, false
	}
	return i, true
}

// first returns the first value reached by segs from v, or nil.
func first(v any, segs []string) any {
	var out any
	resolve(v, segs, func(x any) bool {
		out = x
		return true
	})
	return out
}
