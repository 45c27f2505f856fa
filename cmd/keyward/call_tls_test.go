package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestCallTrustsCA: keyward call reaches a self-signed TLS listener with
// --ca naming its certificate, and refuses it without.
func TestCallTrustsCA(t *testing.T) {
	srv := apptest.MustStart(t, func(c *config.Config) { c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true })
	url := "wss://" + srv.TLSAddr + "/api/current"
	out, errOut, code := runCmd(t, "", "call", "--url", url, "--ca", filepath.Join(srv.DataDir, "tls.crt"), "core.ping")
	if code != 0 || strings.TrimSpace(out) != `"pong"` {
		t.Fatalf("with --ca: exit %d: %s%s", code, out, errOut)
	}
	if _, errOut, code := runCmd(t, "", "call", "--url", url, "core.ping"); code != 1 || !strings.Contains(errOut, "certificate") {
		t.Fatalf("without --ca: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCmd(t, "", "call", "--url", url, "--ca", filepath.Join(srv.DataDir, "pepper"), "core.ping"); code != 1 || !strings.Contains(errOut, "no PEM certificate") {
		t.Fatalf("--ca of a non-PEM file: exit %d: %s", code, errOut)
	}
}
