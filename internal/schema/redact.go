package schema

import "github.com/keyward/keyward/internal/ejson"

// Redacted replaces secret values in recorded params.
const Redacted = "********"

// Redact returns the positional arguments as plain values for an audit
// record, failing closed: a value the parameters' schemas mark Secret, a
// value the schemas do not describe (an extra argument, an unknown field or
// union variant) and a value of the wrong shape are all replaced by
// Redacted, so a secret sent in the wrong place is not recorded either. It
// works on arguments as sent, valid or not.
func Redact(params []Field, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = Redacted
		if i < len(params) {
			out[i] = params[i].Schema.redact(a)
		}
	}
	return out
}

func (s *Schema) redact(v any) any {
	switch {
	case v == nil:
		return nil
	case s.Secret:
		return Redacted
	}
	switch s.Kind {
	case KindObject:
		if o, ok := v.(*ejson.Object); ok {
			return redactFields(s.Fields, o, "")
		}
	case KindUnion:
		if o, ok := v.(*ejson.Object); ok {
			return s.redactVariant(o)
		}
	case KindList:
		if l, ok := v.([]any); ok {
			out := make([]any, len(l))
			for i, e := range l {
				out[i] = s.Items.redact(e)
			}
			return out
		}
	case KindAny, KindMap:
		return ejson.Plain(v)
	case KindString:
		if str, ok := v.(string); ok {
			if s.Recorded != nil {
				return s.Recorded(str)
			}
			return v
		}
	default:
		if !isContainerOrString(v) {
			return ejson.Plain(v)
		}
	}
	return Redacted
}

// redactVariant redacts an object of a tagged union by the variant its
// tag names; with an unknown tag, every member is redacted.
func (s *Schema) redactVariant(o *ejson.Object) any {
	tag, _ := o.Get(s.Tag)
	for _, variant := range s.Variants {
		if variant.Tag == tag {
			return redactFields(variant.Schema.Fields, o, s.Tag)
		}
	}
	return redactFields(nil, o, "")
}

// redactFields redacts each member by its field's schema; members no field
// describes are redacted, except keep, the tag of a known variant.
func redactFields(fields []Field, o *ejson.Object, keep string) map[string]any {
	out := make(map[string]any, len(o.Keys))
	for i, k := range o.Keys {
		out[k] = Redacted
		if k == keep && keep != "" {
			out[k] = ejson.Plain(o.Vals[i])
		}
		for _, f := range fields {
			if f.Name == k {
				out[k] = f.Schema.redact(o.Vals[i])
			}
		}
	}
	return out
}

func isContainerOrString(v any) bool {
	switch v.(type) {
	case string, *ejson.Object, []any, ejson.Set:
		return true
	}
	return false
}
