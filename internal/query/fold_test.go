package query_test

import (
	"testing"

	"github.com/keyward/keyward/internal/query"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"KEY-0001": "key-0001", "\u212Aey": "key", "STRAẞE": "straße", "ſ": "s", "ΣΊΣΥΦΟΣ": "σίσυφοσ",
		"ς": "σ", "İı": "ii", "𐐀𐐨": "𐐨𐐨", "Ⱥ": "ⱥ", "µ": "μ", "ǅ": "ǆ", "a\x00B": "a\x00b", "\xffK": "\uFFFDk",
	} {
		if got := query.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
