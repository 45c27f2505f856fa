package sqlq_test

import (
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
	"github.com/keyward/keyward/internal/sqlq"
	"github.com/keyward/keyward/internal/sqltest"
)

// compareWithMemory runs one query in memory and through SQL on every
// driver, with and without native translations, and fails on a difference.
func compareWithMemory(t *testing.T, dbs map[string]*sql.DB, entries []map[string]any, filters, options string) {
	t.Helper()
	compareModes(t, dbs, entries, filters, options, sqlModes)
}

// compareModes is compareWithMemory in the given SQL modes.
func compareModes(t *testing.T, dbs map[string]*sql.DB, entries []map[string]any, filters, options string, modes []sqlMode) {
	t.Helper()
	f, err := query.ParseFilters("filters", querytest.Decode(t, filters).([]any))
	if err != nil {
		t.Fatalf("%s: %v", filters, err)
	}
	o, err := query.ParseOptions("options", querytest.Decode(t, options).(map[string]any))
	if err != nil {
		t.Fatalf("%s: %v", options, err)
	}
	mem, memErr := query.Run(entries, f, o)
	for name, db := range dbs {
		for _, m := range modes {
			got, err := runSQLMode(db, f, o, m)
			if (err == nil) != (memErr == nil) || !reflect.DeepEqual(got, mem) {
				t.Errorf("%s %s %s %s:\n sql %v %v\n mem %v %v", name, m.name, filters, options, got, err, mem, memErr)
			}
		}
	}
}

func openAll(t *testing.T, entries []map[string]any) map[string]*sql.DB {
	t.Helper()
	dbs := map[string]*sql.DB{}
	for _, name := range drivers {
		db := mustOpenEmpty(t, name)
		for _, e := range entries {
			insertEntry(t, db, e)
		}
		dbs[name] = db
	}
	return dbs
}

func TestNULInText(t *testing.T) {
	entries := querytest.Entries(t)
	extra := map[string]any{}
	for k, v := range entries[0] {
		extra[k] = v
	}
	extra["id"], extra["name"], extra["note"] = int64(7), "a\x00b", "x\x00Y"
	extra["tags"] = []any{"p\x00q"}
	entries = append(entries, extra)
	dbs := openAll(t, entries)
	for _, filters := range []string{
		`[["name","=","a\u0000b"]]`, `[["name","~","a\u0000"]]`, `[["name","~","a\u0000b$"]]`,
		`[["name","C=","A\u0000B"]]`, `[["name","$","\u0000b"]]`, `[["name","^","a\u0000"]]`,
		`[["tags.*","~","p\u0000"]]`, `[["tags","rin","p\u0000q"]]`, `[["note","C$","\u0000y"]]`,
		`[["name","in",["a\u0000b"]]]`, `[["name","Cin","zzA\u0000Bzz"]]`, `[["name","rin","\u0000"]]`,
	} {
		compareWithMemory(t, dbs, entries, filters, `{}`)
	}
	compareWithMemory(t, dbs, entries, `[]`, `{"order_by":["-tags.0","name"]}`)
}

// TestIndexUse checks that the common queries of the keys screen can be
// served by an index on the column, or on its folded copy.
func TestIndexUse(t *testing.T) {
	db := MustOpenDB(t, "sqlite")
	// sorted: the index gives the order, at most ties are sorted ("USE
	// TEMP B-TREE FOR LAST TERM OF ORDER BY"), never the whole result.
	const foldRange = "SEARCH e USING INDEX entry_name_fold (name_fold>? AND name_fold<?)"
	for _, tc := range []struct {
		filters, options, want string
		sorted                 bool
		table                  *sqlq.Table
	}{
		{`[]`, `{"order_by":["-created"],"limit":50}`, "SCAN e USING INDEX entry_created", true, testTable},
		{`[]`, `{"order_by":["nulls_first:-created"],"limit":50}`, "SCAN e USING INDEX entry_created", true, testTable},
		{`[["name","^","ci"]]`, `{}`, "SEARCH e USING INDEX entry_name (name>? AND name<?)", false, testTable},
		{`[["name","~","ci-.*"]]`, `{}`, "SEARCH e USING INDEX entry_name (name>? AND name<?)", false, testTable},
		{`[["name","=","admin"]]`, `{}`, "SEARCH e USING INDEX entry_name (name=?)", false, testTable},
		{`[["created",">",{"$date":1704067200000}]]`, `{"order_by":["-created"]}`,
			"SEARCH e USING INDEX entry_created (created>?)", true, testTable},
		{`[["name","~","(?i)ci-"]]`, `{}`, foldRange, false, foldedTable},
		{`[["name","~","(?i)ci\\.prod.*"]]`, `{"count":true}`, foldRange, false, foldedTable},
		{`[["name","~","(?i)\u212Aey-0001"]]`, `{"order_by":["-created"],"limit":50}`, foldRange, false, foldedTable},
		{`[["name","C^","CI-"]]`, `{}`, foldRange, false, foldedTable},
		{`[["name","C=","ADMIN"]]`, `{}`, "SEARCH e USING INDEX entry_name_fold (name_fold=?)", false, foldedTable},
		{`[["name","Cin",["ADMIN","CI"]]]`, `{}`, "SEARCH e USING INDEX entry_name_fold (name_fold=?)", false, foldedTable},
		{`[["name","~","ci-"]]`, `{}`, "SEARCH e USING INDEX entry_name (name>? AND name<?)", false, foldedTable},
		{`[["OR",[["name","~","(?i)ci"],["note","~","(?i)ci"]]]]`, `{}`, "MULTI-INDEX OR", false, foldedTable},
	} {
		f, err := query.ParseFilters("filters", querytest.Decode(t, tc.filters).([]any))
		if err != nil {
			t.Fatal(err)
		}
		o, err := query.ParseOptions("options", querytest.Decode(t, tc.options).(map[string]any))
		if err != nil {
			t.Fatal(err)
		}
		p, err := sqlq.Compile(sqlq.SQLite, tc.table, "entry e", f, o)
		if err != nil {
			t.Fatal(err)
		}
		q, args := p.SQL, p.Args
		plan := sqltest.QueryPlan(t, db, q, args)
		if !strings.Contains(plan, tc.want) || strings.Contains(plan, "FOR ORDER BY") && tc.sorted {
			t.Errorf("%s %s: plan\n%s\nwant %q", tc.filters, tc.options, plan, tc.want)
		}
	}
}

// BenchmarkRegexp100k filters 100,000 rows with ~, as the keys screen's
// search does, and orders the page by creation date, on the table without
// and with the folded copy of the name.
func BenchmarkRegexp100k(b *testing.B) {
	db := mustOpenEmpty(b, "sqlite")
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < 100000; i++ {
		name := fmt.Sprintf("key-%06d", i)
		_, err := tx.Exec(`INSERT INTO entry (id, name, name_fold, active, created, tags) VALUES (?, ?, ?, 1, ?, '[]')`,
			i+1, name, query.Fold(name), base+int64(i)*1000)
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	o, _ := query.ParseOptions("options", map[string]any{"order_by": []any{"-created"}, "limit": int64(50)})
	for _, pattern := range []string{"(?i).*12", "(?i)none", "key-0012", "(?i)KEY-0012"} {
		f, _ := query.ParseFilters("filters", []any{[]any{"name", "~", pattern}})
		for _, m := range sqlModes[:2] {
			b.Run(pattern+"/"+m.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := runSQLMode(db, f, o, m); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
