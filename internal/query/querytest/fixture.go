package querytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/ejson"
	"github.com/keyward/keyward/internal/query"
)

// EntriesJSON holds the entries in default order. {"$date": "<ISO>"}
// stands for a date-time (see decode).
const EntriesJSON = `[
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

// Entries returns the entries in canonical form, each with the redacted
// secret.
func Entries(tb testing.TB) []map[string]any {
	tb.Helper()
	v, err := query.DecodeJSON(EntriesJSON)
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

// Decode reads JSON as the RPC layer hands it over: numbers as
// json.Number, {"$date": ms} as a date-time, {"$set": [...]} as a set.
// For readability {"$date": "<ISO>"} is accepted too.
func Decode(tb testing.TB, text string) any {
	tb.Helper()
	v, err := DecodeWire(text)
	if err != nil {
		tb.Fatalf("bad test JSON %s: %v", text, err)
	}
	return v
}

// DecodeWire is Decode returning its error.
func DecodeWire(text string) (any, error) {
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
