package main

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/client"
)

// serveEnv names the arguments of `keyward serve` for the helper process.
const serveEnv = "KEYWARD_TEST_SERVE_ARGS"

// TestHelperServe is not a test: run by startServerProcess, it is a
// server in a process of its own.
func TestHelperServe(t *testing.T) {
	args := os.Getenv(serveEnv)
	if args == "" {
		t.Skip("not a test on its own: TestBackupRestoreOtherProcess runs it as its server process, with " + serveEnv + " set")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	none := func(string) (string, bool) { return "", false }
	os.Exit(run(ctx, strings.Fields(args), env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, lookup: none}))
}

// startServerProcess runs `keyward serve` on dir in a child process (this
// test binary) and returns it once it is ready.
func startServerProcess(t *testing.T, dir string) *apptest.Process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	args := append([]string{"serve", "--data-dir", dir}, apptest.FastServeArgs...)
	cmd.Env = append(apptest.CleanEnv(), serveEnv+"="+strings.Join(args, " "))
	cmd.Stderr = os.Stderr
	return apptest.MustStartProcess(t, cmd, nil)
}

// TestBackupRestoreOtherProcess backs up the database of a server running
// in another process, is refused a restore while it runs, and restores
// once it has stopped, keeping the old database.
func TestBackupRestoreOtherProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, errOut, code := runCmd(t, "pw\n", "admin", "setup", "--data-dir", dir, "--username", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	out, errOut, code := runCmd(t, "", "key", "create", "--data-dir", dir, "--user", "admin", "--name", "before")
	if code != 0 {
		t.Fatal(errOut)
	}
	first := strings.TrimSpace(out)
	proc := startServerProcess(t, dir)
	c, err := client.Dial(context.Background(), proc.WSURL("current"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	var live ackedKey
	if err := c.LoginPassword(context.Background(), "admin", "pw"); err != nil {
		t.Fatal(err)
	}
	err = c.CallInto(context.Background(), &live, "api_key.create", map[string]any{"name": "live", "username": "admin"})
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, errOut, code := runCmd(t, "", "backup", "--data-dir", dir, backup); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	if _, errOut, code := runCmd(t, "", "restore", "--data-dir", dir, backup); code != 1 || !strings.Contains(errOut, "in use") {
		t.Fatalf("restore while the server process runs: exit %d: %s", code, errOut)
	}
	if err := proc.Stop(); err != nil {
		t.Fatalf("server process: %v", err)
	}
	out, errOut, code = runCmd(t, "", "restore", "--data-dir", dir, backup)
	if code != 0 || !strings.Contains(out, "kept as "+filepath.Join(dir, "keyward.db.before-restore-")) || strings.Contains(errOut, "warning") {
		t.Fatalf("restore once stopped: exit %d: %s %s", code, out, errOut)
	}
	srv := apptest.MustStart(t, apptest.InDir(dir))
	for _, key := range []string{first, live.Key} {
		if got := apptest.MustDial(t, srv.WSURL("current")).KeyLogin("admin", key); got != "SUCCESS" {
			t.Fatalf("login with %s...: %s", key[:4], got)
		}
	}
}
