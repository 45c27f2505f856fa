// Package querytest holds the query table test of protocol.md section 11:
// one table of cases (filters, options, and the expected ids, objects,
// count or validation error) and the entries they run on. The engine runs
// it in memory (internal/query) and through SQL on SQLite and PostgreSQL
// (internal/sqlq); every way must give the results the table states.
package querytest

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/query"
)

// Case is one row of the table test. Filters and Options are JSON (""
// for the defaults). Want is the expected result as JSON: the list of ids
// for a list of whole entries, the id for a whole entry from get, the
// selected objects when select is used, or the count. Err is the expected
// validation error, one "attribute: message" line per triple.
type Case struct {
	Name    string
	Filters string
	Options string
	Want    string
	Err     string
}

// NotFound is the Want of a query failing with MatchNotFound().
const NotFound = "MatchNotFound()"

// Cases returns every case; names are unique.
func Cases() []Case {
	var all []Case
	for _, group := range [][]Case{
		equalityCases, orderingCases, dateCases, regexpCases, memberCases,
		stringCases, foldCases, pathCases, orCases, orderByCases, optionCases,
		filterErrorCases, optionErrorCases, limitCases,
	} {
		all = append(all, group...)
	}
	return all
}

// Parse parses the filters and then the options of a case; an error in
// the filters is returned before the options are looked at.
func Parse(tb testing.TB, tc Case) (*query.Filter, *query.Options, error) {
	tb.Helper()
	filters, opts := "[]", "{}"
	if tc.Filters != "" {
		filters = tc.Filters
	}
	if tc.Options != "" {
		opts = tc.Options
	}
	f, err := query.ParseFilters(filterAttr(tc), Decode(tb, filters).([]any))
	if err != nil {
		return nil, nil, err
	}
	o, err := query.ParseOptions("options", Decode(tb, opts).(map[string]any))
	return f, o, err
}

// filterAttr lets a case check another parameter name, as audit.query's
// "data.query-filters", by naming itself "...(data)".
func filterAttr(tc Case) string {
	if strings.HasSuffix(tc.Name, "(data)") {
		return "data.query-filters"
	}
	return "filters"
}

// CheckValidation fails t unless err is the validation error want.
func CheckValidation(t *testing.T, err error, want string) {
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

// CheckResult fails t unless the result got (or err) is want.
func CheckResult(t *testing.T, mode string, got any, err error, want string) {
	t.Helper()
	if want == NotFound {
		if !errors.Is(err, keyward.ErrMatchNotFound) {
			t.Errorf("%s: error = %v, want MatchNotFound()", mode, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", mode, err)
	}
	if s := Summary(t, got); s != want {
		t.Errorf("%s:\n got %s\nwant %s", mode, s, want)
	}
}

// Summary renders a result as in Case.Want: whole entries by id.
func Summary(tb testing.TB, v any) string {
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

// Fields is the number of fields of every entry.
const Fields = 12

func wholeEntry(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == Fields
}
