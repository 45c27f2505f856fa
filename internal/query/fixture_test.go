package query_test

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/keyward/keyward/internal/ejson"
	"github.com/keyward/keyward/internal/query"
)

// testTable has a column of every type, nullable and not, and a redacted
// constant column.
var testTable = &query.Table{
	Columns: []query.Column{
		{Name: "id", Expr: "e.id", Type: query.Int},
		{Name: "name", Expr: "e.name", Type: query.Text},
		{Name: "note", Expr: "e.note", Type: query.Text, Nullable: true},
		{Name: "score", Expr: "e.score", Type: query.Float, Nullable: true},
		{Name: "level", Expr: "e.level", Type: query.Int, Nullable: true},
		{Name: "active", Expr: "e.active", Type: query.Bool},
		{Name: "flag", Expr: "e.flag", Type: query.Bool, Nullable: true},
		{Name: "created", Expr: "e.created", Type: query.DateTime},
		{Name: "expires", Expr: "e.expires", Type: query.DateTime, Nullable: true},
		{Name: "tags", Expr: "e.tags", Type: query.JSON},
		{Name: "meta", Expr: "e.meta", Type: query.JSON, Nullable: true},
		{Name: "secret", Expr: "'********'", Type: query.Text},
	},
	DefaultOrder: "e.id",
}

// foldedTable is testTable with the folded copies of name and note, which
// the entry table always holds.
var foldedTable = withFold(testTable, map[string]string{"name": "e.name_fold", "note": "e.note_fold"})

// withFold returns a copy of t whose columns named in folds have Fold set.
func withFold(t *query.Table, folds map[string]string) *query.Table {
	out := *t
	out.Columns = append([]query.Column(nil), t.Columns...)
	for i, c := range out.Columns {
		out.Columns[i].Fold = folds[c.Name]
	}
	return &out
}

const testSchema = `CREATE TABLE entry (
	id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, score REAL, level INTEGER,
	active INTEGER NOT NULL, flag INTEGER, created INTEGER NOT NULL, expires INTEGER,
	tags TEXT NOT NULL, meta TEXT, name_fold TEXT NOT NULL, note_fold TEXT);
CREATE INDEX entry_created ON entry (created);
CREATE INDEX entry_name ON entry (name);
CREATE INDEX entry_name_fold ON entry (name_fold);
CREATE INDEX entry_note_fold ON entry (note_fold);`

// testEntriesJSON holds the entries in default order. {"$date": "<ISO>"}
// stands for a date-time (see decode).
const testEntriesJSON = `[
{"id": 1, "name": "admin", "note": "First key", "score": 1.5, "level": 3, "active": true,
 "flag": null, "created": {"$date": "2024-01-01T00:00:00Z"}, "expires": null, "tags": ["ops", "Prod"],
 "meta": {"owner": {"name": "root", "uid": 0}, "groups": [{"name": "wheel", "gid": 0}, {"name": "staff", "gid": 20}],
          "a.b": "dotted", "seen": {"$date": "2024-02-01T00:00:00Z"}, "n": 1, "mixed": "x"}},
{"id": 2, "name": "ci-build", "note": null, "score": 2.0, "level": null, "active": false,
 "flag": true, "created": {"$date": "2024-03-15T12:30:00Z"}, "expires": {"$date": "2025-01-01T00:00:00Z"}, "tags": ["ci"],
 "meta": {"owner": {"name": "ci", "uid": 1000}, "groups": [{"name": "ci", "gid": 1000}], "n": 2.5, "mixed": 5}},
{"id": 3, "name": "Ci-Deploy", "note": "deploy key", "score": null, "level": 1, "active": true,
 "flag": false, "created": {"$date": "2024-03-15T12:30:00Z"}, "expires": {"$date": "2024-06-01T00:00:00Z"}, "tags": [],
 "meta": null},
{"id": 4, "name": "Straße", "note": "ÉCOLE", "score": -3.0, "level": 10, "active": false,
 "flag": null, "created": {"$date": "2023-12-31T23:59:59Z"}, "expires": {"$date": "2030-01-01T00:00:00Z"}, "tags": ["x", "y", "ops"],
 "meta": {"owner": {"name": "Root"}, "groups": [], "n": null, "mixed": [1, 2], "grid": [[1, 2], [3]]}},
{"id": 5, "name": "backup", "note": "", "score": 0.0, "level": 2, "active": true,
 "flag": true, "created": {"$date": "2024-05-05T00:00:00Z"}, "expires": null, "tags": ["BACKUP"],
 "meta": {"owner": null, "n": "str", "mixed": true, "seen": {"$date": "2023-06-01T00:00:00Z"}}},
{"id": 6, "name": "admin2", "note": "second", "score": 1e20, "level": 9223372036854775807, "active": true,
 "flag": false, "created": {"$date": "2024-01-01T00:00:00.500Z"}, "expires": {"$date": "2024-06-01T00:00:00Z"}, "tags": ["ops"],
 "meta": {"owner": {"name": "svc"}, "n": 9007199254740993, "mixed": {"k": 1}}}
]`

