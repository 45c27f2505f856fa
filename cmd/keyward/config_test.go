package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigPrint(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keyward.toml")
	if err := os.WriteFile(file, []byte("listen = \"127.0.0.1:7001\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCmd(t, "", "config", "print", "--config", file, "--rate-limit-calls", "3")
	if code != 0 || !strings.Contains(out, `listen = "127.0.0.1:7001"  # file`) || !strings.Contains(out, `rate_limit_calls = "3"  # flag`) {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if _, errOut, code := runCmd(t, "", "config"); code != 1 || !strings.Contains(errOut, "usage: keyward config print") {
		t.Fatalf("no subcommand: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCmd(t, "", "serve", "--config", file+".missing"); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("serve with a missing config file: exit %d: %s", code, errOut)
	}
}
