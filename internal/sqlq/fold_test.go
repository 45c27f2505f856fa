package sqlq_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/query"
	"github.com/keyward/keyward/internal/sqlq"
)

func TestFoldedPrefix(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{`(?i)ci\.prod`, "ci.prod"},
		{`(?i)ci-.*`, "ci-"},
		{`(?i)KEY-0001`, "key-0001"},
		{"(?i)\u212Aey", "key"},
		{`(?i)\x{212A}`, "k"},
		{`(?i)STRAẞE`, "straße"},
		{`(?i)ΣΊΣ`, "σίσ"},
		{`(?i)ς`, "σ"},
		{`(?i)𐐀x`, "𐐨x"},
		{`(?i)İ`, "i"},
		{`(?i)Ⱥb`, "ⱥb"},
		{`(?i)ab|ac`, "a"},
		{`(?i)a?b`, ""},
		{`(?i).*x`, ""},
		{`(?i)(ci)-x+y`, "ci-x"},
		{`(?i)^ci`, "ci"},
		{`(?i)ci[0-9]`, "ci"},
		{`(?i)ci\d`, "ci"},
		{`(?i)a{2}b`, ""},
		{`(?i)\Qa.b*\E`, "a.b*"},
		{`Ci(?i)X`, "cix"},
		{`(?i)a\x00b`, "a\x00b"},
		{``, ""},
	} {
		if got := sqlq.FoldedPrefix(tc.pattern); got != tc.want {
			t.Errorf("FoldedPrefix(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
}

// TestFoldedPrefixSound checks, for every rune with case variants or a
// fold of its own, that each string (?i) matches in place of the rune
// folds to a text starting with the range's prefix: the fold range never
// drops a row the regular expression accepts. It also checks that no
// prefix is cut short for these runes.
func TestFoldedPrefixSound(t *testing.T) {
	checked := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) || (unicode.SimpleFold(r) == r && query.Fold(string(r)) == string(r)) {
			continue
		}
		pattern := "(?i)" + regexp.QuoteMeta(string(r)) + "x"
		re := regexp.MustCompile(`\A(?:` + pattern + `)`)
		prefix := sqlq.FoldedPrefix(pattern)
		if want := query.Fold(string(r)) + "x"; prefix != want {
			t.Errorf("%U: prefix %q, want %q", r, prefix, want)
		}
		for v := unicode.SimpleFold(r); ; v = unicode.SimpleFold(v) {
			s := string(v) + "X"
			if !re.MatchString(s) {
				t.Fatalf("%U: %q does not match %q", r, pattern, s)
			}
			if !strings.HasPrefix(query.Fold(s), prefix) {
				t.Errorf("%U: %q matches %q, whose fold %q lacks prefix %q", r, pattern, s, query.Fold(s), prefix)
			}
			checked++
			if v == r {
				break
			}
		}
	}
	if checked < 2000 {
		t.Fatalf("only %d runes checked", checked)
	}
}

// TestFoldedPrefixInvalidUTF8 checks that a byte that is not UTF-8, which
// both the regular expression and Fold read as U+FFFD, stays in range.
func TestFoldedPrefixInvalidUTF8(t *testing.T) {
	pattern := `(?i)a\x{FFFD}b`
	if !regexp.MustCompile(pattern).MatchString("A\xffB") {
		t.Fatal("no match")
	}
	if p := sqlq.FoldedPrefix(pattern); !strings.HasPrefix(query.Fold("A\xffB"), p) {
		t.Errorf("fold %q lacks prefix %q", query.Fold("A\xffB"), p)
	}
}

func TestCompileBadFoldColumn(t *testing.T) {
	for _, c := range []sqlq.Column{
		{Name: "n", Expr: "n", Type: sqlq.Int, Fold: "n_fold"},
		{Name: "n", Expr: "n", Type: sqlq.Text, Join: &sqlq.Join{Key: "k", From: "t"}},
	} {
		table := &sqlq.Table{Columns: []sqlq.Column{c}}
		if _, err := sqlq.Compile(sqlq.SQLite, table, "t", nil, nil); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
