package acceptance_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyward/keyward"
	"github.com/keyward/keyward/internal/apptest"
)

// keyFile is a precomputed key file, as the official client reads one:
// built from a create result or a convert_raw_key result.
func keyFile(t *testing.T, m map[string]any) string {
	t.Helper()
	id := m["id"]
	if id == nil {
		id = m["api_key_id"]
	}
	b, err := json.Marshal(map[string]any{"api_key_id": id, "client_key": m["client_key"],
		"stored_key": m["stored_key"], "server_key": m["server_key"]})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// realKey reports whether s is the base64 of a 64-byte SCRAM key (not the
// redaction).
func realKey(s any) bool {
	text, _ := s.(string)
	b, err := base64.StdEncoding.DecodeString(text)
	return err == nil && len(b) == 64
}

// TestSCRAMItem9PrecomputedFiles (scram.md 9.13 item 9): a key file built
// from a create result and one from api_key.convert_raw_key both log in;
// a READONLY_ADMIN's create result holds the real stored_key and
// server_key, which its api_key.query shows as "********" (and the salt
// too, without API_KEY_WRITE); a FULL_ADMIN's query shows the salt.
func TestSCRAMItem9PrecomputedFiles(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	created := f.admin.MustResult("api_key.create", map[string]any{"name": "file", "username": "admin"}).(map[string]any)
	if !realKey(created["client_key"]) || !realKey(created["stored_key"]) || !realKey(created["server_key"]) ||
		created["iterations"] != apptest.Number(50000) {
		t.Fatalf("create result %s", apptest.String(created))
	}
	if _, has := created["keyhash"]; has {
		t.Fatalf("v26 create result has keyhash: %s", apptest.String(created))
	}
	c := f.ws(t)
	if _, err := c.LoginSCRAM(c.SCRAM("admin", keyFile(t, created), false)); err != nil {
		t.Fatalf("SCRAM with the create result's key file: %v", err)
	}

	conv := f.admin.MustResult("api_key.convert_raw_key", created["key"]).(map[string]any)
	if conv["salt"] != created["salt"] || conv["client_key"] != created["client_key"] || conv["iterations"] != created["iterations"] {
		t.Fatalf("convert_raw_key %s, create %s", apptest.String(conv), apptest.String(created))
	}
	c = f.ws(t)
	if _, err := c.LoginSCRAM(c.SCRAM("admin", keyFile(t, conv), false)); err != nil {
		t.Fatalf("SCRAM with the convert_raw_key file: %v", err)
	}

	ro := f.ws(t)
	ro.MustLogin("svc", "pw-svc")
	own := ro.MustResult("api_key.create", map[string]any{"name": "ro-own", "username": "svc"}).(map[string]any)
	if !realKey(own["stored_key"]) || !realKey(own["server_key"]) || !realKey(own["client_key"]) {
		t.Fatalf("READONLY_ADMIN's create result %s: want the real values", apptest.String(own))
	}
	rows := ro.MustResult("api_key.query", []any{[]any{"id", "=", own["id"]}}).([]any)
	row := rows[0].(map[string]any)
	if row["stored_key"] != "********" || row["server_key"] != "********" || row["salt"] != "********" ||
		row["iterations"] != apptest.Number(50000) {
		t.Fatalf("READONLY_ADMIN's query row %s", apptest.String(row))
	}
	rows = f.admin.MustResult("api_key.query", []any{[]any{"id", "=", own["id"]}}).([]any)
	row = rows[0].(map[string]any)
	if row["salt"] != own["salt"] || row["stored_key"] != "********" || row["server_key"] != "********" {
		t.Fatalf("FULL_ADMIN's query row %s, created %s", apptest.String(row), apptest.String(own))
	}
	// The old paths keep keyhash and show nothing of the verifier.
	old := apptest.MustDial(t, f.srv.WSURL("v25.10.0"))
	old.MustLogin(apptest.AdminUser, apptest.AdminPassword)
	e := old.MustResult("api_key.get_instance", own["id"]).(map[string]any)
	if _, has := e["salt"]; has || e["keyhash"] == nil {
		t.Fatalf("v25.10.0 entry %s", apptest.String(e))
	}
}

// TestSCRAMConvertRawKeyRefusals: api_key.convert_raw_key's validation
// (scram.md 5.4, all collected) and the secret check of difference S5.
func TestSCRAMConvertRawKeyRefusals(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	for _, tt := range []struct{ name, raw, want string }{
		{"ErrNotRawKey", "no-dash-here", "Not a valid raw API key"},
		{"ErrNoDash", "12345", "Not a valid raw API key"},
		{"ErrInvalidID", "0-" + f.raw[len(f.raw)-64:], "Invalid key id"},
		{"ErrSize", "1-short", "Unexpected key size."},
		{"ErrMissing", "999-" + f.raw[len(f.raw)-64:], "Key does not exist."},
		{"ErrWrongSecret", apptest.WrongSecret(f.raw), "Invalid API key."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := f.admin.Call("api_key.convert_raw_key", tt.raw)
			if apptest.Code(r) != -32602 || !containsReason(r, tt.want) {
				t.Fatalf("convert_raw_key(%q): %s, want -32602 %q", tt.raw, apptest.String(r), tt.want)
			}
		})
	}
	if r := apptest.MustDial(t, f.srv.WSURL("v25.10.0")).Call("api_key.convert_raw_key", f.raw); !strings.Contains(apptest.Reason(r), "ENOMETHOD") {
		t.Fatalf("convert_raw_key on v25.10.0: %s, want ENOMETHOD", apptest.String(r))
	}
}

