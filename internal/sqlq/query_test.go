package sqlq_test

import (
	"reflect"
	"testing"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
)

// TestQueryTable runs the query table test three ways: in memory, on
// SQLite and on PostgreSQL (each SQL back end in all its modes). Every way
// must give the result the table states, and exactly what memory gives.
// Subtests are named <engine>/<case>, e.g. postgres/folded/CrinName.
func TestQueryTable(t *testing.T) {
	entries := querytest.Entries(t)
	cases := querytest.Cases()
	for _, e := range openEngines(t, entries) {
		for _, tc := range cases {
			t.Run(e.name+"/"+tc.Name, func(t *testing.T) {
				f, o, err := querytest.Parse(t, tc)
				if tc.Err != "" {
					querytest.CheckValidation(t, err, tc.Err)
					return
				}
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				mem, memErr := query.Run(entries, f, o)
				got, err := e.run(f, o)
				querytest.CheckResult(t, e.name, got, err, tc.Want)
				if (err == nil) != (memErr == nil) || !reflect.DeepEqual(got, mem) {
					t.Errorf("%s: result differs from memory:\n sql %v %v\n mem %v %v", e.name, got, err, mem, memErr)
				}
			})
		}
	}
}
