package docs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// row is one line of a schema table: a field at a dotted path.
type row struct {
	Path, Type, Default, Rules, Description string
	Required                                bool
}

// schemaView is a schema made readable: its rows and the JSON itself.
type schemaView struct {
	Rows []row
	Type string // for schemas that are not objects
	Rule string
	JSON string
}

func viewSchema(s map[string]any) schemaView {
	v := schemaView{JSON: pretty(s)}
	if props, ok := s["properties"].(map[string]any); ok {
		v.Rows = objectRows("", s, props)
	} else if alts, ok := s["oneOf"].([]any); ok {
		for _, a := range alts {
			alt, _ := a.(map[string]any)
			tag, _ := alt["title"].(string)
			props, _ := alt["properties"].(map[string]any)
			v.Rows = append(v.Rows, objectRows(tag, alt, props)...)
		}
	} else {
		v.Type, v.Rule = typeOf(s), rules(s)
		// A result such as "list of entries, an entry or a count": show
		// the entry's fields too.
		if obj := objectOf(s); !isDate(obj) {
			if props, ok := obj["properties"].(map[string]any); ok {
				v.Rows = objectRows("", obj, props)
			}
		}
	}
	return v
}

func objectRows(prefix string, obj, props map[string]any) []row {
	required := map[string]bool{}
	if rs, ok := obj["required"].([]any); ok {
		for _, r := range rs {
			required[fmt.Sprint(r)] = true
		}
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []row
	for _, n := range names {
		p, _ := props[n].(map[string]any)
		path := n
		if prefix != "" {
			path = prefix + "." + n
		}
		r := row{Path: path, Type: typeOf(p), Rules: rules(p), Required: required[n]}
		if d, ok := p["default"]; ok {
			r.Default = compact(d)
		}
		r.Description, _ = p["description"].(string)
		out = append(out, r)
		if sub, ok := objectOf(p)["properties"].(map[string]any); ok && !isDate(objectOf(p)) {
			out = append(out, objectRows(path, objectOf(p), sub)...)
		}
	}
	return out
}

// objectOf finds the object schema inside s (also inside "X or null").
func objectOf(s map[string]any) map[string]any {
	if alts, ok := s["anyOf"].([]any); ok {
		for _, a := range alts {
			if m, ok := a.(map[string]any); ok && m["type"] == "object" {
				return m
			}
		}
	}
	if items, ok := s["items"].(map[string]any); ok && s["type"] == "array" {
		return objectOf(items)
	}
	return s
}

// isDate reports a date-time schema: a string of format date-time, sent
// as {"$date": ms} (schema.DateTime).
func isDate(s map[string]any) bool { return s["type"] == "string" && s["format"] == "date-time" }

// typeOf names a schema's type for people: "string", "list of integer",
// "date-time or null", "one of 'A', 'B'".
func typeOf(s map[string]any) string {
	switch {
	case s["const"] != nil || hasKey(s, "const"):
		return "exactly " + compact(s["const"])
	case s["enum"] != nil:
		var vs []string
		for _, e := range s["enum"].([]any) {
			vs = append(vs, compact(e))
		}
		return "one of " + strings.Join(vs, ", ")
	case s["anyOf"] != nil:
		var ts []string
		for _, a := range s["anyOf"].([]any) {
			ts = append(ts, typeOf(a.(map[string]any)))
		}
		return strings.Join(ts, " or ")
	case s["oneOf"] != nil:
		return "one of the variants below"
	case isDate(s):
		return `date-time {"$date": ms}`
	}
	switch t := s["type"].(type) {
	case string:
		if t == "array" {
			if items, ok := s["items"].(map[string]any); ok {
				return "list of " + typeOf(items)
			}
		}
		return t
	}
	return "any"
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// rules describes the constraints with the exact messages that enforce them.
func rules(s map[string]any) string {
	if alts, ok := s["anyOf"].([]any); ok {
		var parts []string
		for _, a := range alts {
			if r := rules(a.(map[string]any)); r != "" {
				parts = append(parts, r)
			}
		}
		return strings.Join(parts, "; ")
	}
	var out []string
	if n, ok := num(s["minLength"]); ok && n > 0 {
		out = append(out, fmt.Sprintf("at least %d (%q)", n, fmt.Sprintf("String should have at least %d %s", n, chars(n))))
	}
	if n, ok := num(s["maxLength"]); ok {
		out = append(out, fmt.Sprintf("at most %d characters (%q)", n, fmt.Sprintf("String should have at most %d %s", n, chars(n))))
	}
	if n, ok := num(s["minimum"]); ok {
		out = append(out, fmt.Sprintf(">= %d (%q)", n, fmt.Sprintf("Input should be greater than or equal to %d", n)))
	}
	if n, ok := num(s["maximum"]); ok {
		out = append(out, fmt.Sprintf("<= %d (%q)", n, fmt.Sprintf("Input should be less than or equal to %d", n)))
	}
	if s["additionalProperties"] == false {
		out = append(out, `no other keys ("Extra inputs are not permitted")`)
	}
	return strings.Join(out, "; ")
}

func chars(n int64) string {
	if n == 1 {
		return "character"
	}
	return "characters"
}

func num(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		return int64(x), true
	}
	return 0, false
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func pretty(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}
