package sqlq_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
	"github.com/keyward/keyward/internal/sqlq"
)

// TestLargeFilters runs filters of 10,000 elements (a flat AND list, OR
// lists, lists of 10,000 values) in memory and through SQL in every mode:
// SQLite refuses expressions deeper than 1000 and more than 32,766
// arguments, and plans long WHERE clauses slowly, so large filters are
// compiled to one kw_match call. The results must agree. (Beyond 64
// conditions every mode compiles to kw_match, so two modes suffice.)
func TestLargeFilters(t *testing.T) {
	entries := querytest.Entries(t)
	dbs := openAll(t, entries)
	for _, tc := range []struct{ name, filters string }{
		{"AndNotEqual", `[` + querytest.RepeatList(`["id","!=",%d]`, 10000) + `]`},
		{"AndPrefix", `[["name","!^","zz"],` + querytest.RepeatList(`["name","!^","q%d"]`, 9999) + `]`},
		{"AndMixed", `[` + querytest.RepeatList(`["OR",[["tags","rnin","t%d"],["meta.n","=",null],["expires.$date",">","2024-01-01"]]]`, 3000) + `]`},
		{"AndDeadField", `[` + querytest.RepeatList(`["nope","!=",%d]`, 10000) + `]`},
		{"OrEqual", `[["OR",[` + querytest.RepeatList(`["id","=",%d]`, 10000) + `]]]`},
		{"OrFold", `[["OR",[` + querytest.RepeatList(`["name","C^","CI-%d"]`, 10000) + `,["note","C=","école"]]]]`},
		{"OrAndGroups", `[["OR",[` + querytest.RepeatList(`[["level",">=",%d],["score","<",%d.5]]`, 5000) + `]]]`},
		{"NestedOrs", `[["OR",[["OR",[["OR",[` + querytest.RepeatList(`["meta.groups.*.gid","=",%d]`, 10000) + `]]]]]]]]`},
		{"InTenThousand", `[["id","in",[` + numbers(10000, 3) + `]]]`},
		{"NinTenThousand", `[["level","nin",[` + numbers(10000, 2) + `]]]`},
		{"InOverArgumentLimit", `[["id","in",[` + numbers(40000, 4) + `]]]`},
		{"CinFolded", `[["name","Cin",[` + querytest.RepeatList(`"CI-BUILD%d"`, 10000) + `,"ci-build"]]]`},
		{"ManyLists", `[` + querytest.RepeatList(`["id","nin",[`+numbers(300, 100)+`]]`, 50) + `]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // every mode sets the same switches: all off
			start := time.Now()
			compareModes(t, dbs, entries, tc.filters, `{}`, sqlModes[:2])
			compareModes(t, dbs, entries, tc.filters, `{"count":true}`, sqlModes[:2])
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// numbers lists n integers from from, comma-separated.
func numbers(n, from int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, from+i)
	}
	return b.String()
}

// TestLargeFilterUsesMatch checks which translation a filter gets: native
// SQL up to 64 conditions and 10,000 arguments, kw_match beyond.
func TestLargeFilterUsesMatch(t *testing.T) {
	for _, tc := range []struct {
		filters string
		match   bool
	}{
		{`[` + querytest.RepeatList(`["id","!=",%d]`, 64) + `]`, false},
		{`[` + querytest.RepeatList(`["id","!=",%d]`, 65) + `]`, true},
		{`[["id","in",[` + numbers(10000, 0) + `]]]`, false},
		{`[["id","in",[` + numbers(10001, 0) + `]]]`, true},
	} {
		f, err := query.ParseFilters("filters", querytest.Decode(t, tc.filters).([]any))
		if err != nil {
			t.Fatal(err)
		}
		p, err := sqlq.Compile(sqlq.SQLite, testTable, "entry e", f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(p.SQL, "WHERE (kw_match("); got != tc.match {
			t.Errorf("%.40s...: kw_match %v, want %v (%.60s...)", tc.filters, got, tc.match, p.SQL)
		}
	}
}

// TestRegexpWorstCase runs the costliest patterns the budget allows on long
// texts: matching stays linear in the text, and fast.
func TestRegexpWorstCase(t *testing.T) {
	entries := querytest.Entries(t)
	long := strings.Repeat("ab", 64)
	for _, e := range entries {
		e["name"], e["tags"] = long, []any{long, long}
	}
	db := mustOpenEmpty(t, "sqlite")
	for _, e := range entries {
		insertEntry(t, db, e)
	}
	dbs := map[string]*sql.DB{"sqlite": db}
	for _, filters := range []string{
		`[["name","~","(?:.*){1000}z"],["OR",[["name","!=",""],["tags.*","~","(?:.?){500}.*z"]]]]`,
		`[["OR",[["name","~","(?:.*.*){400}z"],["tags.*","~","(?:[ab]?){800}.*z"]]]]`,
		`[` + querytest.RepeatList(`["tags.*","~","(?:.*){20}z%d"]`, 60) + `]`,
	} {
		start := time.Now()
		compareModes(t, dbs, entries, filters, `{}`, []sqlMode{sqlModes[0], sqlModes[3]})
		if d := time.Since(start); d > 60*time.Second {
			t.Errorf("%.50s...: took %v", filters, d)
		}
	}
}
