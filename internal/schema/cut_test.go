package schema_test

import (
	"encoding/json"
	"testing"

	"github.com/keyward/keyward/internal/schema"
)

func TestCut(t *testing.T) {
	t.Parallel()
	newest := schema.Object(schema.Req("id", schema.Int()), schema.Req("username", schema.String().OrNull()),
		schema.Req("reason", schema.String().OrNull()))
	old := schema.Object(schema.Req("id", schema.Int()), schema.Req("username", schema.String()))
	list := func(s *schema.Schema) *schema.Schema { return schema.AnyOf(schema.List(s), schema.Int(), s) }
	for _, tc := range []struct {
		name     string
		from, to *schema.Schema
		in, want string
	}{
		{"OKDropsNewerMember", newest, old, `{"id":1,"username":"a","reason":"x"}`, `{"id":1,"username":"a"}`},
		{"OKNullToEmptyString", newest, old, `{"id":1,"username":null,"reason":null}`, `{"id":1,"username":""}`},
		{"OKKeepsUnknownAlias", newest, old, `{"alias":"x","reason":"y"}`, `{"alias":"x"}`},
		{"OKList", list(newest), list(old), `[{"id":1,"reason":"x"},{"id":2,"username":null}]`, `[{"id":1},{"id":2,"username":""}]`},
		{"OKCount", list(newest), list(old), `3`, `3`},
		{"OKGet", list(newest), list(old), `{"id":1,"reason":"x"}`, `{"id":1}`},
		{"OKSameSchema", newest, newest, `{"id":1,"reason":"x"}`, `{"id":1,"reason":"x"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in any
			if err := json.Unmarshal([]byte(tc.in), &in); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(schema.Cut(tc.from, tc.to, in))
			if string(got) != tc.want {
				t.Fatalf("Cut(%s) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}
