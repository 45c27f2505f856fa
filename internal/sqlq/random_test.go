package sqlq_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
)

var (
	randomFields = []string{
		"id", "name", "note", "score", "level", "active", "flag", "created", "expires", "tags", "meta", "secret",
		"nokey", "name.x", "tags.*", "tags.0", "tags.2", "meta.n", "meta.mixed", "meta.mixed.*", "meta.owner",
		"meta.owner.name", "meta.owner.uid", "meta.groups", "meta.groups.*.name", "meta.groups.*.gid",
		"meta.a\\.b", "meta.seen", "meta.grid.*.*", "created.$date", "expires.$date", "meta.seen.$date",
	}
	randomOps = []string{
		"=", "!=", ">", ">=", "<", "<=", "~", "in", "nin", "rin", "rnin", "^", "!^", "$", "!$",
		"C=", "C!=", "C>", "C>=", "C<", "C<=", "Cin", "Cnin", "Crin", "Crnin", "C^", "C!^", "C$", "C!$",
	}
	randomValues = []string{
		`null`, `true`, `false`, `0`, `1`, `2`, `1.5`, `2.0`, `-3`, `2.5`, `1e20`, `1e400`, `9223372036854775807`,
		`9007199254740993`, `1000`, `"admin"`, `"ci"`, `""`, `"a"`, `"ops"`, `"OPS"`, `"Straße"`, `"STRAßE"`,
		`"école"`, `"ÉCOLE"`, `"key"`, `"ci-build"`, `"Ci-"`, `"root"`, `"(?i)ci"`, `".*e$"`, `"a|b"`, `"$"`,
		`[]`, `["ops"]`, `["ci"]`, `[1,null]`, `["admin","OPS","x"]`, `[1,2]`, `{"$set":["ops","ci"]}`,
		`{"$date":1704067200000}`, `{"$date":1717200000000}`, `"2024-06-01"`, `"2024-01-01T00:00:00.5Z"`,
		`{"name":"ci","gid":1000}`, `{"k":1}`, `[{"name":"ci","gid":1000}]`, `{"$date":1704067200500}`,
	}
	randomOrder = []string{
		"id", "-id", "name", "-name", "note", "nulls_last:note", "nulls_first:-note", "score", "-score",
		"level", "nulls_last:level", "active", "-flag", "nulls_last:flag", "created", "-created",
		"expires", "nulls_first:-expires", "tags", "tags.0", "-tags.*", "meta.n", "nulls_last:-meta.n",
		"meta.mixed", "-meta.owner.name", "nulls_first:meta.owner.uid", "secret", "nokey",
	}
)

// TestRandomQueries compares memory and SQL (SQLite, and PostgreSQL when
// configured) on many generated queries, which exercises every operator
// on every column type.
func TestRandomQueries(t *testing.T) {
	entries := querytest.Entries(t)
	db := MustOpenDB(t, "sqlite")
	pool := openPostgres(t, entries)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 4000
	if testing.Short() {
		n = 500
	}
	checked := 0
	for i := 0; i < n; i++ {
		filters := randomFilters(rng, 0)
		options := randomOptions(rng)
		f, err := query.ParseFilters("filters", querytest.Decode(t, filters).([]any))
		if err != nil {
			continue
		}
		checked++
		o, err := query.ParseOptions("options", querytest.Decode(t, options).(map[string]any))
		if err != nil {
			t.Fatalf("%s: %v", options, err)
		}
		mem, memErr := query.Run(entries, f, o)
		for _, m := range sqlModes {
			got, err := runSQLMode(db, f, o, m)
			if err != nil && memErr == nil || !reflect.DeepEqual(got, mem) {
				t.Fatalf("%s %s (%s):\n sql %s %v\n mem %s %v",
					filters, options, m.name, querytest.Summary(t, got), err, querytest.Summary(t, mem), memErr)
			}
		}
		for _, m := range pgModes {
			if pool == nil {
				break
			}
			got, err := runPostgresMode(pool, f, o, m)
			if err != nil && memErr == nil || !reflect.DeepEqual(got, mem) {
				t.Fatalf("%s %s (postgres %s):\n sql %s %v\n mem %s %v",
					filters, options, m.name, querytest.Summary(t, got), err, querytest.Summary(t, mem), memErr)
			}
		}
	}
	if checked < n/4 {
		t.Fatalf("only %d of %d generated filters were valid", checked, n)
	}
	t.Logf("%d of %d generated queries compared", checked, n)
}

func randomFilters(rng *rand.Rand, depth int) string {
	n := 1 + rng.IntN(3)
	out := "["
	for i := 0; i < n; i++ {
		if i > 0 {
			out += ","
		}
		if depth < 3 && rng.IntN(4) == 0 {
			out += `["OR",[` + randomCond(rng) + "," + randomFilters(rng, depth+1) + "]]"
			continue
		}
		out += randomCond(rng)
	}
	return out + "]"
}

func randomCond(rng *rand.Rand) string {
	field, _ := query.EncodeJSON(randomFields[rng.IntN(len(randomFields))])
	op, _ := query.EncodeJSON(randomOps[rng.IntN(len(randomOps))])
	return "[" + field + "," + op + "," + randomValues[rng.IntN(len(randomValues))] + "]"
}

func randomOptions(rng *rand.Rand) string {
	keys := ""
	for i := rng.IntN(4); i > 0; i-- {
		if keys != "" {
			keys += ","
		}
		k, _ := query.EncodeJSON(randomOrder[rng.IntN(len(randomOrder))])
		keys += k
	}
	return `{"order_by":[` + keys + `],"offset":` + []string{"0", "1", "4"}[rng.IntN(3)] +
		`,"limit":` + []string{"0", "2", "5"}[rng.IntN(3)] + "}"
}
