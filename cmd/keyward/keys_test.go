package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/keys"
)

var rawKey = regexp.MustCompile(`^\d+-[A-Za-z0-9]{64}$`)

func TestKeyCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, errOut, code := runCmd(t, "pw\n", "admin", "setup", "--data-dir", dir, "--username", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	out, errOut, code := runCmd(t, "", "key", "create", "--data-dir", dir, "--user", "admin", "--name", "cli", "--expires", "2099-01-01")
	key := strings.TrimSpace(out)
	if code != 0 || !rawKey.MatchString(key) || !strings.Contains(errOut, "shown only once") {
		t.Fatalf("key create: %d %q %s", code, out, errOut)
	}
	out, _, _ = runCmd(t, "", "key", "list", "--data-dir", dir)
	if !strings.Contains(out, "cli") || !strings.Contains(out, "2099-01-01") || strings.Contains(out, key[2:]) {
		t.Fatalf("key list: %s", out)
	}
	out, _, code = runCmd(t, "", "key", "reset", "--data-dir", dir, "1")
	fresh := strings.TrimSpace(out)
	if code != 0 || !rawKey.MatchString(fresh) || fresh == key {
		t.Fatalf("key reset: %q", out)
	}
	srv := apptest.MustStart(t, apptest.InDir(dir))
	c := apptest.MustDial(t, srv.WSURL("current"))
	if c.KeyLogin("admin", key) != "AUTH_ERR" || c.KeyLogin("admin", fresh) != "SUCCESS" {
		t.Fatal("CLI-made keys do not log in as expected")
	}
	srv.Stop()
	if _, errOut, code := runCmd(t, "", "key", "delete", "--data-dir", dir, "1"); code != 0 {
		t.Fatal(errOut)
	}
	out, _, _ = runCmd(t, "", "key", "list", "--data-dir", dir)
	if strings.Contains(out, "cli") {
		t.Fatalf("deleted key listed: %s", out)
	}
}

// TestImportTrueNASKeys builds a TrueNAS-shaped export with PBKDF2 hashes
// computed here, imports it, and logs in with the keys (acceptance 20).
func TestImportTrueNASKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	runCmd(t, "pw\n", "admin", "setup", "--data-dir", dir, "--username", "admin")
	secret := keys.NewSecret()
	salt := []byte("0123456789abcdef")
	rows := []map[string]any{
		{"id": 41, "name": "from-truenas", "username": "admin", "user_identifier": 950, "local": true,
			"keyhash": keys.HashPBKDF2(secret, salt, 500000), "created_at": map[string]any{"$date": 1735689600000},
			"expires_at": nil, "revoked": false, "revoked_reason": nil},
		{"id": 42, "name": "revoked-one", "username": "admin", "keyhash": keys.HashPBKDF2("x", salt, 500000),
			"created_at": map[string]any{"$date": 1735689600000}, "expires_at": nil, "revoked": true, "revoked_reason": nil},
		{"id": 43, "name": "sha256", "username": "admin", "keyhash": "$pbkdf2-sha256$29000$AAAA$BBBB", "revoked": false},
		{"id": 44, "name": "nobody", "username": "ghost", "keyhash": keys.HashPBKDF2("y", salt, 500000), "revoked": false},
		{"id": 41, "name": "dup-id", "username": "admin", "keyhash": keys.HashPBKDF2("z", salt, 500000), "revoked": false},
		{"id": "x"},
	}
	data, _ := json.Marshal(rows)
	file := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCmd(t, "", "import-truenas-keys", "--data-dir", dir, file)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "imported 2, skipped 4") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	srv := apptest.MustStart(t, apptest.InDir(dir))
	admin := apptest.MustDial(t, srv.WSURL("v25.10.0")) // keyhash: before v26
	admin.MustLogin("admin", "pw")
	raw := "41-" + secret
	for i := range 2 {
		if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", raw); got != "SUCCESS" {
			t.Fatalf("imported key, login %d: %s", i+1, got)
		}
		e := admin.MustResult("api_key.get_instance", 41).(map[string]any)
		if !strings.HasPrefix(e["keyhash"].(string), "$hmac-sha256$") || apptest.String(e["created_at"]) != `{"$date":1735689600000}` {
			t.Fatalf("after login %d: %s", i+1, apptest.String(e))
		}
	}
	revoked := admin.MustResult("api_key.get_instance", 42).(map[string]any)
	if revoked["revoked"] != true || revoked["revoked_reason"] != "Unknown reason" {
		t.Fatalf("imported revoked key %s", apptest.String(revoked))
	}
	next, _ := apptest.MustCreateKey(t, admin, "after-import", "admin")
	if next <= 42 {
		t.Fatalf("new key id %d reuses the imported range", next)
	}
	if _, errOut, code := runCmd(t, "", "import-truenas-keys", "--data-dir", dir, filepath.Join(t.TempDir(), "missing.json")); code != 1 {
		t.Fatalf("missing file: %d %s", code, errOut)
	}
}
