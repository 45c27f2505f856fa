package rpc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/rpc"
	"github.com/keyward/keyward/internal/schema"
)

// method returns a well-formed registry entry for registry tests.
func method(name string) *rpc.Method {
	return &rpc.Method{Name: name, Summary: "A method.", Access: rpc.NeedLogin, Result: schema.Bool(),
		Handler: func(context.Context, *rpc.Call) (any, error) { return true, nil }}
}

// TestRegistryPanics: a malformed entry is a programming error found at
// start-up.
func TestRegistryPanics(t *testing.T) {
	t.Parallel()
	needRole := rpc.NeedRole
	cases := []struct {
		name, panic string
		edit        func(m *rpc.Method)
	}{
		{"ErrNoHandler", "lacks a handler", func(m *rpc.Method) { m.Handler = nil }},
		{"ErrNoResult", "lacks a handler, result schema or summary", func(m *rpc.Method) { m.Result = nil }},
		{"ErrNoSummary", "lacks a handler, result schema or summary", func(m *rpc.Method) { m.Summary = "" }},
		{"ErrRoleless", "needs a role but lists none", func(m *rpc.Method) { m.Access = rpc.NeedRole }},
		{"ErrRolelessInOneVersion", "needs a role but lists none", func(m *rpc.Method) {
			m.Versions = map[keyward.Version]rpc.VersionSpec{keyward.V25_04: {Access: &needRole}}
		}},
		{"ErrTwice", "registered twice", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rpc.NewRegistry()
			m := method("x.y")
			if tc.edit == nil {
				r.Register(m)
			} else {
				tc.edit(m)
			}
			defer func() {
				p := recover()
				if p == nil || !strings.Contains(fmt.Sprint(p), tc.panic) || !strings.Contains(fmt.Sprint(p), "x.y") {
					t.Fatalf("panic %v, want one naming x.y and %q", p, tc.panic)
				}
			}()
			r.Register(m)
		})
	}
}

// TestRegistrySpecs: each version serves the methods it has, with its own
// params, result and access; a method needing a role is granted by every
// role that includes one of its roles.
func TestRegistrySpecs(t *testing.T) {
	t.Parallel()
	open := rpc.NoAuth
	oldParams := []schema.Field{schema.Req("id", schema.Int())}
	oldResult := schema.String()
	r := rpc.NewRegistry()
	keys := method("api_key.create")
	keys.Access, keys.Roles = rpc.NeedRole, []keyward.Role{keyward.APIKeyWrite}
	changed := method("b.changed")
	changed.Versions = map[keyward.Version]rpc.VersionSpec{keyward.V25_04: {Params: oldParams, Result: oldResult, Access: &open}}
	newer := method("c.newer")
	newer.Since = keyward.V25_10
	r.Register(keys, changed, newer)

	if got := names(r.Specs(keyward.V25_04)); got != "api_key.create b.changed" {
		t.Errorf("v25.04 serves %s", got)
	}
	if got := names(r.Specs(keyward.V25_10)); got != "api_key.create b.changed c.newer" {
		t.Errorf("v25.10 serves %s", got)
	}
	if r.Spec(keyward.V25_04, "c.newer") != nil || !r.Exists("c.newer") || r.Exists("c.older") {
		t.Error("a method of a later version must exist, without a spec on older ones")
	}
	old, cur := r.Spec(keyward.V25_04, "b.changed"), r.Spec(keyward.V25_10, "b.changed")
	if old.Access != rpc.NoAuth || old.Result != oldResult || len(old.Params) != 1 || old.Version != keyward.V25_04 {
		t.Errorf("v25.04 spec %+v", old)
	}
	if cur.Access != rpc.NeedLogin || cur.Result != changed.Result || len(cur.Params) != 0 || cur.Method != changed {
		t.Errorf("v25.10 spec %+v", cur)
	}
	spec := r.Spec(keyward.Current, "api_key.create")
	for _, tc := range []struct {
		roles keyward.RoleSet
		want  bool
	}{
		{keyward.Roles(keyward.APIKeyWrite), true},
		{keyward.Roles(keyward.APIKeyRead), false},
		{keyward.Roles(keyward.FullAdmin).Expand(), true},
		{0, false},
	} {
		if got := spec.Allows(tc.roles); got != tc.want {
			t.Errorf("Allows(%v) = %v", tc.roles.Names(), got)
		}
	}
	if !spec.Granting.Has(keyward.FullAdmin) || !spec.Granting.Has(keyward.APIKeyWrite) || spec.Granting.Has(keyward.ReadonlyAdmin) {
		t.Errorf("Granting = %v", spec.Granting.Names())
	}
	if !cur.Allows(0) {
		t.Error("a method needing only a login must allow any roles")
	}
	if got := keys.Namespace() + "|" + method("ping").Namespace(); got != "api_key|" {
		t.Errorf("Namespace: %q", got)
	}
}

