package crashtest_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildServer builds cmd/keyward into a temporary directory and returns the
// binary's path.
func buildServer(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(t.TempDir(), "keyward")
	build := exec.Command("go", "build", "-o", bin, "./cmd/keyward")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is one run of the binary as a child process.
type server struct {
	cmd     *exec.Cmd
	addr    string        // host:port it listens on
	drained chan struct{} // closed when its stdout is at end of file
}

// startServer runs the binary on dataDir and waits until /readyz answers
// 200. Its log goes to logPath (appended across restarts). The settings
// keep the test fast: no rate limit, no failed-login delay, cheap argon2.
func startServer(t *testing.T, bin, dataDir, logPath string) *server {
	t.Helper()
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0",
		"--rate-limit-calls", "0", "--login-fail-delay", "0", "--argon2", "m=64,t=1,p=1", "--log-level", "warn")
	cmd.Env = cleanEnv()
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	s := &server{cmd: cmd, drained: make(chan struct{})}
	t.Cleanup(s.kill)
	addrc := make(chan string, 1)
	go func() {
		defer close(s.drained)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			// "Keyward listening on http://127.0.0.1:41234 (API: ...)"
			if rest, ok := strings.CutPrefix(sc.Text(), "Keyward listening on http://"); ok {
				addr, _, _ := strings.Cut(rest, " ")
				addrc <- addr
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case s.addr = <-addrc:
	case <-s.drained:
		t.Fatalf("server exited before listening; log:\n%s", tail(logPath))
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not print its address; log:\n%s", tail(logPath))
	}
	if err := waitReady("http://" + s.addr + "/readyz"); err != nil {
		t.Fatalf("%v; log:\n%s", err, tail(logPath))
	}
	return s
}

// wsURL returns the server's current API URL.
func (s *server) wsURL() string { return "ws://" + s.addr + "/api/current" }

// kill sends SIGKILL and reaps the process; it does nothing the second time.
func (s *server) kill() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.drained
	_ = s.cmd.Wait()
}

func waitReady(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("GET %s: not ready (last: %v)", url, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// cleanEnv is the test's environment without KEYWARD_* settings, so a
// developer's own settings (a pepper, a listen address) cannot leak in.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KEYWARD_") {
			env = append(env, kv)
		}
	}
	return env
}

// tail returns the end of a log file for a failure message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// errorLines returns the lines of a log file that report an error: a
// killed server has no chance to log one, so any is a bug the test did not
// look for (a failed write, a recovery problem at start).
func errorLines(path string) []string {
	b, _ := os.ReadFile(path)
	var lines []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "level=ERROR") {
			lines = append(lines, line)
		}
	}
	return lines
}
