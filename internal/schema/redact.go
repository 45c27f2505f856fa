package schema

import "github.com/keyward/keyward/internal/ejson"

// Redacted replaces secret values in recorded params.
const Redacted = "********"

// Redact returns the positional arguments as plain values for an audit
// record, failing closed: a value the parameters' schemas mark Secret, a
// value the schemas do not describe (an extra argument, the tag of an
// unknown union variant) and a value of the wrong shape are all replaced
// by Redacted, and a member no field describes (an unknown key such as a
// mistyped "passwrod", or any member but the tag of an unknown variant)
// is left out, as TrueNAS does (api-keys.md 15.2); so a secret sent in the
// wrong place is not recorded either. It works on arguments as sent,
// valid or not.
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
			return redactFields(s.Fields, o)
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
// tag names; with an unknown tag, only the tag is kept, redacted.
func (s *Schema) redactVariant(o *ejson.Object) any {
	tag, sent := o.Get(s.Tag)
	for _, variant := range s.Variants {
		if variant.Tag == tag {
			out := redactFields(variant.Schema.Fields, o)
			out[s.Tag] = ejson.Plain(tag)
			return out
		}
	}
	out := map[string]any{}
	if sent {
		out[s.Tag] = Redacted
	}
	return out
}

// redactFields redacts each member a field describes by its schema and
// leaves out the others.
func redactFields(fields []Field, o *ejson.Object) map[string]any {
	out := make(map[string]any, len(o.Keys))
	for i, k := range o.Keys {
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
