package schema

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/ejson"
)

// Validate checks v against s, adding every failure to errs with attribute
// paths below attr, and returns the plain value: objects as map[string]any
// with defaults filled in, integers as int64, date-times as time.Time.
// The result is meaningful only when no error was added.
func (s *Schema) Validate(attr string, v any, errs *keyward.ValidationError) any {
	if v == nil && (s.Nullable || s.Kind == KindAny || s.Kind == KindNull) {
		return nil
	}
	switch s.Kind {
	case KindAny:
		return ejson.Plain(v)
	case KindString:
		return s.validateString(attr, v, errs)
	case KindInteger:
		return s.validateInt(attr, v, errs)
	case KindNumber:
		if n, ok := v.(json.Number); ok {
			return n
		}
		errs.Add(attr, "Input should be a valid number")
	case KindBoolean:
		if b, ok := v.(bool); ok {
			return b
		}
		errs.Add(attr, "Input should be a valid boolean")
	case KindDateTime:
		if t, ok := v.(time.Time); ok {
			return t.Truncate(time.Second)
		}
		errs.Add(attr, "Input should be a valid datetime")
	case KindNull:
		errs.Add(attr, "Input should be None")
	case KindList:
		return s.validateList(attr, v, errs)
	case KindObject:
		return s.validateObject(attr, v, errs)
	case KindMap:
		if o, ok := v.(*ejson.Object); ok {
			return ejson.Plain(o)
		}
		errs.Add(attr, "Input should be a valid dictionary")
	case KindUnion:
		return s.validateUnion(attr, v, errs)
	case KindConst, KindAnyOf:
		return ejson.Plain(v)
	}
	return nil
}

func (s *Schema) validateString(attr string, v any, errs *keyward.ValidationError) any {
	str, ok := v.(string)
	if len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if ok && e == str {
				return str
			}
		}
		errs.Add(attr, "Input should be "+enumList(s.Enum))
		return nil
	}
	if !ok {
		errs.Add(attr, "Input should be a valid string")
		return nil
	}
	n := utf8.RuneCountInString(str)
	if s.Stored && strings.IndexByte(str, 0) >= 0 {
		errs.Add(attr, "String should not contain the NUL character")
		return str
	}
	if n < s.MinLength {
		errs.Add(attr, fmt.Sprintf("String should have at least %d %s", s.MinLength, plural(s.MinLength)))
	} else if max := s.maxLength(); n > max {
		errs.Add(attr, fmt.Sprintf("String should have at most %d %s", max, plural(max)))
	}
	return str
}

func (s *Schema) maxLength() int {
	if s.MaxLength == 0 {
		return DefaultMaxLength
	}
	return s.MaxLength
}

func plural(n int) string {
	if n == 1 {
		return "character"
	}
	return "characters"
}

// enumList renders "'A', 'B' or 'C'".
func enumList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + v + "'"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// Integer returns the int64 value of a JSON number literal without fraction
// or exponent, as the protocol defines integers.
func Integer(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return 0, false
		}
		n, err := strconv.ParseInt(string(x), 10, 64)
		return n, err == nil
	case int64:
		return x, true
	case int:
		return int64(x), true
	}
	return 0, false
}

func (s *Schema) validateInt(attr string, v any, errs *keyward.ValidationError) any {
	n, ok := Integer(v)
	if !ok {
		errs.Add(attr, "Input should be a valid integer")
		return nil
	}
	if s.Minimum != nil && n < *s.Minimum {
		errs.Add(attr, fmt.Sprintf("Input should be greater than or equal to %d", *s.Minimum))
	} else if s.Maximum != nil && n > *s.Maximum {
		errs.Add(attr, fmt.Sprintf("Input should be less than or equal to %d", *s.Maximum))
	}
	return n
}

func (s *Schema) validateList(attr string, v any, errs *keyward.ValidationError) any {
	list, ok := v.([]any)
	if !ok {
		errs.Add(attr, "Input should be a valid list")
		return nil
	}
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = s.Items.Validate(Join(attr, strconv.Itoa(i)), e, errs)
	}
	return out
}

func (s *Schema) validateObject(attr string, v any, errs *keyward.ValidationError) any {
	obj, ok := v.(*ejson.Object)
	if !ok {
		errs.Add(attr, "Input should be a valid dictionary")
		return nil
	}
	out := make(map[string]any, len(s.Fields))
	known := make(map[string]bool, len(s.Fields))
	for _, f := range s.Fields {
		known[f.Name] = true
		if fv, present := obj.Get(f.Name); present {
			out[f.Name] = f.Schema.Validate(Join(attr, f.Name), fv, errs)
		} else if f.Required {
			errs.Add(Join(attr, f.Name), "Field required")
		} else if f.HasDefault {
			out[f.Name] = f.Schema.defaultOf(f.Default)
		}
	}
	for i, k := range obj.Keys {
		if known[k] {
			continue
		}
		if s.AllowExtra {
			out[k] = ejson.Plain(obj.Vals[i])
		} else {
			errs.Add(Join(attr, k), "Extra inputs are not permitted")
		}
	}
	return out
}

func (s *Schema) validateUnion(attr string, v any, errs *keyward.ValidationError) any {
	obj, ok := v.(*ejson.Object)
	if !ok {
		errs.Add(attr, "Input should be a valid dictionary")
		return nil
	}
	tag, present := obj.Get(s.Tag)
	if !present {
		errs.Add(Join(attr, s.Tag), "Field required")
		return nil
	}
	for _, variant := range s.Variants {
		if tag != variant.Tag {
			continue
		}
		rest := &ejson.Object{Keys: make([]string, 0, len(obj.Keys)), Vals: make([]any, 0, len(obj.Keys))}
		for i, k := range obj.Keys {
			if k != s.Tag {
				rest.Keys = append(rest.Keys, k)
				rest.Vals = append(rest.Vals, obj.Vals[i])
			}
		}
		out, _ := variant.Schema.validateObject(Join(attr, variant.Tag), rest, errs).(map[string]any)
		if out != nil {
			out[s.Tag] = variant.Tag
		}
		return out
	}
	errs.Add(attr, s.unionTagMessage(tag))
	return nil
}

func (s *Schema) unionTagMessage(tag any) string {
	var shown string
	switch t := tag.(type) {
	case string:
		shown = t
	case nil:
		shown = "None"
	default:
		b, _ := ejson.Marshal(ejson.Plain(t))
		shown = string(b)
	}
	expected := make([]string, len(s.Variants))
	for i, variant := range s.Variants {
		expected[i] = fmt.Sprintf("<%s.%s: '%s'>", s.TagEnum, variant.Tag, variant.Tag)
	}
	return fmt.Sprintf("Input tag '%s' found using '%s' does not match any of the expected tags: %s",
		shown, s.Tag, strings.Join(expected, ", "))
}

// defaultOf returns a copy of def with the defaults of an object schema's
// own fields filled in, as if {} had been sent.
func (s *Schema) defaultOf(def any) any {
	out := Clone(def)
	m, ok := out.(map[string]any)
	if !ok || s.Kind != KindObject {
		return out
	}
	for _, f := range s.Fields {
		if _, present := m[f.Name]; !present && f.HasDefault {
			m[f.Name] = f.Schema.defaultOf(f.Default)
		}
	}
	return m
}

// Join appends a segment to a dotted attribute path.
func Join(attr, segment string) string {
	if attr == "" {
		return segment
	}
	return attr + "." + segment
}

// Clone deep-copies a plain JSON value, so defaults are never shared.
func Clone(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Clone(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Clone(e)
		}
		return out
	}
	return v
}
