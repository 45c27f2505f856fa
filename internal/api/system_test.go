package api_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/api"
)

// TestSystemVersionNamesNewest: system.version starts with the newest
// served path without its "v" (protocol.md 10), so adding a path and
// forgetting the string fails here.
func TestSystemVersionNamesNewest(t *testing.T) {
	t.Parallel()
	want := "Keyward-" + strings.TrimPrefix(string(keyward.CurrentPath), "v") + "-" + keyward.ProductVersion
	if api.SystemVersion != want {
		t.Fatalf("system.version %q, want %q", api.SystemVersion, want)
	}
}