// containsReason reports whether the answer's error names want (in its
// reason or its extra, where validation errors carry their texts).
func containsReason(r map[string]any, want string) bool {
	return strings.Contains(apptest.Reason(r), want) || strings.Contains(apptest.Extra(r), want)
}

// TestSCRAMItem11KeyWithoutVerifier (scram.md 9.13 item 11): a key made
// before SCRAM support fails SCRAM; one plain login gives it a verifier
// (iterations 0 → 50,000, a changed event) and SCRAM then works.
func TestSCRAMItem11KeyWithoutVerifier(t *testing.T) {
	t.Parallel()
	f := newSCRAMFixture(t)
	ctx := context.Background()
	err := f.srv.Store().UpdateKeys(ctx, func(tx keyward.KeyTx) error {
		k, err := tx.Find(ctx, f.id)
		if err != nil {
			return err
		}
		k.SCRAM = "" // as the key was before SCRAM support
		return tx.Update(ctx, k)
	})
	if err != nil {
		t.Fatal(err)
	}
	iterations := func() any {
		return f.admin.MustResult("api_key.get_instance", f.id).(map[string]any)["iterations"]
	}
	if n := iterations(); n != apptest.Number(0) {
		t.Fatalf("iterations of a key without a verifier: %v", n)
	}
	c := f.ws(t)
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err == nil {
		t.Fatal("SCRAM with a key without a verifier succeeded")
	} else if rt, step := scramRefusal(err); rt != "AUTH_ERR" || step != "CLIENT_FINAL_MESSAGE" {
		t.Fatalf("SCRAM refusal %q at %q (%v), want AUTH_ERR at the client-final", rt, step, err)
	}
	plain := f.ws(t)
	if got := plain.KeyLogin("svc", f.raw); got != "SUCCESS" {
		t.Fatalf("plain login: %s", got)
	}
	if n := iterations(); n != apptest.Number(50000) {
		t.Fatalf("iterations after a plain login: %v, want 50000", n)
	}
	c = f.ws(t)
	if _, err := c.LoginSCRAM(c.SCRAM("svc", f.raw, false)); err != nil {
		t.Fatalf("SCRAM after the plain login: %v", err)
	}
}
