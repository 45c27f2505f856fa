package crashtest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
)

// buildServer builds cmd/keyward and returns the binary's path.
func buildServer(t *testing.T) string { return apptest.MustBuild(t) }

// server is one run of the binary as a child process.
type server struct{ *apptest.Process }

// startServer runs the binary on dataDir with the fast test settings and
// waits until /readyz answers 200. Its log goes to logPath (appended across
// restarts).
func startServer(t *testing.T, bin, dataDir, logPath string) *server {
	t.Helper()
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(bin, append([]string{"serve", "--data-dir", dataDir}, apptest.FastServeArgs...)...)
	cmd.Env = apptest.CleanEnv()
	cmd.Stderr = logFile
	return &server{apptest.MustStartProcess(t, cmd, func() string { return tail(logPath) })}
}

// wsURL is the v25.10.0 path: the workload tells stored secrets apart by
// their keyhash, which entries show before v26.
func (s *server) wsURL() string { return s.WSURL("v25.10.0") }

// kill sends SIGKILL and reaps the process.
func (s *server) kill() { s.Kill() }

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
