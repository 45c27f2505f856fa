package query_test

import (
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// queryCase is one row of the table test. filters and options are JSON
// ("" for the defaults). want is the expected result as JSON: the list of
// ids for a list of whole entries, the id for a whole entry from get, the
// selected objects when select is used, or the count. err is the expected
// validation error, one "attribute: message" line per triple.
type queryCase struct {
	name    string
	filters string
	options string
	want    string
	err     string
}

// notFound is the want of a query failing with MatchNotFound().
const notFound = "MatchNotFound()"

func allCases() []queryCase {
	var all []queryCase
	for _, group := range [][]queryCase{
		equalityCases, orderingCases, dateCases, regexpCases, memberCases,
		stringCases, foldCases, pathCases, orCases, orderByCases, optionCases,
		filterErrorCases, optionErrorCases, limitCases,
	} {
		all = append(all, group...)
	}
	return all
}

func TestQuery(t *testing.T) {
	dbs := map[string]*sql.DB{}
	for _, name := range drivers {
		dbs[name] = MustOpenDB(t, name)
	}
	entries := testEntries(t)
	cases := allCases()
	if len(cases) < 60 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			f, o, err := parseCase(t, tc)
			if tc.err != "" {
				checkValidation(t, err, tc.err)
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			mem, memErr := query.Run(entries, f, o)
			checkResult(t, "memory", mem, memErr, tc.want)
			for _, name := range drivers {
				for _, m := range sqlModes {
					mode := name + " " + m.name
					got, gotErr := runSQLMode(dbs[name], f, o, m)
					checkResult(t, mode, got, gotErr, tc.want)
					if !reflect.DeepEqual(got, mem) {
						t.Errorf("%s: result differs from memory:\n sql %v\n mem %v", mode, got, mem)
					}
				}
			}
		})
	}
}

// parseCase parses the filters and then the options of a case; an error
// in the filters is returned before the options are looked at.
func parseCase(tb testing.TB, tc queryCase) (*query.Filter, *query.Options, error) {
	tb.Helper()
	filters, opts := "[]", "{}"
	if tc.filters != "" {
		filters = tc.filters
	}
	if tc.options != "" {
		opts = tc.options
	}
	f, err := query.ParseFilters(filterAttr(tc), decode(tb, filters).([]any))
	if err != nil {
		return nil, nil, err
	}
	o, err := query.ParseOptions("options", decode(tb, opts).(map[string]any))
	return f, o, err
}

// filterAttr lets a case check another parameter name, as audit.query's
// "data.query-filters", by naming itself "...(data)".
func filterAttr(tc queryCase) string {
	if strings.HasSuffix(tc.name, "(data)") {
		return "data.query-filters"
	}
	return "filters"
}

func checkValidation(t *testing.T, err error, want string) {
	t.Helper()
	var ve *keyward.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v, want validation error %q", err, want)
	}
	var lines []string
	for _, f := range ve.Fields {
		if f.Errno != keyward.EINVAL {
			t.Errorf("errno %d", f.Errno)
		}
		lines = append(lines, f.Attr+": "+f.Message)
	}
	if got := strings.Join(lines, "\n"); got != want {
		t.Errorf("error\n got %s\nwant %s", got, want)
	}
}

func checkResult(t *testing.T, mode string, got any, err error, want string) {
	t.Helper()
	if want == notFound {
		if !errors.Is(err, keyward.ErrMatchNotFound) {
			t.Errorf("%s: error = %v, want MatchNotFound()", mode, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", mode, err)
	}
	if s := summary(t, got); s != want {
		t.Errorf("%s:\n got %s\nwant %s", mode, s, want)
	}
}

// summary renders a result as in queryCase.want: whole entries by id.
func summary(tb testing.TB, v any) string {
	tb.Helper()
	switch x := v.(type) {
	case []any:
		if len(x) > 0 && wholeEntry(x[0]) {
			ids := make([]any, len(x))
			for i, e := range x {
				ids[i] = e.(map[string]any)["id"]
			}
			v = ids
		}
	case map[string]any:
		if wholeEntry(x) {
			v = x["id"]
		}
	}
	s, err := query.EncodeJSON(v)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func wholeEntry(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == len(testTable.Columns)
}
