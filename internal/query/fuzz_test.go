package query_test

import (
	"errors"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
)

// FuzzParseFilters checks that no filter makes the engine panic and that
// a rejected filter gives exactly one validation triple. (internal/sqlq's
// fuzz tests compare accepted ones with SQL.)
func FuzzParseFilters(f *testing.F) {
	for _, tc := range querytest.Cases() {
		if tc.Filters != "" {
			f.Add(tc.Filters)
		}
	}
	for _, seed := range []string{
		`[["name","~","(?i)^[a-z]+\\d*$"]]`, `[["meta.groups.*.gid",">=",1e400]]`,
		`[["score","=",-0.0]]`, `[["level","<",-9223372036854775809]]`,
		`[["tags","Cnin",[]]]`, `[["meta.grid.*.*","in",{"$set":[1,3]}]]`,
		`[["OR",[[["OR",[["a","=",1]]]],["b","!=",2]]]]`, `[["expires.$date","<","2024-02-29T23:59:59.999999999-01:30"]]`,
		`[["name","^","\u00ff"]]`, `[["note","C<","\u00e9cole"]]`, `[["meta.owner","nin",[null,{"name":"svc"}]]]`,
		`[["name","~","(?:.*){1000}z"],["note","~","[a-z]{1000}x{96}"]]`, `[["name","~","(?:ab|cd){1000}"]]`,
		`[` + querytest.RepeatList(`["OR",[["id","!=",%d],["tags.*","C^","O"],["expires.$date",">","2024-03"]]]`, 30) + `]`,
	} {
		f.Add(seed)
	}
	entries := querytest.Entries(f)
	f.Fuzz(func(t *testing.T, text string) {
		v, err := querytest.DecodeWire(text)
		if err != nil {
			return
		}
		list, ok := v.([]any)
		if !ok {
			return
		}
		flt, err := query.ParseFilters("filters", list)
		if err != nil {
			var ve *keyward.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Attr != "filters" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if _, err := query.Run(entries, flt, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseOptions does the same for options on the unfiltered entries:
// a result or MatchNotFound, never another error.
func FuzzParseOptions(f *testing.F) {
	for _, tc := range querytest.Cases() {
		if tc.Options != "" {
			f.Add(tc.Options)
		}
	}
	f.Add(`{"order_by":["nulls_last:-meta.groups.*.name","-tags.1","score"],"offset":1}`)
	f.Add(`{"select":[["meta","m"],"meta.owner.name","name"],"get":true,"order_by":["-secret"]}`)
	entries := querytest.Entries(f)
	f.Fuzz(func(t *testing.T, text string) {
		v, err := querytest.DecodeWire(text)
		if err != nil {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		o, err := query.ParseOptions("options", m)
		if err != nil {
			var ve *keyward.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if _, err := query.Run(entries, nil, o); err != nil && !errors.Is(err, keyward.ErrMatchNotFound) {
			t.Fatalf("%s: %v", text, err)
		}
	})
}
