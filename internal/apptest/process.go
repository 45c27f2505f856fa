package apptest

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
	"syscall"
	"testing"
	"time"
)

// FastServeArgs are `keyward serve` settings for a test process: a random
// loopback port, no rate limit, no failed-login delay, cheap argon2.
var FastServeArgs = []string{"--listen", "127.0.0.1:0", "--rate-limit-calls", "0",
	"--login-fail-delay", "0", "--argon2", "m=64,t=1,p=1", "--log-level", "warn"}

// Process is a Keyward server running as a child process.
type Process struct {
	Cmd     *exec.Cmd
	Addr    string        // host:port of its plain listener
	drained chan struct{} // closed when its standard output ends
}

// MustBuild builds cmd/keyward into a temporary directory and returns the
// binary's path.
func MustBuild(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		tb.Fatalf("go env GOMOD: %v", err)
	}
	bin := filepath.Join(tb.TempDir(), "keyward")
	build := exec.Command("go", "build", "-o", bin, "./cmd/keyward")
	build.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// MustStartProcess starts cmd, a server that prints "Keyward listening on
// http://<addr> ..." on its standard output, and waits until /readyz
// answers 200. Its standard output is consumed here; cmd.Stderr is left to
// the caller. logs, if set, returns the server's log for failure messages.
// The process is killed when the test ends.
func MustStartProcess(tb testing.TB, cmd *exec.Cmd, logs func() string) *Process {
	tb.Helper()
	if logs == nil {
		logs = func() string { return "" }
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", cmd.Path, err)
	}
	p := &Process{Cmd: cmd, drained: make(chan struct{})}
	tb.Cleanup(p.Kill)
	addrc := make(chan string, 1)
	go func() {
		defer close(p.drained)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Keyward listening on http://"); ok {
				addr, _, _ := strings.Cut(rest, " ")
				addrc <- addr
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case p.Addr = <-addrc:
	case <-p.drained:
		tb.Fatalf("the server exited before listening; log:\n%s", logs())
	case <-time.After(30 * time.Second):
		tb.Fatalf("the server did not print its address; log:\n%s", logs())
	}
	if err := waitReady("http://" + p.Addr + "/readyz"); err != nil {
		tb.Fatalf("%v; log:\n%s", err, logs())
	}
	return p
}

// WSURL returns the WebSocket URL of an API version ("current", ...).
func (p *Process) WSURL(version string) string { return "ws://" + p.Addr + "/api/" + version }

// Kill sends SIGKILL and reaps the process; it does nothing the second
// time.
func (p *Process) Kill() {
	if p.Cmd.ProcessState != nil {
		return
	}
	_ = p.Cmd.Process.Kill()
	<-p.drained
	_ = p.Cmd.Wait()
}

// Stop sends SIGTERM and waits for a clean exit.
func (p *Process) Stop() error {
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	<-p.drained
	return p.Cmd.Wait()
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

// CleanEnv is the environment without KEYWARD_* settings, so a developer's
// own settings (a pepper, a listen address) cannot leak into a test
// process.
func CleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KEYWARD_") {
			env = append(env, kv)
		}
	}
	return env
}
