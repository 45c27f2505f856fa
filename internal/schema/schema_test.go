package schema_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/ejson"
	"github.com/keyward/keyward/internal/schema"
)

func mustDecode(t *testing.T, s string) any {
	t.Helper()
	v, err := ejson.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var login = schema.Union("mechanism", "AuthMech",
	schema.Variant{Tag: "API_KEY_PLAIN", Schema: schema.Object(schema.Req("username", schema.String()), schema.Req("api_key", schema.String()))},
	schema.Variant{Tag: "PASSWORD_PLAIN", Schema: schema.Object(schema.Req("username", schema.String()), schema.Req("password", schema.String()))},
)

var keyCreate = schema.Object(
	schema.Req("name", schema.String().Len(1, 200)),
	schema.Req("username", schema.String().Len(1, 0)),
	schema.Opt("expires_at", schema.DateTime().OrNull(), nil),
)

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name   string
		schema *schema.Schema
		in     string
		want   [][2]string // attribute, message
	}{
		{"ErrRequiredAndExtra", keyCreate, `{"foo": 1, "bar": 2}`, [][2]string{
			{"p.name", "Field required"}, {"p.username", "Field required"},
			{"p.foo", "Extra inputs are not permitted"}, {"p.bar", "Extra inputs are not permitted"}}},
		{"ErrLength", keyCreate, `{"name": "", "username": "x"}`, [][2]string{{"p.name", "String should have at least 1 character"}}},
		{"ErrMaxLength", schema.String().Len(0, 3), `"abcd"`, [][2]string{{"p", "String should have at most 3 characters"}}},
		{"ErrDefaultMaxLength", schema.String(), `"` + string(make([]byte, 0)) + repeat("é", 1025) + `"`, [][2]string{{"p", "String should have at most 1024 characters"}}},
		{"ErrDateTimeString", keyCreate, `{"name": "a", "username": "b", "expires_at": "2026-01-01"}`, [][2]string{{"p.expires_at", "Input should be a valid datetime"}}},
		{"ErrIntegerString", schema.Int(), `"5"`, [][2]string{{"p", "Input should be a valid integer"}}},
		{"ErrIntegerFraction", schema.Int(), `5.0`, [][2]string{{"p", "Input should be a valid integer"}}},
		{"ErrIntegerRange", schema.Int(), `9223372036854775808`, [][2]string{{"p", "Input should be a valid integer"}}},
		{"ErrBounds", schema.Int().Range(0, 10000), `10001`, [][2]string{{"p", "Input should be less than or equal to 10000"}}},
		{"ErrLowerBound", schema.Int().Range(0, 10000), `-1`, [][2]string{{"p", "Input should be greater than or equal to 0"}}},
		{"ErrBoolean", schema.Bool(), `1`, [][2]string{{"p", "Input should be a valid boolean"}}},
		{"ErrList", schema.List(schema.Int()), `{"$set": [1]}`, [][2]string{{"p", "Input should be a valid list"}}},
		{"ErrListItem", schema.List(schema.Int()), `[1, "x", 3, true]`, [][2]string{{"p.1", "Input should be a valid integer"}, {"p.3", "Input should be a valid integer"}}},
		{"ErrDictionary", keyCreate, `[]`, [][2]string{{"p", "Input should be a valid dictionary"}}},
		{"ErrEnum", schema.Enum("WS", "CLI", "REST"), `"X"`, [][2]string{{"p", "Input should be 'WS', 'CLI' or 'REST'"}}},
		{"ErrUnionTagMissing", login, `{"username": "a"}`, [][2]string{{"p.mechanism", "Field required"}}},
		{"ErrUnionTag", login, `{"mechanism": "SCRAM"}`, [][2]string{{"p", "Input tag 'SCRAM' found using 'mechanism' does not match any of the expected tags: <AuthMech.API_KEY_PLAIN: 'API_KEY_PLAIN'>, <AuthMech.PASSWORD_PLAIN: 'PASSWORD_PLAIN'>"}}},
		{"ErrUnionNullTag", login, `{"mechanism": null}`, [][2]string{{"p", "Input tag 'None' found using 'mechanism' does not match any of the expected tags: <AuthMech.API_KEY_PLAIN: 'API_KEY_PLAIN'>, <AuthMech.PASSWORD_PLAIN: 'PASSWORD_PLAIN'>"}}},
		{"ErrUnionVariantField", login, `{"mechanism": "PASSWORD_PLAIN", "username": "a", "x": 1}`, [][2]string{
			{"p.PASSWORD_PLAIN.password", "Field required"}, {"p.PASSWORD_PLAIN.x", "Extra inputs are not permitted"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := &keyward.ValidationError{}
			tt.schema.Validate("p", mustDecode(t, tt.in), errs)
			var got [][2]string
			for _, f := range errs.Fields {
				got = append(got, [2]string{f.Attr, f.Message})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestValidateParams(t *testing.T) {
	params := []schema.Field{schema.Req("id", schema.Int()), schema.Opt("options", schema.Map(), map[string]any{})}
	t.Run("OK", func(t *testing.T) {
		got, err := schema.ValidateParams(params, []any{mustDecode(t, "7")})
		if err != nil || !reflect.DeepEqual(got, []any{int64(7), map[string]any{}}) {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	t.Run("OKNestedDefaults", func(t *testing.T) {
		data := []schema.Field{schema.Opt("data", schema.Object(schema.Opt("services", schema.List(schema.String()), []any{"A"})), map[string]any{})}
		got, err := schema.ValidateParams(data, nil)
		if err != nil || !reflect.DeepEqual(got, []any{map[string]any{"services": []any{"A"}}}) {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		_, err := schema.ValidateParams(params, []any{nil, nil, nil})
		if err == nil || err.Error() != "[EINVAL] : Too many arguments (expected 2, found 3)\n" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		_, err := schema.ValidateParams(params, nil)
		if err == nil || err.Error() != "[EINVAL] id: Field required\n" {
			t.Fatalf("got %v", err)
		}
	})
}

func TestDecodeInto(t *testing.T) {
	var in struct {
		Name      string                      `json:"name"`
		Username  string                      `json:"username"`
		ExpiresAt keyward.Opt[*time.Time]     `json:"expires_at"`
		Reset     keyward.Opt[bool]           `json:"reset"`
		Tags      []string                    `json:"tags"`
		Extra     keyward.Opt[map[string]any] `json:"extra"`
	}
	errs := &keyward.ValidationError{}
	s := schema.Object(keyCreate.Fields[0], keyCreate.Fields[1], keyCreate.Fields[2],
		schema.Maybe("reset", schema.Bool()), schema.Opt("tags", schema.List(schema.String()), []any{}))
	v := s.Validate("p", mustDecode(t, `{"name":"n","username":"u","expires_at":{"$date":1000}}`), errs)
	if errs.Err() != nil {
		t.Fatal(errs)
	}
	if err := schema.Decode(v, &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "n" || !in.ExpiresAt.Set || in.ExpiresAt.Value == nil || in.ExpiresAt.Value.Unix() != 1 || in.Reset.Set || in.Tags == nil {
		t.Fatalf("decoded %+v", in)
	}
}

func TestJSONSchema(t *testing.T) {
	got := schema.ParamsJSON([]schema.Field{schema.Req("id", schema.Int())})
	want := map[string]any{"type": "array", "items": false, "minItems": 1, "prefixItems": []any{
		map[string]any{"type": "integer", "title": "id"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
}
