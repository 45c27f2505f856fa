package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
)

// ackedKey is a key whose api_key.create answer arrived.
type ackedKey struct {
	ID  int64
	Key string
}

// keyWriter creates keys from several connections until stopped, and
// records every key the server acknowledged.
type keyWriter struct {
	mu    sync.Mutex
	acked []ackedKey
	err   error
	stop  chan struct{}
	wg    sync.WaitGroup
}

// startKeyWriters runs n writers against the server as the administrator.
func startKeyWriters(t *testing.T, srv *apptest.Server, n int) *keyWriter {
	t.Helper()
	w := &keyWriter{stop: make(chan struct{})}
	for g := range n {
		c, err := client.Dial(context.Background(), srv.WSURL("current"), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() })
		if err := c.LoginPassword(context.Background(), apptest.AdminUser, apptest.AdminPassword); err != nil {
			t.Fatal(err)
		}
		w.wg.Go(func() { w.write(c, g) })
	}
	return w
}

func (w *keyWriter) write(c *client.Client, g int) {
	for i := 0; ; i++ {
		select {
		case <-w.stop:
			return
		default:
		}
		var k ackedKey
		err := c.CallInto(context.Background(), &k, "api_key.create",
			map[string]any{"name": fmt.Sprintf("w%d-%d", g, i), "username": apptest.AdminUser})
		w.mu.Lock()
		if err != nil {
			w.err = err
		} else {
			w.acked = append(w.acked, k)
		}
		w.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// snapshot returns the keys acknowledged so far.
func (w *keyWriter) snapshot() []ackedKey {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]ackedKey(nil), w.acked...)
}

// waitFor waits until n keys are acknowledged.
func (w *keyWriter) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for len(w.snapshot()) < n {
		w.mu.Lock()
		err := w.err
		w.mu.Unlock()
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("%d keys acknowledged, want %d: %v", len(w.snapshot()), n, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// halt stops the writers and fails on a write error.
func (w *keyWriter) halt(t *testing.T) {
	t.Helper()
	close(w.stop)
	w.wg.Wait()
	if w.err != nil {
		t.Fatalf("write load: %v", w.err)
	}
}

// TestBackupUnderLoad backs up a live server while keys are being created,
// restores the backup into a new data directory and logs in there with
// every key acknowledged before the backup began.
func TestBackupUnderLoad(t *testing.T) {
	srv := apptest.MustStart(t)
	srv.MustSetupAdmin(t)
	w := startKeyWriters(t, srv, 4)
	w.waitFor(t, 30)
	before := w.snapshot()
	out := filepath.Join(t.TempDir(), "keyward.backup")
	stdout, stderr, code := runCmd(t, "", "backup", "--data-dir", srv.DataDir, out)
	if code != 0 || !strings.Contains(stdout, "backed up") || !strings.Contains(stderr, "pepper is not in the backup") ||
		!strings.Contains(stderr, filepath.Join(srv.DataDir, "pepper")) {
		t.Fatalf("backup: exit %d: %s %s", code, stdout, stderr)
	}
	w.waitFor(t, len(before)+20) // writes go on after the backup
	w.halt(t)
	mustBeSound(t, out)

	t.Run("ErrExists", func(t *testing.T) {
		data, _ := os.ReadFile(out)
		_, stderr, code := runCmd(t, "", "backup", "--data-dir", srv.DataDir, out)
		if after, _ := os.ReadFile(out); code != 1 || !strings.Contains(stderr, "file exists") || string(after) != string(data) {
			t.Fatalf("backup over an existing file: exit %d: %s", code, stderr)
		}
	})
	t.Run("ErrServerRunning", func(t *testing.T) {
		_, stderr, code := runCmd(t, "", "restore", "--data-dir", srv.DataDir, out)
		if code != 1 || !strings.Contains(stderr, "in use by a running Keyward server") {
			t.Fatalf("restore onto a running server: exit %d: %s", code, stderr)
		}
		if aside, _ := filepath.Glob(filepath.Join(srv.DataDir, "*before-restore*")); len(aside) != 0 {
			t.Fatalf("refused restore moved the database: %q", aside)
		}
	})

	dir := filepath.Join(t.TempDir(), "restored")
	stdout, stderr, code = runCmd(t, "", "restore", "--data-dir", dir, out)
	if code != 0 || !strings.Contains(stdout, "restored") || strings.Contains(stdout, "kept as") ||
		!strings.Contains(stderr, "pepper is not in the backup") || !strings.Contains(stderr, "warning: ") ||
		!strings.Contains(stderr, "KEYWARD_PEPPER is unset") {
		t.Fatalf("restore: exit %d: %s %s", code, stdout, stderr)
	}
	mustPerm(t, dir, 0o700)
	mustPerm(t, filepath.Join(dir, "keyward.db"), 0o600)
	mustCopyPepper(t, srv.DataDir, dir)

	srv2 := apptest.MustStart(t, apptest.InDir(dir))
	c := apptest.MustDial(t, srv2.WSURL("current"))
	for _, k := range before {
		if got := c.KeyLogin(apptest.AdminUser, k.Key); got != "SUCCESS" {
			t.Fatalf("key %d acknowledged before the backup: login %s", k.ID, got)
		}
	}
}

// mustBeSound checks PRAGMA integrity_check on a database file.
func mustBeSound(t *testing.T, path string) {
	t.Helper()
	mustPerm(t, path, 0o600)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check of %s: %q %v", path, res, err)
	}
}

func mustPerm(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Fatalf("%s: mode %#o, want %#o", path, got, want)
	}
}

// mustCopyPepper copies the pepper file, as the operator must.
func mustCopyPepper(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(from, "pepper"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(to, "pepper"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreRefusesOtherFiles(t *testing.T) {
	text := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("hello\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	_, stderr, code := runCmd(t, "", "restore", "--data-dir", dir, text)
	want := "keyward restore: " + text + ": not a Keyward database: file is not a database"
	if code != 1 || !strings.HasPrefix(stderr, want) {
		t.Fatalf("restore of a text file: exit %d: %q, want %q", code, stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "keyward.db")); !os.IsNotExist(err) {
		t.Fatalf("a refused restore left a database: %v", err)
	}
	t.Run("ErrUsage", func(t *testing.T) {
		for _, cmd := range []string{"backup", "restore"} {
			if _, stderr, code := runCmd(t, "", cmd, "--data-dir", dir); code != 1 || !strings.Contains(stderr, "usage: keyward "+cmd) {
				t.Fatalf("%s without a file: exit %d: %s", cmd, code, stderr)
			}
		}
	})
}
