package sqlq_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
)

// FuzzParseFilters checks that no filter makes the engine panic, that a
// rejected filter gives exactly one validation triple, and that an accepted
// one gives the same entries in memory and through SQL.
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
	db := MustOpenDB(f, "sqlite")
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
		mem, err := query.Run(entries, flt, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range sqlModes {
			got, err := runSQLMode(db, flt, nil, m)
			if err != nil {
				t.Fatalf("%s: %v", text, err)
			}
			if !reflect.DeepEqual(got, mem) {
				t.Fatalf("%s (%s):\n sql %v\n mem %v", text, m.name, querytest.Summary(t, got), querytest.Summary(t, mem))
			}
		}
	})
}

// FuzzParseOptions does the same for options on the unfiltered entries.
func FuzzParseOptions(f *testing.F) {
	for _, tc := range querytest.Cases() {
		if tc.Options != "" {
			f.Add(tc.Options)
		}
	}
	f.Add(`{"order_by":["nulls_last:-meta.groups.*.name","-tags.1","score"],"offset":1}`)
	f.Add(`{"select":[["meta","m"],"meta.owner.name","name"],"get":true,"order_by":["-secret"]}`)
	entries := querytest.Entries(f)
	db := MustOpenDB(f, "sqlite")
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
		mem, memErr := query.Run(entries, nil, o)
		got, err := runSQL(db, nil, o)
		if !errors.Is(err, memErr) || !reflect.DeepEqual(got, mem) {
			t.Fatalf("%s:\n sql %v %v\n mem %v %v", text, got, err, mem, memErr)
		}
	})
}
