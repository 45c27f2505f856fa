package schema

// Cut shapes v, a value of schema newest (a method's result or an event's
// fields in the newest API version), for an older version whose schema is
// old: members the newest object declares but the old one does not are
// left out, and a null where the old schema has a non-nullable string
// becomes "". Members neither declares (aliases made by a query's select)
// and values of other kinds pass unchanged. Lists and anyOf results are
// cut member by member, the alternative chosen by the value's kind.
func Cut(newest, old *Schema, v any) any {
	if newest == nil || old == nil || newest == old || v == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		n, o := objectOf(newest), objectOf(old)
		if n == nil || o == nil {
			return v
		}
		return cutObject(n, o, x)
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Cut(itemsOf(newest), itemsOf(old), e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Cut(itemsOf(newest), itemsOf(old), e)
		}
		return out
	}
	return v
}

func cutObject(newest, old *Schema, m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, val := range m {
		nf, inNewest := fieldOf(newest, k)
		of, inOld := fieldOf(old, k)
		switch {
		case inNewest && !inOld:
			continue // a member the older version does not have
		case inNewest && inOld:
			if val == nil && of.Schema.Kind == KindString && !of.Schema.Nullable {
				val = ""
			} else {
				val = Cut(nf.Schema, of.Schema, val)
			}
		}
		out[k] = val
	}
	return out
}

// objectOf returns s, or the object alternative of an anyOf, or nil.
func objectOf(s *Schema) *Schema {
	if s.Kind == KindObject {
		return s
	}
	for _, a := range s.Alts {
		if a.Kind == KindObject {
			return a
		}
	}
	return nil
}

// itemsOf returns the item schema of s, or of the list alternative of an
// anyOf, or nil.
func itemsOf(s *Schema) *Schema {
	if s == nil {
		return nil
	}
	if s.Kind == KindList {
		return s.Items
	}
	for _, a := range s.Alts {
		if a.Kind == KindList {
			return a.Items
		}
	}
	return nil
}

func fieldOf(s *Schema, name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}
