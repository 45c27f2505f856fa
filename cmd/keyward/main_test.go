package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		lookup: func(string) (string, bool) { return "", false }}
	code := run(context.Background(), args, e)
	return out.String(), errb.String(), code
}

func TestCallSystemInfo(t *testing.T) {
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	out, errOut, code := runCmd(t, "", "call", "--url", srv.WSURL("current"), "-U", apptest.AdminUser, "-P", apptest.AdminPassword, "system.info")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var info map[string]any
	if err := json.Unmarshal([]byte(out), &info); err != nil || !strings.HasPrefix(info["version"].(string), "Keyward-26.0.0-") {
		t.Fatalf("output %q: %v", out, err)
	}
	t.Run("ErrWrongPassword", func(t *testing.T) {
		if _, errOut, code := runCmd(t, "", "call", "--url", srv.WSURL("current"), "-U", "admin", "-P", "nope", "system.info"); code != 1 || !strings.Contains(errOut, "login refused") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("OKParams", func(t *testing.T) {
		out, errOut, code := runCmd(t, "", "call", "--url", srv.WSURL("current"), "-U", "admin", "-P", apptest.AdminPassword,
			"user.query", `[["username","=","admin"]]`, `{"get":true,"select":["uid"]}`)
		if code != 0 || strings.Join(strings.Fields(out), "") != `{"uid":950}` {
			t.Fatalf("exit %d: %q %s", code, out, errOut)
		}
	})
}

func TestAdminAndUserCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, errOut, code := runCmd(t, "s3cret\n", "admin", "setup", "--data-dir", dir, "--username", "root"); code != 0 {
		t.Fatalf("admin setup: %s", errOut)
	}
	if _, errOut, code := runCmd(t, "again\n", "admin", "setup", "--data-dir", dir, "--username", "root2"); code != 1 || !strings.Contains(errOut, "already set up") {
		t.Fatalf("second admin setup: %d %s", code, errOut)
	}
	if _, errOut, code := runCmd(t, "pw\n", "user", "add", "--data-dir", dir, "--username", "bob", "--readonly"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	if _, errOut, code := runCmd(t, "", "user", "lock", "--data-dir", dir, "--username", "bob"); code != 0 {
		t.Fatalf("user lock: %s", errOut)
	}
	out, errOut, code := runCmd(t, "", "user", "list", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "bob") || !strings.Contains(out, "READONLY_ADMIN") || !strings.Contains(out, "true") {
		t.Fatalf("user list: %s %s", out, errOut)
	}
	if _, errOut, code := runCmd(t, "", "user", "delete", "--data-dir", dir, "--username", "root"); code != 1 || !strings.Contains(errOut, "Local Administrator") {
		t.Fatalf("deleting the last admin: %d %s", code, errOut)
	}
}
