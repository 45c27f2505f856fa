package cluster_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// unconfirmed is the reason of the -32001 EFAULT answer of a node that
// cannot confirm the change log (cluster.md 4).
const unconfirmed = "[EFAULT] Keyward cannot confirm credentials with the database; retry shortly"

// fewSeconds bounds "the nodes serve again within a few seconds" once the
// database is back (cluster.md, acceptance 5) and a node's own recovery
// from a dropped listener (acceptance 4).
const fewSeconds = 5 * time.Second

// hangTimeout bounds every wait that the spec does not bound itself: a
// hang detector, not a timing assertion.
const hangTimeout = 30 * time.Second

// The binary is built once for the whole package, on first use (a run
// without KEYWARD_TEST_DATABASE builds nothing).
var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

// TestMain runs the tests and removes the binary they built, if any.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary returns the path of the keyward binary, building cmd/keyward the
// first time.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "keyward-cluster-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "keyward")
		build := exec.Command("go", "build", "-o", binPath, "./cmd/keyward")
		build.Dir = filepath.Dir(strings.TrimSpace(string(out)))
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// eventually calls cond every 20 ms until it holds, and fails the test
// naming what when it still does not after within.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// httpClient bounds every plain HTTP request of the tests.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// get fetches a URL and returns the status code and body; a transport
// error is status 0 with the error as body.
func get(url string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
