package main

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
	"github.com/keyward/keyward/internal/keys"
)

// trueNASKeyFile is the precomputed key file TrueNAS 26 makes for a key
// whose secret and salt are known, computed here from RFC 5802 with
// 500,000 iterations as TrueNAS does (not with Keyward's code).
func trueNASKeyFile(t *testing.T, id int, secret string, salt []byte) string {
	t.Helper()
	salted, err := pbkdf2.Key(sha512.New, secret, salt, 500000, 64)
	if err != nil {
		t.Fatal(err)
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha512.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	clientKey := mac(salted, "Client Key")
	stored := sha512.Sum512(clientKey)
	b64 := base64.StdEncoding.EncodeToString
	data, _ := json.Marshal(map[string]any{"api_key_id": id, "client_key": b64(clientKey),
		"stored_key": b64(stored[:]), "server_key": b64(mac(salted, "Server Key"))})
	return string(data)
}

// TestSCRAMItem12ImportedKey (scram.md 9.13 item 12): a key imported with a
// TrueNAS 25.x $pbkdf2-sha512$500000$ keyhash logs in by SCRAM at once,
// with i=500000 and the imported salt in the server-first; its keyhash is
// no longer the PBKDF2 hash; a TrueNAS 26 key file for it works before and
// after its first plain login, which gives it a keyed hash.
func TestSCRAMItem12ImportedKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	runCmd(t, "pw\n", "admin", "setup", "--data-dir", dir, "--username", "admin")
	secret := keys.NewSecret()
	salt := []byte("0123456789abcdef")
	rows := []map[string]any{{"id": 41, "name": "from-truenas", "username": "admin",
		"keyhash": keys.HashPBKDF2(secret, salt, 500000), "revoked": false}}
	data, _ := json.Marshal(rows)
	file := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCmd(t, "", "import-truenas-keys", "--data-dir", dir, file); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	srv := apptest.MustStart(t, apptest.InDir(dir))
	raw := "41-" + secret
	keyFile := trueNASKeyFile(t, 41, secret, salt)

	c := apptest.MustDial(t, srv.WSURL("v26.0.0"))
	s := c.SCRAM("admin", raw, false)
	first, err := c.SCRAMStep(client.SCRAMClientFirst, s.First())
	wantParams := ",s=" + base64.StdEncoding.EncodeToString(salt) + ",i=500000"
	if err != nil || !strings.HasSuffix(first.RFCStr, wantParams) {
		t.Fatalf("server-first %q, %v; want it to end in %q", first.RFCStr, err, wantParams)
	}
	c = apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if _, err := c.LoginSCRAM(c.SCRAM("admin", raw, false)); err != nil {
		t.Fatalf("SCRAM with the imported key: %v", err)
	}
	old := apptest.MustDial(t, srv.WSURL("v25.10.0"))
	old.MustLogin("admin", "pw")
	hash := func() string { return old.MustResult("api_key.get_instance", 41).(map[string]any)["keyhash"].(string) }
	if h := hash(); h != "$scram-sha512$500000$"+base64.StdEncoding.EncodeToString(salt) {
		t.Fatalf("keyhash after import %q", h)
	}
	c = apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if _, err := c.LoginSCRAM(c.SCRAM("admin", keyFile, false)); err != nil {
		t.Fatalf("TrueNAS 26 key file before the first plain login: %v", err)
	}
	if got := apptest.MustDial(t, srv.WSURL("v26.0.0")).KeyLogin("admin", raw); got != "SUCCESS" {
		t.Fatalf("plain login with the imported key: %s", got)
	}
	if h := hash(); !strings.HasPrefix(h, keys.HMACPrefix) {
		t.Fatalf("keyhash after the first plain login %q, want a keyed hash", h)
	}
	c = apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if _, err := c.LoginSCRAM(c.SCRAM("admin", keyFile, false)); err != nil {
		t.Fatalf("TrueNAS 26 key file after the first plain login: %v", err)
	}
}

// TestImportTrueNAS26Rows (scram.md 9.9): rows of a TrueNAS 26 export carry
// the SCRAM verifier instead of keyhash (as a FULL_ADMIN's api_key.query
// shows it). Such a key logs in by SCRAM with its key file and with its raw
// key; a row its 26.0 migration revoked (iterations 0) comes in revoked; a
// row with no usable verifier is skipped.
func TestImportTrueNAS26Rows(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	runCmd(t, "pw\n", "admin", "setup", "--data-dir", dir, "--username", "admin")
	secret := keys.NewSecret()
	salt := []byte("fedcba9876543210")
	var file map[string]any
	_ = json.Unmarshal([]byte(trueNASKeyFile(t, 51, secret, salt)), &file)
	reason := "$pbkdf2-sha256: unsupported cryptographic algorithm"
	rows := []map[string]any{
		{"id": 51, "name": "from-26", "username": "admin", "iterations": 500000,
			"salt": base64.StdEncoding.EncodeToString(salt), "stored_key": file["stored_key"], "server_key": file["server_key"],
			"revoked": false},
		{"id": 52, "name": "revoked-by-26", "username": "admin", "iterations": 0, "salt": "", "stored_key": "",
			"server_key": "", "revoked": true, "revoked_reason": reason},
		{"id": 53, "name": "redacted", "username": "admin", "iterations": 500000, "salt": "********",
			"stored_key": "********", "server_key": "********", "revoked": false},
	}
	data, _ := json.Marshal(rows)
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCmd(t, "", "import-truenas-keys", "--data-dir", dir, path)
	if code != 0 || !strings.Contains(out+errOut, "skipped key 53 (redacted): no usable verifier") ||
		!strings.HasSuffix(strings.TrimSpace(out), "imported 2, skipped 1") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	srv := apptest.MustStart(t, apptest.InDir(dir))
	c := apptest.MustDial(t, srv.WSURL("v26.0.0"))
	if _, err := c.LoginSCRAM(c.SCRAM("admin", trueNASKeyFile(t, 51, secret, salt), false)); err != nil {
		t.Fatalf("SCRAM with the 26 key file: %v", err)
	}
	if got := apptest.MustDial(t, srv.WSURL("v26.0.0")).KeyLogin("admin", "51-"+secret); got != "SUCCESS" {
		t.Fatalf("plain login with the imported 26 key: %s", got)
	}
	admin := apptest.MustDial(t, srv.WSURL("v26.0.0"))
	admin.MustLogin("admin", "pw")
	e := admin.MustResult("api_key.get_instance", 52).(map[string]any)
	if e["revoked"] != true || e["revoked_reason"] != reason || e["iterations"] != apptest.Number(0) || e["salt"] != "" {
		t.Fatalf("the key revoked by TrueNAS's migration: %s", apptest.String(e))
	}
}
