package acceptance_test

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// TestKeyNamesTrimmed: names are stored without leading and trailing white
// space and must keep a non-space character (web UI issue, defect 6).
func TestKeyNamesTrimmed(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	r := admin.MustResult("api_key.create", map[string]any{"name": "  spaced out \t", "username": "admin"}).(map[string]any)
	if r["name"] != "spaced out" {
		t.Fatalf("created name %q", r["name"])
	}
	id := r["id"]
	blank := func(resp map[string]any, attr string) {
		t.Helper()
		extra := apptest.String(apptest.ErrorOf(resp)["data"])
		if apptest.Code(resp) != -32602 || !strings.Contains(extra, `["`+attr+`","name must contain a non-space character",22]`) {
			t.Fatalf("blank name: %s", apptest.String(resp))
		}
	}
	blank(admin.Call("api_key.create", map[string]any{"name": "   ", "username": "admin"}), "api_key_create.name")
	blank(admin.Call("api_key.update", id, map[string]any{"name": " \t "}), "api_key_update.name")
	if r := admin.Call("api_key.create", map[string]any{"name": " spaced out", "username": "admin"}); !strings.Contains(apptest.String(r), "name must be unique") {
		t.Fatalf("a name equal after trimming: %s", apptest.String(r))
	}
	u := admin.MustResult("api_key.update", id, map[string]any{"name": " renamed "}).(map[string]any)
	if u["name"] != "renamed" {
		t.Fatalf("updated name %q", u["name"])
	}
}

// TestStoredTextRefusesNUL (attack finding: a NUL in a key name was an
// internal error on PostgreSQL, whose text cannot hold it): names and full
// names with a NUL are refused as invalid on both back ends alike, and the
// server logs no error.
func TestStoredTextRefusesNUL(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	refused := func(resp map[string]any, attr string) {
		t.Helper()
		extra := apptest.String(apptest.ErrorOf(resp)["data"])
		if apptest.Code(resp) != -32602 || !strings.Contains(extra, `["`+attr+`","String should not contain the NUL character",22]`) {
			t.Fatalf("a NUL in %s: %s", attr, apptest.String(resp))
		}
	}
	refused(admin.Call("api_key.create", map[string]any{"name": "a\x00b", "username": "admin"}), "api_key_create.name")
	id := admin.MustResult("api_key.create", map[string]any{"name": "fine", "username": "admin"}).(map[string]any)["id"]
	refused(admin.Call("api_key.update", id, map[string]any{"name": "a\x00b"}), "api_key_update.name")
	refused(admin.Call("user.create", map[string]any{"username": "nul", "full_name": "N\x00L", "password": "pw-nul-123"}),
		"user_create.full_name")
}
