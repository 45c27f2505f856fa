package query_test

import (
	"testing"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
)

// TestQueryTable runs the query table test in memory. internal/sqlq runs
// the same table on SQLite and PostgreSQL and compares with memory.
func TestQueryTable(t *testing.T) {
	entries := querytest.Entries(t)
	cases := querytest.Cases()
	if len(cases) < 60 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.Name] {
			t.Fatalf("duplicate case name %q", tc.Name)
		}
		seen[tc.Name] = true
		t.Run("memory/"+tc.Name, func(t *testing.T) {
			f, o, err := querytest.Parse(t, tc)
			if tc.Err != "" {
				querytest.CheckValidation(t, err, tc.Err)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			got, err := query.Run(entries, f, o)
			querytest.CheckResult(t, "memory", got, err, tc.Want)
		})
	}
}
