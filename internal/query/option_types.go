package query

import (
	"fmt"
	"sort"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/ejson"
)

// optionKind is the schema type of an option.
type optionKind int

const (
	optBool optionKind = iota
	optInt
	optStringOrNull
	optObject
	optList
)

// optionSchema lists the options in schema order. relationships, extend,
// extend_context and prefix exist on v25.04.0 only; rejecting them on newer
// versions is the job of the method schema, which knows the version.
var optionSchema = []struct {
	key  string
	kind optionKind
}{
	{"relationships", optBool}, {"extend", optStringOrNull},
	{"extend_context", optStringOrNull}, {"prefix", optStringOrNull},
	{"extra", optObject}, {"order_by", optList}, {"select", optList},
	{"count", optBool}, {"get", optBool}, {"offset", optInt}, {"limit", optInt},
	{"force_sql_filters", optBool},
}

// checkOptionTypes adds the schema errors of opts to v: wrong types, bounds
// and unknown keys.
func checkOptionTypes(v *keyward.ValidationError, attr string, opts map[string]any) {
	known := map[string]bool{}
	for _, f := range optionSchema {
		known[f.key] = true
		val, ok := opts[f.key]
		if !ok {
			continue
		}
		at := attr + "." + f.key
		if msg := typeError(f.kind, val); msg != "" {
			v.Add(at, msg)
			continue
		}
		checkOptionValue(v, at, f.key, val)
	}
	var unknown []string
	for k := range opts {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		v.Add(attr+"."+k, "Extra inputs are not permitted")
	}
}

// typeError returns the schema message for a value of the wrong type.
func typeError(k optionKind, val any) string {
	ok := false
	switch k {
	case optBool:
		_, ok = val.(bool)
		return unless(ok, "Input should be a valid boolean")
	case optInt:
		_, ok = intOption(val)
		return unless(ok, "Input should be a valid integer")
	case optStringOrNull:
		_, ok = val.(string)
		return unless(ok || val == nil, "Input should be a valid string")
	case optObject:
		_, ok = plainObject(val)
		return unless(ok, "Input should be a valid dictionary")
	}
	_, ok = listOption(val)
	return unless(ok, "Input should be a valid list")
}

func unless(ok bool, msg string) string {
	if ok {
		return ""
	}
	return msg
}

// checkOptionValue checks the items and bounds of a value of the right type.
func checkOptionValue(v *keyward.ValidationError, at, key string, val any) {
	switch key {
	case "offset", "limit":
		n, _ := intOption(val)
		if n < 0 {
			v.Add(at, "Input should be greater than or equal to 0")
		} else if key == "limit" && n > MaxLimit {
			v.Add(at, fmt.Sprintf("Input should be less than or equal to %d", MaxLimit))
		}
	case "order_by":
		items, _ := listOption(val)
		for i, item := range items {
			if _, ok := item.(string); !ok {
				v.Add(fmt.Sprintf("%s.%d", at, i), "Input should be a valid string")
			}
		}
	case "select":
		items, _ := listOption(val)
		for i, item := range items {
			switch item.(type) {
			case string, []any:
			default:
				v.Add(fmt.Sprintf("%s.%d", at, i), "Input should be a valid string")
			}
		}
	}
}

// plainObject returns an object option as a map.
func plainObject(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case *ejson.Object:
		m, _ := ejson.Plain(x).(map[string]any)
		return m, true
	}
	return nil, false
}
