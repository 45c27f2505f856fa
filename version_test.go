package keyward_test

import (
	"slices"
	"testing"

	"github.com/keyward/keyward"
)

// TestPaths: the served paths of versions.md section 4, ascending, each
// serving a shape version; "current" is v26.0.0, whose shape is Current;
// anything else is not served.
func TestPaths(t *testing.T) {
	t.Parallel()
	want := map[keyward.Path]keyward.Version{
		"v25.04.0": keyward.V25_04, "v25.04.1": keyward.V25_04, "v25.04.2": keyward.V25_04,
		"v25.10.0": keyward.V25_10, "v25.10.1": keyward.V25_10, "v25.10.2": keyward.V25_10,
		"v25.10.3": keyward.V25_10, "v25.10.4": keyward.V25_10, "v25.10.5": keyward.V25_10,
		"v26.0.0": keyward.V26_0,
	}
	if len(keyward.Paths) != len(want) || !slices.IsSorted(keyward.Paths) {
		t.Fatalf("Paths %v", keyward.Paths)
	}
	for _, p := range keyward.Paths {
		got, ok := keyward.ParsePath(string(p))
		if !ok || got != p || p.Version() != want[p] {
			t.Errorf("%s: parsed %q %v, shape %q, want %q", p, got, ok, p.Version(), want[p])
		}
		if slices.Index(keyward.Versions, p.Version()) < 0 {
			t.Errorf("%s: shape %q is not a version", p, p.Version())
		}
	}
	if p, ok := keyward.ParsePath("current"); !ok || p != keyward.CurrentPath || p.Version() != keyward.Current || p != keyward.Paths[len(keyward.Paths)-1] {
		t.Errorf("current is %q (%v), shape %q", p, ok, p.Version())
	}
	for _, s := range []string{"", "v24.10", "v25.10.6", "v27.0.0", "V26.0.0", "26.0.0"} {
		if _, ok := keyward.ParsePath(s); ok {
			t.Errorf("%q is served", s)
		}
	}
	if !keyward.V25_04.Before(keyward.V25_10) || !keyward.V25_10.Before(keyward.V26_0) || keyward.V26_0.Before(keyward.V26_0) {
		t.Error("shape versions out of order")
	}
}
