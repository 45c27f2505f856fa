package acceptance_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
)

// TestSecurityItem6PepperMismatch: the real binary refuses to start with a
// pepper that has the id of the database's pepper but other bytes, from
// the pepper file or from KEYWARD_PEPPER, and names the pepper id.
func TestSecurityItem6PepperMismatch(t *testing.T) {
	t.Parallel()
	bin := apptest.MustBuild(t)
	dir := filepath.Join(t.TempDir(), "data")
	// run runs the binary on the data directory; a server that starts
	// instead of refusing is stopped after 20 s (and the test fails).
	run := func(args []string, env ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append(args, "--data-dir", dir)...)
		cmd.Env = append(apptest.CleanEnv(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	serve := append([]string{"serve"}, apptest.FastServeArgs...)
	list := []string{"key", "list"}
	setup := exec.Command(bin, "admin", "setup", "--username", "admin", "--data-dir", dir, "--argon2", "m=64,t=1,p=1")
	setup.Env, setup.Stdin = apptest.CleanEnv(), strings.NewReader("pw\n")
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("admin setup: %v\n%s", err, out)
	}
	create := exec.Command(bin, "key", "create", "--user", "admin", "--name", "k", "--data-dir", dir)
	create.Env = apptest.CleanEnv()
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("key create: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "pepper")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Fields(string(good))[0]
	other := make([]byte, 32)
	_, _ = rand.Read(other)
	otherB64 := base64.StdEncoding.EncodeToString(other)
	want := "the pepper does not match this database (its keys were hashed with pepper " + id +
		"): set KEYWARD_PEPPER or the pepper file to the cluster's pepper"

	t.Run("ErrFile", func(t *testing.T) {
		if err := os.WriteFile(path, []byte(id+" "+otherB64+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := run(serve)
		if err == nil || !strings.Contains(out, want) {
			t.Fatalf("start with other pepper bytes in the file: err %v, output:\n%s", err, out)
		}
	})
	t.Run("ErrEnv", func(t *testing.T) {
		if err := os.WriteFile(path, good, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := run(serve, "KEYWARD_PEPPER="+id+":"+otherB64)
		if err == nil || !strings.Contains(out, want) {
			t.Fatalf("start with other pepper bytes in KEYWARD_PEPPER: err %v, output:\n%s", err, out)
		}
	})
	t.Run("OK", func(t *testing.T) {
		good64 := strings.Fields(string(good))[1]
		if out, err := run(list, "KEYWARD_PEPPER="+id+":"+good64); err != nil || !strings.Contains(out, "k") {
			t.Fatalf("start with the right pepper in KEYWARD_PEPPER: %v\n%s", err, out)
		}
		if out, err := run(list); err != nil {
			t.Fatalf("start with the right pepper file: %v\n%s", err, out)
		}
	})
}

// TestSecurityItem6NoPepperOfItsOwn: a command run on a data directory
// whose server takes its pepper from KEYWARD_PEPPER, without that variable,
// refuses instead of writing a pepper file of its own (whose keys the
// server could not check).
func TestSecurityItem6NoPepperOfItsOwn(t *testing.T) {
	t.Parallel()
	bin := apptest.MustBuild(t)
	dir := filepath.Join(t.TempDir(), "data")
	run := func(env ...string) (string, error) {
		cmd := exec.Command(bin, "user", "list", "--data-dir", dir)
		cmd.Env = append(apptest.CleanEnv(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	pepper := "KEYWARD_PEPPER=envpepper:" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	if out, err := run(pepper); err != nil {
		t.Fatalf("with KEYWARD_PEPPER: %v\n%s", err, out)
	}
	out, err := run()
	if err == nil || !strings.Contains(out, "no pepper") {
		t.Fatalf("without KEYWARD_PEPPER: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "pepper")); !os.IsNotExist(err) {
		t.Fatalf("a pepper file was written: %v", err)
	}
}
