package sqlq_test

import (
	"database/sql"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/query/querytest"
	"github.com/keyward/keyward/internal/sqlq"
	"github.com/keyward/keyward/internal/sqltest"
)

// The fold tests use keys owned by users, as the keys screen does: fkey
// joined with owner, with folded copies of both names.
const foldSchema = `CREATE TABLE owner (id INTEGER PRIMARY KEY, login TEXT NOT NULL, login_fold TEXT NOT NULL);
CREATE INDEX owner_login_fold ON owner (login_fold);
CREATE TABLE fkey (id INTEGER PRIMARY KEY, name TEXT NOT NULL, name_fold TEXT NOT NULL,
	owner_id INTEGER NOT NULL REFERENCES owner (id));
CREATE INDEX fkey_name_fold ON fkey (name_fold);
CREATE INDEX fkey_owner ON fkey (owner_id);`

const foldFrom = "fkey k JOIN owner o ON o.id = k.owner_id"

var (
	plainKeyTable = &sqlq.Table{
		Columns: []sqlq.Column{
			{Name: "id", Expr: "k.id", Type: sqlq.Int},
			{Name: "name", Expr: "k.name", Type: sqlq.Text},
			{Name: "owner", Expr: "o.login", Type: sqlq.Text},
			{Name: "owner_id", Expr: "k.owner_id", Type: sqlq.Int},
		},
		DefaultOrder: "k.id",
	}
	foldKeyTable = withJoin(withFold(plainKeyTable, map[string]string{"name": "k.name_fold", "owner": "o.login_fold"}),
		"owner", &sqlq.Join{Key: "k.owner_id", From: "owner o", ID: "o.id"})
	ownerTable = &sqlq.Table{Columns: []sqlq.Column{
		{Name: "id", Expr: "o.id", Type: sqlq.Int},
		{Name: "login", Expr: "o.login", Type: sqlq.Text, Fold: "o.login_fold"},
	}}
	foldModes = []sqlMode{
		{name: "native", table: plainKeyTable},
		{name: "folded", table: foldKeyTable},
		{name: "kw_cond only", table: foldKeyTable, generic: true},
	}
)

// withJoin returns a copy of t whose column name has Join j.
func withJoin(t *sqlq.Table, name string, j *sqlq.Join) *sqlq.Table {
	out := withFold(t, nil)
	for i, c := range t.Columns {
		out.Columns[i].Fold = c.Fold
		if c.Name == name {
			out.Columns[i].Join = j
		}
	}
	return out
}

// Names with runes whose case variants differ in UTF-8 length (K and
// KELVIN SIGN, s and ſ, ß and ẞ, Ⱥ and ⱥ), fold to a rune outside their
// variants (İ, ı), or fold alike in other ways (σ ς Σ, µ μ Μ, ǅ), non-BMP
// letters, NUL and a byte that is not UTF-8.
var (
	foldLogins = []string{"admin", "\u212Aelvin", "İsmail", "ſam", "ΣΑΣ", "𐐀dmin"}
	foldNames  = []string{
		"key-0001", "KEY-0002", "\u212Aey-0003", "ĸey-0004", "straße", "STRASSE", "STRAẞE", "ſtraße",
		"istanbul", "İstanbul", "ıstanbul", "ISTANBUL", "σίσυφος", "ΣΊΣΥΦΟΣ", "ς-final", "Σ-final",
		"𐐀𐐁", "𐐨𐐩", "𞤀-adlam", "Ⱥ-grow", "ⱥ-grow", "ci.prod", "CI.PROD", "ci-prod", "ciXprod",
		"ǅ-title", "ǆ-title", "µ-micro", "μ-mu", "\u0345-iota", "a\x00b", "\xffkey", "",
	}
)

// foldEntries stores the owners and keys in a fresh database and returns
// the key entries as Run sees them. The fold adds no function argument,
// so one driver suffices.
func foldEntries(t *testing.T, names []string) (*sql.DB, []map[string]any) {
	t.Helper()
	db := mustOpenEmpty(t, "sqlite")
	if _, err := db.Exec(foldSchema); err != nil {
		t.Fatal(err)
	}
	for i, login := range foldLogins {
		mustInsert(t, db, "owner", ownerTable, map[string]any{"id": int64(i + 1), "login": login})
	}
	var entries []map[string]any
	for i, name := range names {
		owner := i % len(foldLogins)
		e := map[string]any{"id": int64(i + 1), "name": name, "owner": foldLogins[owner], "owner_id": int64(owner + 1)}
		mustInsert(t, db, "fkey", foldKeyTable, e)
		entries = append(entries, e)
	}
	return db, entries
}

// compareFold runs a filter in memory and in every fold mode.
func compareFold(t *testing.T, db *sql.DB, entries []map[string]any, filters []any) {
	t.Helper()
	f, err := query.ParseFilters("filters", filters)
	if err != nil {
		t.Fatalf("%q: %v", filters, err)
	}
	mem, _ := query.Run(entries, f, nil)
	for _, m := range foldModes {
		sqlq.SetGenericOnly(m.generic)
		got, err := runTableSQL(db, m.table, foldFrom, f, nil)
		sqlq.SetGenericOnly(false)
		if err != nil || !reflect.DeepEqual(got, mem) {
			t.Errorf("%s %q:\n sql %v %v\n mem %v", m.name, filters, ids(got), err, ids(mem))
		}
	}
}

