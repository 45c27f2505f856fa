package schema

// JSON renders s as a JSON Schema 2020-12 document (as plain values).
func (s *Schema) JSON() map[string]any {
	out := s.typeJSON()
	if s.Nullable && s.Kind != KindAny && s.Kind != KindNull {
		out = map[string]any{"anyOf": []any{out, map[string]any{"type": "null"}}}
	}
	if s.Title != "" {
		out["title"] = s.Title
	}
	describe(out, s.Description)
	return out
}

// describe sets a rendered schema's description; a date-time keeps its
// note on the wire form after the text.
func describe(out map[string]any, text string) {
	if text == "" {
		return
	}
	if out["format"] == "date-time" && out["description"] == DateTimeNote {
		text += " " + DateTimeNote
	}
	out["description"] = text
}

func (s *Schema) typeJSON() map[string]any {
	switch s.Kind {
	case KindString:
		return s.stringJSON()
	case KindInteger:
		out := map[string]any{"type": "integer"}
		if s.Minimum != nil {
			out["minimum"] = *s.Minimum
		}
		if s.Maximum != nil {
			out["maximum"] = *s.Maximum
		}
		return out
	case KindNumber:
		return map[string]any{"type": "number"}
	case KindBoolean:
		return map[string]any{"type": "boolean"}
	case KindDateTime:
		return dateTimeJSON()
	case KindNull:
		return map[string]any{"type": "null"}
	case KindList:
		return map[string]any{"type": "array", "items": s.Items.JSON()}
	case KindObject:
		return s.objectJSON(nil)
	case KindMap:
		return map[string]any{"type": "object"}
	case KindUnion:
		return s.unionJSON()
	case KindConst:
		return map[string]any{"const": s.Const}
	case KindAnyOf:
		alts := make([]any, len(s.Alts))
		for i, a := range s.Alts {
			alts[i] = a.JSON()
		}
		return map[string]any{"anyOf": alts}
	}
	return map[string]any{}
}

func (s *Schema) stringJSON() map[string]any {
	if len(s.Enum) > 0 {
		enum := make([]any, len(s.Enum))
		for i, e := range s.Enum {
			enum[i] = e
		}
		return map[string]any{"type": "string", "enum": enum}
	}
	out := map[string]any{"type": "string", "maxLength": s.maxLength()}
	if s.MinLength > 0 {
		out["minLength"] = s.MinLength
	}
	return out
}

// DateTimeNote describes how a date-time travels; it is the description of
// every date-time schema without one of its own.
const DateTimeNote = `A UTC date-time, sent as extended JSON: {"$date": <milliseconds since the Unix epoch>} ` +
	`(whole seconds in results); the TrueNAS client decodes it to a datetime.`

// dateTimeJSON describes a date-time as TrueNAS's own schemas do: a string
// of format date-time, with the wire form in the description. Describing
// the wire form instead, as an object with a "$date" property, puts a
// one-key {"$date": ...} object into the schema, which TrueNAS's client
// decodes as extended JSON: it fails, and drops the whole answer.
func dateTimeJSON() map[string]any {
	return map[string]any{"type": "string", "format": "date-time", "description": DateTimeNote}
}

// objectJSON renders an object schema; extra adds leading properties (the
// tag of a union variant).
func (s *Schema) objectJSON(extra map[string]any) map[string]any {
	props := map[string]any{}
	required := []any{}
	for k, v := range extra {
		props[k] = v
		required = append(required, k)
	}
	for _, f := range s.Fields {
		fs := f.Schema.JSON()
		describe(fs, f.Description)
		if f.HasDefault {
			fs["default"] = Clone(f.Default)
		}
		props[f.Name] = fs
		if f.Required {
			required = append(required, f.Name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	if !s.AllowExtra {
		out["additionalProperties"] = false
	}
	return out
}

func (s *Schema) unionJSON() map[string]any {
	alts := make([]any, len(s.Variants))
	for i, v := range s.Variants {
		tag := map[string]any{"const": v.Tag}
		alt := v.Schema.objectJSON(map[string]any{s.Tag: tag})
		alt["title"] = v.Tag
		alts[i] = alt
	}
	return map[string]any{"oneOf": alts}
}

// ParamsJSON renders the combined "Call parameters" schema of positional
// parameters: an array with prefixItems, no further items, and minItems
// equal to the number of required parameters.
func ParamsJSON(params []Field) map[string]any {
	items := make([]any, len(params))
	for i, p := range params {
		items[i] = FieldJSON(p)
	}
	return map[string]any{
		"type":        "array",
		"prefixItems": items,
		"items":       false,
		"minItems":    RequiredCount(params),
	}
}

// FieldJSON renders one parameter's schema with its name, description and
// default.
func FieldJSON(p Field) map[string]any {
	out := p.Schema.JSON()
	out["title"] = p.Name
	describe(out, p.Description)
	if p.HasDefault {
		out["default"] = Clone(p.Default)
	}
	return out
}
