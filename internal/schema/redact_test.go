package schema_test

import (
	"encoding/json"
	"testing"

	"github.com/keyward/keyward/internal/schema"
)

// TestRedactFailsClosed: only what the schemas describe, in the shape they
// describe, is recorded; secrets and values of the wrong shape become
// "********", and members no field describes are left out (api-keys.md
// 15.2: a mistyped "passwrod" is dropped, not masked).
func TestRedactFailsClosed(t *testing.T) {
	secretLogin := schema.Union("mechanism", "AuthMech",
		schema.Variant{Tag: "PASSWORD_PLAIN", Schema: schema.Object(
			schema.Req("username", schema.String()), schema.Req("password", schema.String().Sensitive()))},
	)
	params := []schema.Field{schema.Req("id", schema.Int()), schema.Req("data", keyCreate), schema.Req("login", secretLogin)}
	tests := []struct{ name, args, want string }{
		{"Valid", `[1, {"name": "k", "username": "u", "expires_at": null}, {"mechanism": "PASSWORD_PLAIN", "username": "u", "password": "s"}]`,
			`[1,{"expires_at":null,"name":"k","username":"u"},{"mechanism":"PASSWORD_PLAIN","password":"********","username":"u"}]`},
		{"UnknownField", `[1, {"name": "k", "key": "s"}]`, `[1,{"name":"k"}]`},
		{"MistypedSecret", `[1, {}, {"mechanism": "PASSWORD_PLAIN", "username": "u", "passwrod": "s"}]`,
			`[1,{},{"mechanism":"PASSWORD_PLAIN","username":"u"}]`},
		{"NestedUnknownField", `[1, {"name": "k", "username": {"x": "s"}}, {"mechanism": "PASSWORD_PLAIN", "extra": {"password": "s"}}]`,
			`[1,{"name":"k","username":"********"},{"mechanism":"PASSWORD_PLAIN"}]`},
		{"ExtraArgument", `[1, {}, {}, "s"]`, `[1,{},{},"********"]`},
		{"StringForInt", `["s"]`, `["********"]`},
		{"ObjectForString", `[1, {"name": {"x": "s"}}]`, `[1,{"name":"********"}]`},
		{"ListForObject", `[1, ["s"]]`, `[1,"********"]`},
		{"UnknownVariant", `[1, {}, {"mechanism": "s", "username": "u", "password": "s"}]`,
			`[1,{},{"mechanism":"********"}]`},
		{"NoTag", `[1, {}, {"username": "u", "password": "s"}]`, `[1,{},{}]`},
		{"NumberForInt", `[1.5]`, `[1.5]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := mustDecode(t, tt.args).([]any)
			got, err := json.Marshal(schema.Redact(params, args))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
