package acceptance_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// newPepperLine returns a pepper file line "<id> <base64 of 32 random bytes>".
func newPepperLine(id string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return id + " " + base64.StdEncoding.EncodeToString(b)
}

// writePepperFile replaces the data directory's pepper file with lines.
func writePepperFile(t *testing.T, dir string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "pepper"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startWith tries to build a server with cfg and returns why it cannot
// start.
func startWith(cfg *config.Config) (*app.App, error) {
	cfg.Listen, cfg.Argon2 = "127.0.0.1:0", apptest.FastArgon2
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil {
		_ = a.Shutdown(context.Background())
	}
	return a, err
}

// mismatch is the refusal cluster.md section 2 prescribes for pepper id.
func mismatch(id string) string {
	return "the pepper does not match this database (its keys were hashed with pepper " + id +
		"): set KEYWARD_PEPPER or the pepper file to the cluster's pepper"
}

// TestSecurityItem6PepperRotation: rotating the pepper as docs/OPERATIONS.md
// says still works with the pepper check. The new id is recorded when first
// seen, so other bytes under either id are refused later; a key re-hashed
// with the new pepper at its next login lets the old line go.
func TestSecurityItem6PepperRotation(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t)
	admin := srv.MustSetupAdmin(t)
	_, raw := apptest.MustCreateKey(t, admin, "k", apptest.AdminUser)
	srv.Stop()
	dir := srv.DataDir
	old, err := os.ReadFile(filepath.Join(dir, "pepper"))
	if err != nil {
		t.Fatal(err)
	}
	oldLine := strings.TrimSpace(string(old))
	oldID := strings.Fields(oldLine)[0]
	newLine := newPepperLine("rot2")

	// Append the new pepper; the key logs in and is re-hashed with it.
	writePepperFile(t, dir, oldLine, newLine)
	srv = apptest.MustStart(t, apptest.InDir(dir))
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin(apptest.AdminUser, raw); got != "SUCCESS" {
		t.Fatalf("key login after the rotation: %s", got)
	}
	srv.Stop()

	for _, tc := range []struct {
		name, id string
		lines    []string
	}{
		{"ErrOldIDOtherBytes", oldID, []string{newPepperLine(oldID), newLine}},
		{"ErrNewIDOtherBytes", "rot2", []string{oldLine, newPepperLine("rot2")}},
	} {
		writePepperFile(t, dir, tc.lines...)
		if _, err := apptest.StartErr(dir); err == nil || err.Error() != mismatch(tc.id) {
			t.Fatalf("%s: start gave %v, want %q", tc.name, err, mismatch(tc.id))
		}
	}

	// No key needs the old pepper any more: its line may go.
	writePepperFile(t, dir, newLine)
	srv = apptest.MustStart(t, apptest.InDir(dir))
	if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin(apptest.AdminUser, raw); got != "SUCCESS" {
		t.Fatalf("key login with the new pepper only: %s", got)
	}
}

// TestSecurityItem6DuplicatePepperID: two peppers with one id and other
// bytes (a second rotation in one month with the documented date-based id,
// say) are refused when read, with a message naming the real mistake.
// Before, the last one won for hashing and verifying (so existing keys of
// that id failed), the check recorded the last one, and the next start
// was refused with the message for a pepper from another database.
func TestSecurityItem6DuplicatePepperID(t *testing.T) {
	t.Parallel()
	a, b := newPepperLine("dup1"), newPepperLine("dup1")
	envOf := func(line string) string { return strings.Replace(line, " ", ":", 1) }
	for _, tc := range []struct {
		name string
		file []string
		env  string
	}{
		{name: "ErrFile", file: []string{a, b}},
		{name: "ErrEnv", env: envOf(a) + "," + envOf(b)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if tc.file != nil {
				writePepperFile(t, dir, tc.file...)
			}
			cfg := config.Default()
			cfg.DataDir, cfg.Pepper = dir, tc.env
			_, err := startWith(cfg)
			if err == nil || !strings.Contains(err.Error(), `pepper id "dup1" appears twice`) {
				t.Fatalf("start with two peppers named dup1: %v", err)
			}
		})
	}
}
