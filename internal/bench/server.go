package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// server is a Keyward server running in its own process, so its memory
// can be measured apart from the load generator's.
type server struct {
	cmd     *exec.Cmd
	addr    string
	started time.Duration // from exec to /readyz answering
}

// startServer runs `<this binary> serve` on dir with the settings in env
// (KEYWARD_* variables: the database, node name and pepper) and waits until
// it is ready.
func startServer(ctx context.Context, dir string, env ...string) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--log-level", "error")
	cmd.Env = append(os.Environ(), "KEYWARD_LOGIN_FAIL_DELAY=0", "KEYWARD_RATE_LIMIT_CALLS=0")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &server{cmd: cmd}
	if s.addr, err = listenAddr(out); err != nil {
		s.stop()
		return nil, err
	}
	if err := waitReady(ctx, s.addr); err != nil {
		s.stop()
		return nil, err
	}
	s.started = time.Since(begin)
	return s, nil
}

// listenAddr reads the address from "Keyward listening on http://ADDR ...".
func listenAddr(out interface{ Read([]byte) (int, error) }) (string, error) {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Keyward listening on http://"); ok {
			addr, _, _ := strings.Cut(rest, " ")
			go func() {
				for sc.Scan() {
				}
			}()
			return addr, nil
		}
	}
	return "", errors.New("the server exited before listening")
}

func waitReady(ctx context.Context, addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	return errors.New("the server did not become ready in 30 s")
}

// rssMiB reads the server's resident memory from /proc.
func (s *server) rssMiB() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmRSS")
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

func (s *server) ws(version string) string { return "ws://" + s.addr + "/api/" + version }