func names(specs []*rpc.Spec) string {
	var out []string
	for _, s := range specs {
		out = append(out, s.Name)
	}
	return strings.Join(out, " ")
}

// TestRegistryEvents: events are found by name, listed sorted, granted by
// their roles (or to anyone logged in when they list none) and carry a
// fields schema per version.
func TestRegistryEvents(t *testing.T) {
	t.Parallel()
	r := rpc.NewRegistry()
	for _, e := range testEvents() {
		r.RegisterEvent(e)
	}
	var got []string
	for _, e := range r.Events() {
		got = append(got, e.Name)
	}
	if strings.Join(got, " ") != "test.bulk test.keys test.open" {
		t.Errorf("Events: %v", got)
	}
	keys, open := r.Event("test.keys"), r.Event("test.open")
	if r.Event("test.none") != nil || keys == nil || open == nil {
		t.Fatal("Event lookup")
	}
	for _, tc := range []struct {
		e     *rpc.Event
		roles keyward.RoleSet
		want  bool
	}{
		{keys, keyward.Roles(keyward.APIKeyRead), true},
		{keys, keyward.Roles(keyward.ReadonlyAdmin).Expand(), true},
		{keys, keyward.Roles(keyward.AccountRead), false},
		{open, 0, true},
	} {
		if got := tc.e.Allows(tc.roles); got != tc.want {
			t.Errorf("%s.Allows(%v) = %v", tc.e.Name, tc.roles.Names(), got)
		}
	}
	if keys.FieldsFor(keyward.V25_04) == keys.Fields || keys.FieldsFor(keyward.V25_10) != keys.Fields {
		t.Error("FieldsFor does not follow Versions")
	}
	if rpc.EventName("api_key.query:{}") != "api_key.query" || rpc.EventName("*") != "*" {
		t.Error("EventName")
	}
}

// TestRegistryOverridesReachOlder: an override keyed by a version shapes
// that version and every older one down to the next older override; the
// newest version keeps the method's own shape. A method since v26.0.0 is
// not served on the 25.x versions.
func TestRegistryOverridesReachOlder(t *testing.T) {
	t.Parallel()
	r := rpc.NewRegistry()
	v25, v2504 := schema.String(), schema.Int()
	one := method("a.one")
	one.Versions = map[keyward.Version]rpc.VersionSpec{keyward.V25_10: {Result: v25}}
	two := method("a.two")
	two.Versions = map[keyward.Version]rpc.VersionSpec{keyward.V25_10: {Result: v25}, keyward.V25_04: {Result: v2504}}
	newest := method("a.newest")
	newest.Since = keyward.V26_0
	r.Register(one, two, newest)
	for _, tc := range []struct {
		name string
		v    keyward.Version
		want *schema.Schema
	}{
		{"a.one", keyward.V26_0, one.Result}, {"a.one", keyward.V25_10, v25}, {"a.one", keyward.V25_04, v25},
		{"a.two", keyward.V26_0, two.Result}, {"a.two", keyward.V25_10, v25}, {"a.two", keyward.V25_04, v2504},
	} {
		if got := r.Spec(tc.v, tc.name).Result; got != tc.want {
			t.Errorf("%s on %s: result %v, want %v", tc.name, tc.v, got.Kind, tc.want.Kind)
		}
	}
	if r.Spec(keyward.V25_10, "a.newest") != nil || r.Spec(keyward.V26_0, "a.newest") == nil {
		t.Error("a method since v26.0.0 must be served there only")
	}
	ev := &rpc.Event{Name: "a.event", Fields: schema.Bool(), Versions: map[keyward.Version]*schema.Schema{keyward.V25_10: v25}}
	if ev.FieldsFor(keyward.V25_04) != v25 || ev.FieldsFor(keyward.V25_10) != v25 || ev.FieldsFor(keyward.V26_0) != ev.Fields {
		t.Error("event fields overrides reach older versions as method overrides do")
	}
}
