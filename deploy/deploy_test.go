// Package deploy_test checks the packaging files in deploy/: the systemd
// unit passes systemd-analyze and the Containerfile's build command makes
// a static binary.
package deploy_test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// needTool finds a program; without it the test skips, except in CI
// (CI set), where every check must run.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; CI must run this check (.ci/run installs systemd)", name)
		}
		t.Skipf("%s is not installed (Debian: apt-get install systemd); CI runs this check", name)
	}
	return path
}

// build runs a go build command line from the module root and returns the
// output binary.
func build(t *testing.T, env []string, args ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "keyward")
	cmd := exec.Command("go", append(append([]string{"build"}, args...), "-o", bin, "./cmd/keyward")...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSystemdUnit verifies keyward.service with systemd-analyze (pointing
// ExecStart at a freshly built binary, which verify requires to exist):
// any warning fails, and the offline security exposure must stay low.
func TestSystemdUnit(t *testing.T) {
	analyze := needTool(t, "systemd-analyze")
	unit, err := os.ReadFile("keyward.service")
	if err != nil {
		t.Fatal(err)
	}
	bin := build(t, nil)
	text := strings.Replace(string(unit), "ExecStart=/usr/local/bin/keyward", "ExecStart="+bin, 1)
	if text == string(unit) {
		t.Fatal("keyward.service has no ExecStart=/usr/local/bin/keyward")
	}
	path := filepath.Join(t.TempDir(), "keyward.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// Exposure is 0 (best) to 10; the unit scores about 1.2.
	out, err = exec.Command(analyze, "security", "--offline=yes", "--threshold=20", "--no-pager", path).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze security: %v\n%s", err, out)
	}
	if m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out); m != nil {
		t.Logf("systemd-analyze security: exposure %s", m[1])
	}
}

// TestContainerfileBuildsStaticBinary runs the Containerfile's go build
// line (no container engine is needed) and checks the binary has no
// dynamic loader, so it runs on a distroless static base.
func TestContainerfileBuildsStaticBinary(t *testing.T) {
	file, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0) go build (.*) -o \S+ \./cmd/keyward$`).FindSubmatch(file)
	if m == nil {
		t.Fatal("Containerfile has no `RUN CGO_ENABLED=0 go build ... -o <out> ./cmd/keyward` line")
	}
	bin := build(t, []string{string(m[1])}, shellWords(string(m[2]))...)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary needs a dynamic loader; a distroless static base has none")
		}
	}
	if out, err := exec.Command(bin, "help").CombinedOutput(); err != nil {
		t.Fatalf("%s help: %v\n%s", bin, err, out)
	}
}

// shellWords splits a command line at spaces outside double quotes and
// drops the quotes, as the shell does for the Containerfile's RUN line.
func shellWords(line string) []string {
	var words []string
	var word strings.Builder
	quoted, inWord := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, word.String())
				word.Reset()
			}
			inWord = false
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}
