package compat

import (
	"slices"
	"testing"

	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

func TestSchemaDiff(t *testing.T) {
	entry := func(fields ...schema.Field) *schema.Schema { return schema.Object(fields...) }
	id := schema.Req("id", schema.Int())
	tests := []struct {
		name     string
		cur, old *schema.Schema
		want     []string
	}{
		{"Same", entry(id), entry(id), nil},
		{"DescriptionOnly", schema.String().Desc("a"), schema.String().Desc("b"), nil},
		{"MemberOnlyOld", entry(id), entry(id, schema.Req("keyhash", schema.String())), []string{"`result.keyhash` only here"}},
		{"MemberOnlyNew", entry(id, schema.Req("salt", schema.String())), entry(id), []string{"no `result.salt`"}},
		{"InList", schema.List(entry(id, schema.Req("salt", schema.String()))), schema.List(entry(id)), []string{"no `result.salt`"}},
		{"Nullable", entry(schema.Req("username", schema.String().OrNull())), entry(schema.Req("username", schema.String())),
			[]string{"`result.username` never null"}},
		{"Optional", entry(schema.Req("id", schema.Int())), entry(schema.Maybe("id", schema.Int())), []string{"`result.id` optional here"}},
		{"Null", schema.Map(), schema.Null(), []string{"`result` is null"}},
		{"Enum", schema.Enum("A", "B", "C"), schema.Enum("A", "D"),
			[]string{"`result` value `D` only here", "no `result` value `B`", "no `result` value `C`"}},
		{"OtherKind", schema.Int(), schema.String(), []string{"`result` differs"}},
		{"Alternatives",
			schema.AnyOf(entry(schema.Req("response_type", schema.Const("SUCCESS")), schema.Req("token", schema.String())),
				entry(schema.Req("response_type", schema.Enum("AUTH_ERR", "DENIED"))),
				entry(schema.Req("response_type", schema.Const("SCRAM_RESPONSE")))),
			schema.AnyOf(entry(schema.Req("response_type", schema.Const("SUCCESS"))),
				entry(schema.Req("response_type", schema.Enum("AUTH_ERR")))),
			[]string{"no `result(SUCCESS).token`", "no `result(AUTH_ERR/DENIED).response_type` value `DENIED`",
				"no `result` alternative `SCRAM_RESPONSE`"}},
		{"UnionEveryVariant",
			schema.Union("mechanism", "AuthMech",
				schema.Variant{Tag: "A", Schema: entry(schema.Req("x", schema.Int()), schema.Req("y", schema.Int()))},
				schema.Variant{Tag: "B", Schema: entry(schema.Req("x", schema.Int()), schema.Req("y", schema.Int()))},
				schema.Variant{Tag: "NEW", Schema: entry()}),
			schema.Union("mechanism", "AuthMech",
				schema.Variant{Tag: "A", Schema: entry(schema.Req("x", schema.Int()))},
				schema.Variant{Tag: "B", Schema: entry(schema.Req("x", schema.String()))},
				schema.Variant{Tag: "OLD", Schema: entry()}),
			[]string{"`result` mechanism `OLD` only here", "no `result` mechanism `NEW`",
				"`result(B).x` differs", "no `result(every mechanism).y`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := schemaDiff("result", tt.cur, tt.old); !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSpecDiff(t *testing.T) {
	// A query result: a list, or one entry with get; a difference in the
	// entry is named once.
	entry := schema.Object(schema.Req("id", schema.Int()))
	cur := &rpc.Spec{Access: rpc.NoAuth, Params: []schema.Field{schema.Req("a", schema.Int())},
		Result: schema.AnyOf(schema.List(entry), entry)}
	t.Run("Same", func(t *testing.T) {
		if d := specDiff(cur, cur); d != nil {
			t.Fatalf("%q", d)
		}
	})
	t.Run("Differs", func(t *testing.T) {
		old := &rpc.Spec{Access: rpc.NeedLogin, Params: []schema.Field{schema.Req("a", schema.Int()), schema.Opt("b", schema.Bool(), false)},
			Result: schema.AnyOf(schema.List(schema.Object()), schema.Object())}
		want := []string{"access: login, no role", "param `b` only here", "no `result.id`"}
		if d := specDiff(cur, old); !slices.Equal(d, want) {
			t.Fatalf("got  %q\nwant %q", d, want)
		}
	})
}
