package schema

import "github.com/keyward/keyward/internal/ejson"

// Redacted replaces secret values in recorded params.
const Redacted = "********"

// Redact returns the positional arguments as plain values, with every value
// the parameters' schemas mark Secret replaced by Redacted. It works on
// arguments as sent, valid or not.
func Redact(params []Field, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if i < len(params) {
			out[i] = params[i].Schema.redact(a)
		} else {
			out[i] = ejson.Plain(a)
		}
	}
	return out
}

func (s *Schema) redact(v any) any {
	if s.Secret && v != nil {
		return Redacted
	}
	switch s.Kind {
	case KindObject:
		if o, ok := v.(*ejson.Object); ok {
			return redactFields(s.Fields, o)
		}
	case KindUnion:
		if o, ok := v.(*ejson.Object); ok {
			tag, _ := o.Get(s.Tag)
			for _, variant := range s.Variants {
				if variant.Tag == tag {
					return redactFields(variant.Schema.Fields, o)
				}
			}
		}
	case KindList:
		if l, ok := v.([]any); ok {
			out := make([]any, len(l))
			for i, e := range l {
				out[i] = s.Items.redact(e)
			}
			return out
		}
	}
	return ejson.Plain(v)
}

func redactFields(fields []Field, o *ejson.Object) map[string]any {
	out := make(map[string]any, len(o.Keys))
	for i, k := range o.Keys {
		v := o.Vals[i]
		out[k] = ejson.Plain(v)
		for _, f := range fields {
			if f.Name == k {
				out[k] = f.Schema.redact(v)
			}
		}
	}
	return out
}
