package cluster_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/pgtest"
)

// pepperID is the id of every test cluster's pepper.
const pepperID = "cluster"

// cluster is a fresh PostgreSQL database and the settings every node of a
// test shares: the binary, the pepper and revocation_max_lag.
type cluster struct {
	t      *testing.T
	bin    string
	db     string // URL from pgtest.Fresh
	dbName string
	pepper string        // KEYWARD_PEPPER
	lag    time.Duration // revocation_max_lag
}

// newCluster makes a fresh database and a pepper for nodes started with
// revocation_max_lag lag. It skips the test without KEYWARD_TEST_DATABASE
// (fails it under CI).
func newCluster(t *testing.T, lag time.Duration) *cluster {
	t.Helper()
	db := pgtest.Fresh(t)
	return &cluster{t: t, bin: binary(t), db: db, dbName: pgtest.DatabaseName(t, db),
		pepper: pepperID + ":" + randomKey(), lag: lag}
}

// randomKey returns 32 random bytes in standard base64: a pepper's key.
func randomKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// node is one Keyward process of a cluster.
type node struct {
	*apptest.Process
	name    string
	logPath string
}

// start runs a node named name and waits until its /readyz answers 200.
// It is killed when the test ends.
func (c *cluster) start(name string) *node {
	c.t.Helper()
	logPath := filepath.Join(c.t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		c.t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(c.bin, c.serveArgs(name)...)
	cmd.Env = append(apptest.CleanEnv(), "KEYWARD_PEPPER="+c.pepper)
	cmd.Stderr = logFile
	n := &node{name: name, logPath: logPath}
	n.Process = apptest.MustStartProcess(c.t, cmd, n.tail)
	return n
}

// startErr runs a node named name with the pepper given and returns its
// output once it exits; a node that starts instead is killed after
// hangTimeout, and the test fails.
func (c *cluster) startErr(name, pepper string) string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, c.serveArgs(name)...)
	cmd.Env = append(apptest.CleanEnv(), "KEYWARD_PEPPER="+pepper)
	out, err := cmd.CombinedOutput()
	if err == nil || ctx.Err() != nil {
		c.t.Fatalf("node %s started (err %v, timed out %v); output:\n%s", name, err, ctx.Err() != nil, out)
	}
	return string(out)
}

// serveArgs are the arguments of `keyward serve` for a node: its own data
// directory, the fast test settings, the cluster's database and lag. The
// database URL carries the node's name as application_name, so that the
// test can find the node's connections in pg_stat_activity.
func (c *cluster) serveArgs(name string) []string {
	args := []string{"serve", "--data-dir", filepath.Join(c.t.TempDir(), "data")}
	args = append(args, apptest.FastServeArgs...)
	return append(args, "--database", c.nodeURL(name), "--node-name", name,
		"--revocation-max-lag", c.lag.String())
}

// nodeURL returns the database URL with application_name set to name.
func (c *cluster) nodeURL(name string) string {
	u, err := url.Parse(c.db)
	if err != nil {
		c.t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// ws returns the node's current API URL.
func (n *node) ws() string { return n.WSURL("current") }

// url returns the node's http:// URL for path.
func (n *node) url(path string) string { return "http://" + n.Addr + path }

// tail returns the end of the node's log for a failure message.
func (n *node) tail() string {
	b, _ := os.ReadFile(n.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// errorLines returns the lines of the node's log that report an error.
func (n *node) errorLines() []string {
	b, _ := os.ReadFile(n.logPath)
	var lines []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "level=ERROR") {
			lines = append(lines, line)
		}
	}
	return lines
}

// noErrors fails the test for every error a node logged: a scenario that
// does not touch the database has none to log.
func noErrors(t *testing.T, nodes ...*node) {
	t.Helper()
	for _, n := range nodes {
		for _, line := range n.errorLines() {
			t.Errorf("node %s logged an error: %s", n.name, line)
		}
	}
}

// logOnFailure prints every node's log at the end of a failed test.
func logOnFailure(t *testing.T, nodes ...*node) {
	t.Cleanup(func() {
		if t.Failed() {
			for _, n := range nodes {
				t.Logf("log of node %s:\n%s", n.name, n.tail())
			}
		}
	})
}
