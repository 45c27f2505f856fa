package bench_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/bench"
)

func TestWriteTable(t *testing.T) {
	t.Run("OKBothBackEnds", func(t *testing.T) {
		r := &bench.Report{Machine: "test machine", Cases: map[string]*bench.Case{
			"login": {Value: 2000, Unit: "1/s", Baseline: 4000, Ratio: 0.5},
		}, PostgresServer: "PostgreSQL 15 at 127.0.0.1:5432", Postgres: map[string]*bench.Case{
			"login":          {Value: 1500, Unit: "1/s", Baseline: 4000, Ratio: 0.375, VsSQLite: 0.75},
			"cluster-revoke": {Value: 3, Unit: "ms", P99ms: 7, Nodes: 2},
		}}
		var b bytes.Buffer
		if err := r.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{"postgres: PostgreSQL 15", "PostgreSQL/SQLite 0.75", "nodes 2"} {
			if !strings.Contains(out, want) {
				t.Errorf("table lacks %q:\n%s", want, out)
			}
		}
		lines := strings.Split(out, "\n")
		var order []string
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 1 && (f[0] == "login" || f[0] == "cluster-revoke") {
				order = append(order, f[0]+"/"+f[1])
			}
		}
		if got := strings.Join(order, " "); got != "login/sqlite login/postgres cluster-revoke/postgres" {
			t.Errorf("rows %s, want SQLite then PostgreSQL per case, cluster cases last", got)
		}
	})
	t.Run("OKSQLiteOnly", func(t *testing.T) {
		r := &bench.Report{Cases: map[string]*bench.Case{"query": {Value: 1, Unit: "ms"}}}
		var b bytes.Buffer
		if err := r.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "postgres: not run (--database URL") {
			t.Errorf("table does not say PostgreSQL was not run:\n%s", b.String())
		}
		var j bytes.Buffer
		if err := r.WriteJSON(&j); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(j.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["postgres"]; ok {
			t.Errorf("JSON of a run without PostgreSQL has a postgres member: %s", j.String())
		}
	})
}
