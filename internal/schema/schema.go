package schema

// Kind is the JSON type a Schema accepts.
type Kind uint8

// The kinds of schema.
const (
	KindAny      Kind = iota // any JSON value
	KindString               // a string, optionally an enumeration
	KindInteger              // a JSON number without fraction or exponent, in int64
	KindNumber               // any JSON number (results only)
	KindBoolean              // true or false
	KindDateTime             // {"$date": ms}
	KindNull                 // null
	KindList                 // an array of Items
	KindObject               // an object with declared Fields
	KindMap                  // any object
	KindUnion                // an object tagged by Tag, one of Variants
	KindConst                // exactly Const (results only)
	KindAnyOf                // one of Alts (results only)
)

// DefaultMaxLength is the longest string a schema without a maximum accepts.
const DefaultMaxLength = 1024

// Schema describes one JSON value.
type Schema struct {
	Kind        Kind
	Title       string
	Description string
	Nullable    bool
	// Secret values (passwords, keys, tokens) are redacted in audit records.
	Secret bool
	// Recorded, for strings, says how audit records show a value (for
	// example a username that is not a valid one, redacted); nil: as sent.
	Recorded func(string) string

	MinLength, MaxLength int // strings; MaxLength 0 means DefaultMaxLength
	// Stored, for strings, marks a value the database keeps: it may not
	// hold the NUL character, which PostgreSQL text cannot store (both back
	// ends refuse it alike).
	Stored           bool
	Minimum, Maximum *int64
	Enum             []string

	Items *Schema // lists

	Fields     []Field // objects
	AllowExtra bool    // objects: keep unknown keys instead of refusing them

	Tag      string    // unions: the tag field, e.g. "mechanism"
	TagEnum  string    // unions: the enumeration's name in messages, e.g. "AuthMech"
	Variants []Variant // unions

	Const any // consts

	Alts []*Schema // anyOf alternatives
}

// Field is a member of an object schema, or a positional parameter.
type Field struct {
	Name        string
	Schema      *Schema
	Required    bool
	HasDefault  bool
	Default     any // a plain JSON value; copied on use
	Description string
}

// Variant is one alternative of a tagged union.
type Variant struct {
	Tag    string
	Schema *Schema // a KindObject schema without the tag field
}

// String returns a string schema.
func String() *Schema { return &Schema{Kind: KindString} }

// Int returns an integer schema.
func Int() *Schema { return &Schema{Kind: KindInteger} }

// Number returns a number schema.
func Number() *Schema { return &Schema{Kind: KindNumber} }

// Bool returns a boolean schema.
func Bool() *Schema { return &Schema{Kind: KindBoolean} }

// DateTime returns a {"$date": ms} schema.
func DateTime() *Schema { return &Schema{Kind: KindDateTime} }

// Null returns a schema accepting only null.
func Null() *Schema { return &Schema{Kind: KindNull} }

// Any returns a schema accepting any value.
func Any() *Schema { return &Schema{Kind: KindAny} }

// Map returns a schema accepting any object.
func Map() *Schema { return &Schema{Kind: KindMap} }

// List returns a list schema.
func List(items *Schema) *Schema { return &Schema{Kind: KindList, Items: items} }

// Object returns a strict object schema with the given fields, in order.
func Object(fields ...Field) *Schema { return &Schema{Kind: KindObject, Fields: fields} }

// Const returns a schema of exactly v.
func Const(v any) *Schema { return &Schema{Kind: KindConst, Const: v} }

// AnyOf returns a result schema matching any of alts.
func AnyOf(alts ...*Schema) *Schema { return &Schema{Kind: KindAnyOf, Alts: alts} }

// Enum returns a string schema accepting only the given values.
func Enum(values ...string) *Schema { return &Schema{Kind: KindString, Enum: values} }

// Union returns an object schema tagged by tag; enumName names the tag's
// enumeration in error messages.
func Union(tag, enumName string, variants ...Variant) *Schema {
	return &Schema{Kind: KindUnion, Tag: tag, TagEnum: enumName, Variants: variants}
}

// Len sets the string length bounds (max 0: DefaultMaxLength).
func (s *Schema) Len(min, max int) *Schema { s.MinLength, s.MaxLength = min, max; return s }

// Kept marks a string the database keeps (Stored).
func (s *Schema) Kept() *Schema { s.Stored = true; return s }

// Range sets inclusive integer bounds.
func (s *Schema) Range(min, max int64) *Schema { s.Minimum, s.Maximum = &min, &max; return s }

// AtLeast sets an inclusive lower integer bound.
func (s *Schema) AtLeast(min int64) *Schema { s.Minimum = &min; return s }

// OrNull makes the schema accept null too.
func (s *Schema) OrNull() *Schema { s.Nullable = true; return s }

// Desc sets the description.
func (s *Schema) Desc(d string) *Schema { s.Description = d; return s }

// Named sets the title.
func (s *Schema) Named(title string) *Schema { s.Title = title; return s }

// Sensitive marks the value as a secret, redacted wherever params are
// recorded.
func (s *Schema) Sensitive() *Schema { s.Secret = true; return s }

// RecordAs makes audit records show a string value as fn returns it.
func (s *Schema) RecordAs(fn func(string) string) *Schema { s.Recorded = fn; return s }

// Extra makes an object schema keep unknown keys.
func (s *Schema) Extra() *Schema { s.AllowExtra = true; return s }

// Partial returns a copy of an object schema whose fields are all optional
// (an entry after a query's select).
func (s *Schema) Partial() *Schema {
	out := *s
	out.Fields = make([]Field, len(s.Fields))
	for i, f := range s.Fields {
		f.Required = false
		out.Fields[i] = f
	}
	return &out
}

// Req returns a required field.
func Req(name string, s *Schema) Field { return Field{Name: name, Schema: s, Required: true} }

// Opt returns an optional field that takes def when absent.
func Opt(name string, s *Schema, def any) Field {
	return Field{Name: name, Schema: s, HasDefault: true, Default: def}
}

// Maybe returns an optional field with no default: when absent it stays
// absent, so updates can tell "unchanged" from "set to null".
func Maybe(name string, s *Schema) Field { return Field{Name: name, Schema: s} }

// Doc sets the field's description.
func (f Field) Doc(d string) Field { f.Description = d; return f }