func ids(v any) []any {
	l, _ := v.([]any)
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = e.(map[string]any)["id"]
	}
	return out
}

// foldFilters returns the conditions the fold narrows, for text p.
func foldFilters(p string) [][]any {
	q := regexp.QuoteMeta(p)
	either := func(pattern string) []any {
		return []any{"OR", []any{[]any{"name", "~", pattern}, []any{"owner", "~", pattern}}}
	}
	return [][]any{
		{[]any{"name", "~", "(?i)" + q}}, {[]any{"name", "~", "(?i)" + q + "[-.x].*"}},
		{[]any{"name", "~", "(?i)(" + q + ")+$"}}, {[]any{"name", "~", q}},
		{[]any{"name", "C^", p}}, {[]any{"name", "C=", p}}, {[]any{"name", "Cin", []any{p, "zz"}}},
		{[]any{"owner", "~", "(?i)" + q}}, {[]any{"owner", "C^", p}}, {[]any{"owner", "C=", p}},
		{either("(?i)" + q)}, {either("(?i)" + q), []any{"name", "C!^", "z"}},
		{[]any{"OR", []any{[]any{"name", "C^", p}, []any{"owner", "=", "admin"}}}},
	}
}

// TestFoldColumns compares memory and SQL, with and without the folded
// copies, on prefixes of the tricky names in several cases.
func TestFoldColumns(t *testing.T) {
	db, entries := foldEntries(t, foldNames)
	probes := map[string]bool{}
	for _, s := range append(append([]string{}, foldNames...), foldLogins...) {
		for _, v := range []string{s, strings.ToUpper(s), strings.ToLower(s), strings.ToTitle(s)} {
			r := []rune(v)
			probes[string(r[:min(1, len(r))])] = true
			probes[string(r[:min(3, len(r))])] = true
		}
	}
	for p := range probes {
		for _, filters := range foldFilters(p) {
			compareFold(t, db, entries, filters)
		}
	}
	for _, cond := range [][]any{
		{"owner", "Cin", []any{}}, {"owner", "C^", ""}, {"name", "C^", ""}, {"name", "~", "(?i)"},
		{"name", "~", "(?i).*"}, {"owner", "~", "(?i)x?"}, {"name", "C=", ""}, {"name", "Cin", []any{"", "KEY-0002"}},
	} {
		compareFold(t, db, entries, []any{[]any{"OR", []any{cond, []any{"name", "~", "(?i)ci"}}}})
	}
}

// TestRandomFold compares memory and SQL on random names and filters made
// of runes that fold in tricky ways.
func TestRandomFold(t *testing.T) {
	alphabet := []string{"k", "K", "\u212A", "s", "S", "ſ", "ß", "ẞ", "i", "I", "İ", "ı", "σ", "ς", "Σ",
		"\u0345", "ι", "Ι", "\u1FBE", "Ⱥ", "ⱥ", "𐐀", "𐐨", "µ", "μ", "Μ", "ǅ", "Ǆ", "ǆ", ".", "-", "é", "É"}
	rng := rand.New(rand.NewPCG(3, 4))
	word := func(max int) string {
		var b strings.Builder
		for n := rng.IntN(max + 1); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	names := make([]string, 80)
	for i := range names {
		names[i] = word(4)
	}
	db, entries := foldEntries(t, names)
	n := 300
	if testing.Short() {
		n = 60
	}
	for range n {
		p := word(3)
		if p == "" || !unicode.IsPrint([]rune(p)[0]) {
			continue
		}
		all := foldFilters(p)
		compareFold(t, db, entries, all[rng.IntN(len(all))])
	}
}

// TestFoldJoinIndexUse checks that the keys screen's search, an OR on the
// key's name and its owner's, reads one index per branch.
func TestFoldJoinIndexUse(t *testing.T) {
	db, _ := foldEntries(t, foldNames)
	f, err := query.ParseFilters("filters", querytest.Decode(t, `[["OR",[["name","~","(?i)ci\\.p"],["owner","~","(?i)ci\\.p"]]]]`).([]any))
	if err != nil {
		t.Fatal(err)
	}
	for _, options := range []string{`{"count":true}`, `{"order_by":["-id"],"limit":50}`} {
		o, err := query.ParseOptions("options", querytest.Decode(t, options).(map[string]any))
		if err != nil {
			t.Fatal(err)
		}
		p, err := sqlq.Compile(sqlq.SQLite, foldKeyTable, foldFrom, f, o)
		if err != nil {
			t.Fatal(err)
		}
		q, args := p.SQL, p.Args
		plan := sqltest.QueryPlan(t, db, q, args)
		for _, want := range []string{"MULTI-INDEX OR", "SEARCH k USING INDEX fkey_name_fold (name_fold>? AND name_fold<?)",
			"SEARCH o USING INDEX owner_login_fold (login_fold>? AND login_fold<?)", "SEARCH k USING INDEX fkey_owner (owner_id=?)"} {
			if !strings.Contains(plan, want) {
				t.Errorf("%s: plan\n%s\nwant %q", options, plan, want)
			}
		}
	}
}
