package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// TestCallSCRAMEndToEnd: keyward call -U -K against a real server logs in
// by SCRAM bound to the TLS channel over wss:// (the default), by unbound
// SCRAM over ws:// with --scram, and by sending the key over ws:// by
// default; auth.me tells which (issue 16 item 8, scram.md 9.13 items 1-2).
func TestCallSCRAMEndToEnd(t *testing.T) {
	srv := apptest.MustStart(t, func(c *config.Config) { c.TLSListen, c.TLSSelfSigned = "127.0.0.1:0", true })
	admin := srv.MustSetupAdmin(t)
	apptest.MustUserWithRoles(t, admin, "svc", "pw-svc", "READONLY_ADMIN")
	_, raw := apptest.MustCreateKey(t, admin, "cli", "svc")
	ca := filepath.Join(srv.DataDir, "tls.crt")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"OKBoundOverWSS", []string{"--url", "wss://" + srv.TLSAddr + "/api/v26.0.0", "--ca", ca}, `["LOCAL","API_KEY","SCRAM"]`},
		{"OKUnboundOverWS", []string{"--url", srv.WSURL("v26.0.0"), "--scram"}, `["LOCAL","API_KEY","SCRAM"]`},
		{"OKPlainOverWS", []string{"--url", srv.WSURL("v26.0.0")}, `["LOCAL","API_KEY"]`},
		{"OKPlainOverWSS", []string{"--url", "wss://" + srv.TLSAddr + "/api/v26.0.0", "--ca", ca, "--plain"}, `["LOCAL","API_KEY"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{"call"}, tc.args...), "-U", "svc", "-K", raw, "auth.me")
			out, errOut, code := runCmd(t, "", args...)
			var me struct {
				Attrs []string `json:"account_attributes"`
			}
			if code != 0 || json.Unmarshal([]byte(out), &me) != nil {
				t.Fatalf("exit %d: %s%s", code, out, errOut)
			}
			if got, _ := json.Marshal(me.Attrs); string(got) != tc.want {
				t.Fatalf("account_attributes %s, want %s", got, tc.want)
			}
			if strings.Contains(out+errOut, raw) {
				t.Fatal("the key was printed")
			}
		})
	}
	// A wrong secret is refused at the client-final, with exit status 1.
	_, errOut, code := runCmd(t, "", "call", "--url", srv.WSURL("v26.0.0"), "--scram", "-U", "svc", "-K", apptest.WrongSecret(raw), "core.ping")
	if code != 1 || !strings.Contains(errOut, "AUTH_ERR") {
		t.Fatalf("wrong secret: exit %d: %s", code, errOut)
	}
}
