package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestFileModes checks that every file the server writes is private to its
// user, and that it refuses to start when the data directory, the pepper
// file or the TLS key is open to other users.
func TestFileModes(t *testing.T) {
	t.Parallel()
	srv := apptest.MustStart(t, func(c *config.Config) {
		c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true
	})
	admin := srv.MustSetupAdmin(t)
	apptest.MustCreateKey(t, admin, "k", "admin")
	dir := srv.DataDir
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range append(files, dir) {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %#o: other users may access it", f, info.Mode().Perm())
		}
	}
	for _, want := range []string{"pepper", "keyward.db", "tls.key"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("no %s in the data directory: %v", want, err)
		}
	}
	srv.Stop()

	refused := func(path string, mode os.FileMode, want string) {
		t.Helper()
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(path, info.Mode().Perm())
		err = startTLS(dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("start with %s at mode %#o: %v, want an error containing %q", path, mode, err, want)
		}
	}
	refused(dir, 0o755, dir+" must not be accessible to other users")
	refused(dir, 0o750, dir+" must not be accessible to other users")
	pepper := filepath.Join(dir, "pepper")
	refused(pepper, 0o644, pepper+" (mode 0644): pepper file must have mode 0600")
	refused(pepper, 0o640, pepper+" (mode 0640): pepper file must have mode 0600")
	db := filepath.Join(dir, "keyward.db")
	refused(db, 0o644, db+" must not be accessible to other users")
	key := filepath.Join(dir, "tls.key")
	refused(key, 0o644, "tls_key: "+key+" must not be readable by every user")
	if err := startTLS(dir); err != nil {
		t.Fatalf("start with the modes restored: %v", err)
	}
}

// startTLS builds and listens a server on dir with a self-signed TLS
// listener, then stops it, and returns why it could not start.
func startTLS(dir string) error {
	cfg := config.Default()
	cfg.DataDir, cfg.Listen, cfg.Argon2 = dir, "127.0.0.1:0", apptest.FastArgon2
	cfg.TLSListen, cfg.TLSSelfSigned = "127.0.0.1:0", true
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	ls, err := a.Listen()
	if err != nil {
		return err
	}
	ls.Close()
	return nil
}
