package compat_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// The environment that points the tests at TrueNAS's official Python
// client (truenas/api_client, never copied into this repository).
const (
	// clientVar names a checkout of the client's master line.
	clientVar = "KEYWARD_TRUENAS_CLIENT"
	// betaVar names a checkout of its tag TS-26.0.0-BETA.2.
	betaVar = "KEYWARD_TRUENAS_CLIENT_BETA"
	// pythonVar names the interpreter (default /usr/bin/python3); it
	// needs the websocket-client module, 1.3 or newer.
	pythonVar = "KEYWARD_TRUENAS_PYTHON"
	// pythonPathVar optionally lists directories holding modules the
	// interpreter lacks (a newer websocket-client), as PYTHONPATH does.
	pythonPathVar = "KEYWARD_TRUENAS_PYTHONPATH"
)

const howToRun = `To run it:
  git -C <truenas/api_client mirror> archive HEAD | tar -x -C /tmp/tnc-master
  git -C <truenas/api_client mirror> archive TS-26.0.0-BETA.2 | tar -x -C /tmp/tnc-beta2
  apt-get install -y python3-websocket   # websocket-client for /usr/bin/python3 (1.3 or newer)
  KEYWARD_TRUENAS_CLIENT=/tmp/tnc-master KEYWARD_TRUENAS_CLIENT_BETA=/tmp/tnc-beta2 go test ./internal/compat/
(KEYWARD_TRUENAS_PYTHON picks another python3; KEYWARD_TRUENAS_PYTHONPATH adds module directories,
for example Debian 13's python3-websocket unpacked with dpkg -x; .ci/run does all of this.)`

// midclt runs one checkout of the official client's command line.
type midclt struct {
	t      *testing.T
	python string
	env    []string
}

// officialClient returns the client named by the environment variable
// envVar, or skips the test saying how to run it.
func officialClient(t *testing.T, envVar string) *midclt {
	t.Helper()
	dir := os.Getenv(envVar)
	if dir == "" {
		t.Skipf("%s is not set: this test drives TrueNAS's official Python client (midclt) against Keyward.\n%s", envVar, howToRun)
	}
	if _, err := os.Stat(filepath.Join(dir, "truenas_api_client", "__init__.py")); err != nil {
		t.Fatalf("%s=%s is not a truenas/api_client checkout: %v", envVar, dir, err)
	}
	python := os.Getenv(pythonVar)
	if python == "" {
		python = "/usr/bin/python3"
	}
	path := dir
	if extra := os.Getenv(pythonPathVar); extra != "" {
		path += string(os.PathListSeparator) + extra
	}
	m := &midclt{t: t, python: python, env: append(os.Environ(), "PYTHONPATH="+path, "PYTHONDONTWRITEBYTECODE=1")}
	m.checkWebSocket()
	return m
}

// checkWebSocket fails the test when the interpreter's websocket-client
// is missing or older than 1.3 (Debian 12 ships 1.2.3): the client hands
// WebSocketApp a connected socket, which older versions cannot take.
func (m *midclt) checkWebSocket() {
	m.t.Helper()
	probe := `import inspect, websocket; assert "socket" in inspect.signature(websocket.WebSocketApp.__init__).parameters, websocket.__version__`
	cmd := exec.Command(m.python, "-c", probe)
	cmd.Env = m.env
	if out, err := cmd.CombinedOutput(); err != nil {
		m.t.Fatalf("%s cannot run the client: websocket-client 1.3 or newer is needed: %v\n%s\n%s", m.python, err, out, howToRun)
	}
}

// run runs `midclt args...` and returns what it printed on standard
// output, trimmed. midclt exits 0 after printing a login failure and 1
// after a failed call; either way the output is what the tests judge.
func (m *midclt) run(args ...string) string {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	script := `import sys; sys.argv[0] = "midclt"; from truenas_api_client import main; sys.exit(main())`
	cmd := exec.CommandContext(ctx, m.python, append([]string{"-c", script}, args...)...)
	cmd.Env = m.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		m.t.Fatalf("midclt %s: timed out", strings.Join(redactArgs(args), " "))
	}
	if err != nil && stderr.Len() > 0 {
		m.t.Logf("midclt %s: %v; stderr:\n%s", strings.Join(redactArgs(args), " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// redactArgs hides the key and password in logged command lines.
func redactArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i := 1; i < len(out); i++ {
		if out[i-1] == "-K" || out[i-1] == "-P" {
			out[i] = "********"
		}
	}
	return out
}

// result decodes midclt's JSON output of a call.
func result(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber() // as apptest decodes answers
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("midclt printed %q, not a JSON object: %v", out, err)
	}
	return m
}

// The account the client logs in as: a read-only administrator.
const (
	svcUser     = "svc"
	svcPassword = "svc password for midclt"
)

// fixture is a server with a TLS listener (self-signed, ECDSA-SHA256),
// an account svc with a key and a revoked key, and another user's key.
type fixture struct {
	srv           *apptest.Server
	keyID         int64
	key, otherKey string
	revokedKey    string
	ws, wss       string // ws:// and wss:// base URLs, without the path
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := apptest.MustStart(t, func(c *config.Config) {
		c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix(proxyAddr + "/32")}
	})
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, svcUser, svcPassword, "READONLY_ADMIN")
	apptest.MustUserWithRoles(t, admin, "other", "other password for midclt", "READONLY_ADMIN")
	f := &fixture{srv: srv, ws: "ws://" + srv.Addr, wss: "wss://" + srv.TLSAddr}
	f.keyID, f.key = apptest.MustCreateKey(t, admin, "midclt", svcUser)
	_, f.otherKey = apptest.MustCreateKey(t, admin, "other's", "other")
	_, f.revokedKey = apptest.MustCreateKey(t, admin, "revoked", svcUser)
	f.revoke(t)
	return f
}

// proxyAddr is a trusted proxy's address; midclt connects from
// 127.0.0.1, which is not one, so its ws:// connections stay secure
// transport (loopback).
const proxyAddr = "127.0.0.2"

// revoke gets revokedKey revoked the way TrueNAS revokes keys: sent in
// clear through a proxy that reports http (api-keys.md 12).
func (f *fixture) revoke(t *testing.T) {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(proxyAddr)}}
	c := apptest.MustDialOpts(t, f.url(false, v26), &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}},
		HTTPHeader: http.Header{"X-Forwarded-For": {"192.0.2.10"}, "X-Forwarded-Proto": {"http"}},
	})
	if got := c.KeyLogin(svcUser, f.revokedKey); got != "EXPIRED" {
		t.Fatalf("a key sent over an insecure transport: %s, want EXPIRED (revoked)", got)
	}
}

// url returns the ws:// or wss:// URL of an API path.
func (f *fixture) url(tls bool, path string) string {
	if tls {
		return f.wss + "/api/" + path
	}
	return f.ws + "/api/" + path
}

// needSCRAM skips a case that needs the server's SCRAM login when the
// server does not offer it on the path: auth.mechanism_choices, asked
// before login as the client asks, does not list SCRAM. Once the server
// offers SCRAM there the case runs (and must pass).
func (f *fixture) needSCRAM(t *testing.T, path string) {
	t.Helper()
	c := apptest.MustDial(t, f.url(false, path))
	choices, _ := c.MustResult("auth.mechanism_choices").([]any)
	for _, m := range choices {
		if m == "SCRAM" {
			return
		}
	}
	t.Skipf("the server does not offer SCRAM on /api/%s yet (auth.mechanism_choices = %v); this case runs once it does", path, choices)
}