// testEntries returns the entries in canonical form, each with the
// redacted secret.
func testEntries(tb testing.TB) []map[string]any {
	tb.Helper()
	v, err := query.DecodeJSON(testEntriesJSON)
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]any
	for _, e := range canonicalDates(v).([]any) {
		m := e.(map[string]any)
		m["secret"] = "********"
		out = append(out, m)
	}
	return out
}

// canonicalDates replaces {"$date": "<ISO>"} by the date-time.
func canonicalDates(v any) any {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			x[i] = canonicalDates(e)
		}
	case map[string]any:
		if s, ok := x["$date"].(string); ok && len(x) == 1 {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				panic(err)
			}
			return time.UnixMilli(t.UnixMilli()).UTC()
		}
		for k, e := range x {
			x[k] = canonicalDates(e)
		}
	}
	return v
}

// decode reads JSON as the RPC layer hands it over: numbers as
// json.Number, {"$date": ms} as a date-time, {"$set": [...]} as a set.
// For readability {"$date": "<ISO>"} is accepted too.
func decode(tb testing.TB, text string) any {
	tb.Helper()
	v, err := decodeWire(text)
	if err != nil {
		tb.Fatalf("bad test JSON %s: %v", text, err)
	}
	return v
}

func decodeWire(text string) (any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(text)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return wire(v), nil
}

func wire(v any) any {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			x[i] = wire(e)
		}
	case map[string]any:
		if len(x) == 1 {
			switch d := x["$date"].(type) {
			case json.Number:
				if ms, err := d.Int64(); err == nil {
					return time.UnixMilli(ms).UTC()
				}
			case string:
				if t, err := time.Parse(time.RFC3339Nano, d); err == nil {
					return t.UTC()
				}
			}
			if s, ok := x["$set"].([]any); ok {
				return ejson.Set(wire(s).([]any))
			}
		}
		for k, e := range x {
			x[k] = wire(e)
		}
	}
	return v
}

// The drivers the tests run on: "sqlite" gets the functions the usual way
// (arguments copied), "sqlite-volatile" with zero-copy arguments, which
// checks that no function retains an argument.
var (
	drivers      = []string{"sqlite", "sqlite-volatile"}
	registerOnce sync.Once
)

func registerFunctions(tb testing.TB) {
	tb.Helper()
	registerOnce.Do(func() {
		volatile := &sqlite.Driver{}
		for _, f := range query.SQLFunctions() {
			fn := f.Fn
			scalar := func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				return fn(args)
			}
			if err := sqlite.RegisterDeterministicScalarFunction(f.Name, f.NArgs, scalar); err != nil {
				tb.Fatal(err)
			}
			impl := &sqlite.FunctionImpl{NArgs: f.NArgs, Deterministic: true, VolatileArgs: true, Scalar: scalar}
			if err := volatile.RegisterFunction(f.Name, impl); err != nil {
				tb.Fatal(err)
			}
		}
		sql.Register("sqlite-volatile", volatile)
	})
}

// MustOpenDB returns a database of the named driver holding the test
// entries.
func MustOpenDB(tb testing.TB, driverName string) *sql.DB {
	tb.Helper()
	db := mustOpenEmpty(tb, driverName)
	for _, e := range testEntries(tb) {
		insertEntry(tb, db, e)
	}
	return db
}

func mustOpenEmpty(tb testing.TB, driverName string) *sql.DB {
	tb.Helper()
	registerFunctions(tb)
	db, err := sql.Open(driverName, filepath.Join(tb.TempDir(), "query.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Exec(testSchema); err != nil {
		tb.Fatal(err)
	}
	return db
}
